"""Calendar sync both ways: each letting's iCalendar feed, and ``sync_calendars`` importing other channels' feeds.

The feeds are real iCalendar files served over HTTP by a local server: a good one, a malformed one,
a slow one, one that is missing.
"""

import io
import time
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
from pagecache import cache as pagecache_cache
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
        (ics(("20270230", "20270303")), "has a DTSTART that is not a date"),
        (ics(("20261210", "20261214")).replace(b"DTEND;VALUE=DATE:20261214", b"DURATION:soon"), "DURATION"),
    ],
    ids=["not-ical", "backwards-event", "missing", "impossible-date", "bad-duration"],
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


def test_a_malformed_feed_does_not_stop_the_other_feeds(feeds, letting, lettings_index, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    broken = CalendarFeed.objects.create(
        letting=letting, source="airbnb", url=feeds.serve("/broken.ics", ics(("20270230", "20270303")))
    )
    other = make_letting(lettings_index, title="Pine Cabin")
    good = feeds.serve("/good.ics", ics(("20261210", "20261214")))
    CalendarFeed.objects.create(letting=other, source="vrbo", url=good)

    with pytest.raises(CommandError, match="1 of 2 calendar feeds could not be imported"):
        sync()

    assert periods(other) == [("2026-12-10", "2026-12-14", "vrbo")]
    broken.refresh_from_db()
    assert broken.last_checked_at is not None
    assert "not a date" in broken.last_error


def test_a_feed_that_trickles_is_given_up_at_the_deadline(feeds, letting, monkeypatch):
    monkeypatch.setattr(calendar_sync, "READ_SECONDS", 0.5)
    url = feeds.serve("/trickle.ics", ics(("20261210", "20261214")))
    feeds.trickle("/trickle.ics", 0.05)  # every read answers within the timeout; the whole body takes 15 s
    feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=url)
    started = time.monotonic()
    result = calendar_sync.sync_feed(feed, today=TODAY)
    assert result.error == "the feed did not answer within 0.5 seconds"
    assert time.monotonic() - started < 3
    assert periods(letting) == []


def event(uid: str, start: str, end: str, extra: str = "") -> bytes:
    """Return one VEVENT block with the given DTSTART and DTEND lines' values (dates or date-times)."""
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}@google.example\r\nDTSTAMP:20261101T000000Z\r\n"
        f"DTSTART{start}\r\nDTEND{end}\r\nSUMMARY:{uid}\r\n{extra}END:VEVENT\r\n"
    ).encode()


def test_what_a_feed_may_hold_nights_within_two_years_joined_at_most_a_thousand(feeds, letting, monkeypatch):
    far = TODAY + timedelta(days=calendar_sync.HORIZON_DAYS + 1)
    body = ics(("20261210", "20261212"), ("20261212", "20261214")).replace(
        b"END:VCALENDAR",
        event("cleaning", ":20261205T100000Z", ":20261205T150000Z")
        + event("owner", ":20261226T150000Z", ":20261228T100000Z")
        + event("free", ";VALUE=DATE:20261218", ";VALUE=DATE:20261220", "TRANSP:TRANSPARENT\r\n")
        + event("far", f";VALUE=DATE:{far:%Y%m%d}", f";VALUE=DATE:{far + timedelta(days=2):%Y%m%d}")
        + b"END:VCALENDAR",
    )
    feed = CalendarFeed.objects.create(letting=letting, source="google", url=feeds.serve("/cal.ics", body))

    assert calendar_sync.sync_feed(feed, today=TODAY).error == ""
    # Back-to-back stays joined; the cleaner's afternoon blocks no night, the owner's two nights do;
    # free time and anything past two years ahead are left out.
    assert periods(letting) == [("2026-12-10", "2026-12-14", "google"), ("2026-12-26", "2026-12-28", "google")]

    monkeypatch.setattr(calendar_sync, "MAX_PERIODS", 1)
    result = calendar_sync.sync_feed(feed, today=TODAY)
    assert result.error == "the feed lists 2 bookings, more than the 1 a home can have"
    assert len(periods(letting)) == 2  # nothing changed


def test_an_unchanged_feed_writes_nothing_and_a_changed_one_clears_the_page_cache_once(
    feeds, letting, monkeypatch, django_capture_on_commit_callbacks
):
    clears = []
    monkeypatch.setattr(pagecache_cache, "invalidate_all", clears.append)
    monkeypatch.setattr(pagecache_cache, "invalidate_pages", lambda paths, reason: clears.append((paths, reason)))
    events = [(f"202612{day:02d}", f"202612{day + 1:02d}") for day in range(1, 20, 2)]
    feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=feeds.serve("/f.ics", ics(*events)))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_sync.sync_feed(feed, today=TODAY)
    assert len(periods(letting)) == 10
    assert clears == [([letting.url], f"calendar feed {feed.pk} imported")]  # its letting's page and the lists
    ids = set(BookedPeriod.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        result = calendar_sync.sync_feed(feed, today=TODAY)
    assert result.imported == 10
    assert set(BookedPeriod.objects.values_list("pk", flat=True)) == ids
    assert len(clears) == 1  # the visitors' cached pages stay


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.8", "100.64.0.1", "169.254.169.254", "::1", "2002:7f00:1::"])
def test_feeds_on_addresses_the_internet_cannot_reach_are_refused(settings, address):
    settings.OUTBOUND_NETWORK = "internet"
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(calendar_sync.FeedError, match="is on this machine or a private network"):
        calendar_sync.fetch(f"http://{host}/calendar.ics")


def test_an_event_on_nights_booked_elsewhere_is_left_out_and_named(feeds, letting):
    BookedPeriod.objects.create(letting=letting, start=date(2026, 12, 12), end=date(2026, 12, 15))
    url = feeds.serve("/feed.ics", ics(("20261213", "20261216"), ("20261220", "20261222")))
    feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=url)

    result = calendar_sync.sync_feed(feed, today=TODAY)

    assert result.left_out == ["2026-12-13 to 2026-12-16 overlaps 12 Dec 2026 to 15 Dec 2026 (Entered here)"]
    assert periods(letting) == [("2026-12-12", "2026-12-15", "manual"), ("2026-12-20", "2026-12-22", "airbnb")]


def test_a_feed_on_a_private_network_is_refused_in_production(letting, settings):
    settings.OUTBOUND_NETWORK = "internet"
    feed = CalendarFeed.objects.create(letting=letting, source="other", url="http://localhost/x.ics")
    assert calendar_sync.sync_feed(feed, today=TODAY).error == (
        "the feed's address is refused: "
        "The host 'localhost' is on this machine or a private network: it cannot be used."
    )


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


def test_a_feed_named_in_any_script_has_a_valid_header_and_one_url(client, lettings_index):
    letting = make_letting(lettings_index, title="Café Élan 東京")
    response = client.get(f"/calendars/{letting.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert client.get(f"/calendars/0{letting.pk}.ics").status_code == 404


def test_an_event_running_past_the_horizon_blocks_the_nights_up_to_it_not_forever(feeds, letting):
    url = feeds.serve("/forever.ics", ics(("20261210", "99991231")))
    feed = CalendarFeed.objects.create(letting=letting, source="airbnb", url=url)

    assert calendar_sync.sync_feed(feed, today=TODAY).error == ""

    horizon = TODAY + timedelta(days=calendar_sync.HORIZON_DAYS)
    assert periods(letting) == [("2026-12-10", (horizon + timedelta(days=1)).isoformat(), "airbnb")]
