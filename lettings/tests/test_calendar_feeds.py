"""Calendar sync both ways: each letting's iCalendar feed, and ``sync_calendars`` importing other channels' feeds.

The feeds are real iCalendar files served over HTTP by a local server: a good one, a malformed one,
a slow one, one that is missing.
"""

import io
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from lettings import calendar_sync
from lettings.models import BookedPeriod, CalendarFeed
from testing.factories import make_letting
from testing.servers import FeedServer

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)


def ics(*events: tuple[str, str], extra: str = "") -> bytes:
    """Return an iCalendar file with one all-day event per (arrival, departure) in YYYYMMDD."""
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:{start}-{end}@airbnb.example\r\nDTSTAMP:20261101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{start}\r\nDTEND;VALUE=DATE:{end}\r\nSUMMARY:Reserved\r\n{extra}END:VEVENT\r\n"
        for start, end in events
    )
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airbnb Inc//Hosting Calendar//EN\r\n"
    return f"{head}{body}END:VCALENDAR\r\n".encode()


@pytest.fixture
def feeds():
    """Yield a local server that serves calendar feeds."""
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def letting(lettings_index):
    """Return a published letting."""
    return make_letting(lettings_index, title="Lake House")


def periods(letting) -> list[tuple[str, str, str]]:
    """Return the letting's periods as (arrival, departure, source), in order."""
    return [
        (period.start.isoformat(), period.end.isoformat(), period.source)
        for period in BookedPeriod.objects.filter(letting=letting).order_by("start")
    ]


def sync(*args) -> tuple[str, str]:
    """Run ``sync_calendars``; return what it printed and what it wrote to stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("sync_calendars", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_letting_offers_its_availability_as_a_feed_linked_from_its_page(client, letting):
    today = timezone.localdate()
    BookedPeriod.objects.create(letting=letting, start=today + timedelta(10), end=today + timedelta(13), note="VIP")
    BookedPeriod.objects.create(letting=letting, start=today - timedelta(9), end=today - timedelta(5))  # over

    page = BeautifulSoup(client.get(letting.url).content, "html.parser")
    feed_url = page.select_one('link[rel=alternate][type="text/calendar"]')["href"]
    assert feed_url == reverse("letting_availability_feed", args=[letting.pk])
    assert page.find("a", string="Subscribe to this calendar")["href"] == feed_url

    response = client.get(feed_url)
    assert response["Content-Type"] == "text/calendar"
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [(event.decoded("DTSTART"), event.decoded("DTEND")) for event in events] == [
        (today + timedelta(10), today + timedelta(13))
    ]
    assert str(events[0]["SUMMARY"]) == "Booked"
    assert b"VIP" not in response.content  # the team's note stays in the admin


def test_only_a_live_public_letting_has_a_feed(client, letting, lettings_index):
    feed_url = reverse("letting_availability_feed", args=[letting.pk])
    PageViewRestriction.objects.create(page=letting, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(feed_url).status_code == 404
    draft = make_letting(lettings_index, title="Draft House", publish=False)
    assert client.get(reverse("letting_availability_feed", args=[draft.pk])).status_code == 404
    assert client.get("/calendars/999999.ics").status_code == 404
    assert client.get(f"/calendars/{'9' * 30}.ics").status_code == 404  # past any integer column
    letting.delete()
    assert client.get(feed_url).status_code == 404


def test_a_good_feed_is_imported_and_the_next_run_replaces_it(feeds, letting, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    url = feeds.serve("/good.ics", ics(("20261210", "20261214"), ("20261220", "20261222"), ("20261101", "20261105")))
    CalendarFeed.objects.create(letting=letting, source="airbnb", url=url)

    out, _err = sync()

    assert "Lake House from Airbnb: 2 periods imported" in out  # the one in November is over
    assert periods(letting) == [("2026-12-10", "2026-12-14", "airbnb"), ("2026-12-20", "2026-12-22", "airbnb")]
    feeds.serve("/good.ics", ics(("20261212", "20261215")))
    sync()
    assert periods(letting) == [("2026-12-12", "2026-12-15", "airbnb")]
    assert CalendarFeed.objects.get().status == "1 period imported"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<html>Sign in to Airbnb</html>", "not an iCalendar file"),
        (ics(("20261214", "20261210")), "ends (2026-12-10) before it starts (2026-12-14)"),
        (None, "answered HTTP 404"),
    ],
    ids=["not-ical", "backwards-event", "missing"],
)
def test_a_bad_feed_changes_nothing_and_is_reported(feeds, letting, monkeypatch, body, error):
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    url = feeds.serve("/feed.ics", ics(("20261210", "20261214")))
    feed = CalendarFeed.objects.create(letting=letting, source="vrbo", url=url)
    sync()
    if body is None:
        del feeds.bodies["/feed.ics"]
    else:
        feeds.serve("/feed.ics", body)

    with pytest.raises(CommandError, match="1 of 1 calendar feeds could not be imported"):
        sync()

    assert periods(letting) == [("2026-12-10", "2026-12-14", "vrbo")]  # what the last good run imported
    feed.refresh_from_db()
    assert error in feed.last_error
    assert feed.status.startswith("Failed, nothing changed:")


def test_a_slow_feed_is_given_up_and_changes_nothing(feeds, letting, monkeypatch):
    monkeypatch.setattr(calendar_sync, "READ_SECONDS", 0.5)
    url = feeds.serve("/slow.ics", ics(("20261210", "20261214")))
    feeds.slow("/slow.ics", 3)
    feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=url)
    result = calendar_sync.sync_feed(feed, today=TODAY)
    assert result.error == "the feed did not answer within 0.5 seconds"
    assert periods(letting) == []


def test_an_event_on_nights_booked_elsewhere_is_left_out_and_named(feeds, letting):
    BookedPeriod.objects.create(letting=letting, start=date(2026, 12, 12), end=date(2026, 12, 15))
    url = feeds.serve("/feed.ics", ics(("20261213", "20261216"), ("20261220", "20261222")))
    feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=url)

    result = calendar_sync.sync_feed(feed, today=TODAY)

    assert result.left_out == ["2026-12-13 to 2026-12-16 overlaps 12 Dec 2026 to 15 Dec 2026 (Entered here)"]
    assert periods(letting) == [("2026-12-12", "2026-12-15", "manual"), ("2026-12-20", "2026-12-22", "airbnb")]


def test_a_feed_on_a_private_network_is_refused_in_production(feeds, letting, settings):
    settings.CALENDAR_FEEDS_ALLOW_PRIVATE_HOSTS = False
    feed = CalendarFeed.objects.create(letting=letting, source="other", url=feeds.serve("/x.ics", ics()))
    assert calendar_sync.sync_feed(feed, today=TODAY).error == "the feed's host '127.0.0.1' is on a private network"


def test_an_editor_adds_a_feed_and_sees_how_the_import_went(client, editor, feeds, letting):
    client.force_login(editor)
    add_url = reverse("wagtailsnippets_lettings_calendarfeed:add")
    assert (
        client.post(add_url, {"letting": letting.pk, "source": "airbnb", "url": "ftp://x.example/a.ics"}).status_code
        == 200
    )
    url = feeds.serve("/feed.ics", b"nonsense")
    assert client.post(add_url, {"letting": letting.pk, "source": "airbnb", "url": url}).status_code == 302
    with pytest.raises(CommandError):
        sync()
    listing = client.get(reverse("wagtailsnippets_lettings_calendarfeed:list"))
    assert "Failed, nothing changed: the feed is not an iCalendar file" in listing.text
