"""A visitor sends an enquiry: every rule of the form, the confirmation, the e-mails, and the cached letting page."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from enquiries import forms as enquiry_forms
from enquiries.forms import started_token
from enquiries.models import ClientCount, Enquiry, EnquiryMail, EnquirySettings
from enquiries.views import POST_LIMIT
from lettings.models import BookedPeriod
from testing.factories import make_letting

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def day(offset: int) -> str:
    """Return the ISO date ``offset`` days from today."""
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


@pytest.fixture
def letting(lettings_index):
    """Return a home that sleeps 4, for two nights or more, booked 20 to 25 days from now."""
    home = make_letting(lettings_index, title="Lake House", sleeps=4, minimum_nights=2)
    today = timezone.localdate()
    BookedPeriod.objects.create(
        letting=home, start=today + datetime.timedelta(days=20), end=today + datetime.timedelta(days=25)
    )
    return home


@pytest.fixture
def filled_at_human_speed(monkeypatch):
    """Let a form started a moment ago count as filled by a person (the wait itself is tested on its own)."""
    monkeypatch.setattr(enquiry_forms, "MIN_SECONDS_TO_FILL", 0)


def enquiry(**changes) -> dict:
    """Return a valid enquiry's fields, with ``changes``."""
    return {
        "name": "Ada Guest",
        "email": "ada@example.com",
        "phone": "",
        "check_in": day(10),
        "check_out": day(13),
        "guests": "3",
        "message": "Is the lake warm in spring?",
        "consent": "on",
        "website": "",
        "started": started_token(),
        **changes,
    }


def send(client, letting, data, **headers):
    """Post an enquiry as a browser on the site would (its own origin), running what waits for the commit."""
    return client.post(f"/enquiries/{letting.pk}/send/", data, **{**ORIGIN, **headers})


def field_error(response, field: str) -> str:
    """Return the error shown next to ``field``."""
    error = BeautifulSoup(response.content, "html.parser").select_one(f"#id_{field}_error")
    assert error is not None, f"no error for {field}"
    return error.get_text(" ", strip=True)


def test_an_enquiry_is_stored_mailed_twice_and_confirmed(
    client, letting, filled_at_human_speed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, letting, enquiry(phone="+1 555 0100"))
    assert response.status_code == 302
    stored = Enquiry.objects.get()
    assert (stored.letting, stored.name, stored.guests, stored.status) == (letting, "Ada Guest", 3, "new")
    assert [message.to for message in mail.outbox] == [["enquiries@oc-lettings.example"], ["ada@example.com"]]
    assert "Is the lake warm in spring?" in mail.outbox[0].body
    assert mail.outbox[0].reply_to == ["ada@example.com"]  # the company answers with its mail program's Reply
    assert mail.outbox[1].reply_to == []
    assert EnquiryMail.objects.filter(sent_at__isnull=True).count() == 0

    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    text = BeautifulSoup(confirmation.content, "html.parser").main.get_text(" ", strip=True)
    assert "Thank you, Ada Guest" in text
    assert "3 nights" in text
    assert "+1 555 0100" in text
    assert "no-store" in confirmation["Cache-Control"]


def test_the_company_address_is_the_editors_setting(
    client, letting, filled_at_human_speed, django_capture_on_commit_callbacks
):
    settings = EnquirySettings.load()
    settings.company_email = "bookings@example.org"
    settings.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(client, letting, enquiry())
    assert mail.outbox[0].to == ["bookings@example.org"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"check_in": day(0), "check_out": day(3)}, "check_in", "Choose a check-in from tomorrow on."),
        ({"check_in": day(-5), "check_out": day(3)}, "check_in", "Choose a check-in from tomorrow on."),
        ({"check_out": day(9)}, "check_out", "at least one day after check-in"),
        ({"check_out": day(11)}, "check_out", "This home is let for 2 nights or more"),
        ({"guests": "5"}, "guests", "This home sleeps 4: choose 4 guests or fewer."),
        ({"guests": "0"}, "guests", "greater than or equal to 1"),
        ({"check_in": day(22), "check_out": day(27)}, "check_in", "already booked: the calendar above shows"),
        ({"consent": ""}, "consent", "Tick this box"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"name": "x" * 101}, "name", "at most 100 characters"),
        ({"name": "Eve\r\nBcc: x@evil.example"}, "name", "Write this on one line"),
        ({"message": "x" * 2001}, "message", "at most 2000 characters"),
        ({"check_in": "12/24/2026"}, "check_in", "Enter a date such as"),
    ],
)
def test_each_rule_says_what_is_wrong_next_to_its_field_and_nothing_is_stored(
    client, letting, filled_at_human_speed, changes, field, message
):
    response = send(client, letting, enquiry(**changes))
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert Enquiry.objects.count() == 0
    assert mail.outbox == []


def test_an_overlap_points_at_the_calendar(client, letting, filled_at_human_speed):
    response = send(client, letting, enquiry(check_in=day(22), check_out=day(27)))
    assert f'href="{letting.url}#availability-title"' in response.text


@pytest.mark.parametrize(
    "changes",
    [{"website": "http://spam.example"}, {"started": "forged:token:value"}],
    ids=["honeypot", "forged-start"],
)
def test_a_robots_post_stores_nothing_and_sends_nothing(client, letting, filled_at_human_speed, changes):
    response = send(client, letting, enquiry(**changes))
    assert response.status_code == 400
    assert "could not be sent" in response.text
    assert Enquiry.objects.count() == 0
    assert mail.outbox == []


def test_a_form_sent_faster_than_a_person_types_comes_back_filled_in_and_nothing_is_stored(client, letting):
    response = send(client, letting, enquiry(message="Is the lake warm?"))  # started this very moment
    assert response.status_code == 200
    assert "Check your enquiry, then send it." in response.text
    assert "Is the lake warm?" in response.text  # nothing the visitor typed is lost
    assert Enquiry.objects.count() == 0


def test_a_form_left_open_for_more_than_a_day_comes_back_filled_in(client, letting, monkeypatch):
    yesterday_token = enquiry()["started"]
    monkeypatch.setattr(enquiry_forms, "STARTED_MAX_AGE", -1)  # as if a day had passed since it was made
    response = send(client, letting, enquiry(started=yesterday_token, message="Still free in May?"))
    assert (response.status_code, "Still free in May?" in response.text) == (200, True)
    assert Enquiry.objects.count() == 0


def test_without_javascript_the_visitor_checks_the_form_once_more_then_sends_it(
    client, letting, filled_at_human_speed, django_capture_on_commit_callbacks
):
    review = send(client, letting, enquiry(started=""))
    assert review.status_code == 200
    page = BeautifulSoup(review.content, "html.parser")
    assert "Check your enquiry, then send it." in page.get_text()
    assert page.select_one("#id_name")["value"] == "Ada Guest"
    fresh = page.select_one("input[name=started]")["value"]
    assert Enquiry.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, letting, enquiry(started=fresh)).status_code == 302
    assert Enquiry.objects.count() == 1


def test_a_post_from_another_site_is_refused(client, letting, filled_at_human_speed):
    response = send(client, letting, enquiry(), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert Enquiry.objects.count() == 0


def test_the_sixth_enquiry_in_an_hour_from_one_address_gets_a_friendly_429(
    client, letting, filled_at_human_speed, django_capture_on_commit_callbacks
):
    for number in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            assert send(client, letting, enquiry(name=f"Guest {number}")).status_code == 302
        for cache in caches.all():  # counted where every web process sees it, not in one process's memory
            cache.clear()
    refused = enquiry(name="Guest 5")
    response = send(client, letting, refused)
    assert response.status_code == 429
    assert "Too many enquiries from here" in response.text
    assert response["Retry-After"] == "3600"
    assert Enquiry.objects.count() == 5
    other = send(Client(REMOTE_ADDR="203.0.113.9"), letting, enquiry(name="Another visitor"))
    assert other.status_code == 302
    ClientCount.objects.all().delete()  # an hour later, the refused form sent again is a new enquiry
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, letting, refused).status_code == 302
    assert Enquiry.objects.filter(name="Guest 5").exists()


def test_an_enquiry_about_a_private_or_missing_letting_is_a_404(client, lettings_index, filled_at_human_speed):
    draft = make_letting(lettings_index, title="Draft", publish=False)
    assert client.post(f"/enquiries/{draft.pk}/send/", enquiry(), **ORIGIN).status_code == 404
    assert client.post("/enquiries/999999/send/", enquiry(), **ORIGIN).status_code == 404
    assert client.get("/enquiries/1/send/").status_code == 405


def test_the_letting_page_with_its_form_stays_a_cache_hit_with_nothing_per_visitor(client, letting, page_cache_on):
    first = client.get(letting.url)
    assert first["X-Page-Cache"] == "miss"
    second = Client().get(letting.url)
    assert second["X-Page-Cache"] == "hit"
    form = BeautifulSoup(second.content, "html.parser").select_one("form.enquiry")
    assert form["action"] == f"/enquiries/{letting.pk}/send/"
    assert form.select_one("input[name=started]")["value"] == ""
    assert form.select_one("input[name=csrfmiddlewaretoken]") is None
    assert "csrftoken" not in second.cookies


def test_the_start_token_is_fresh_and_never_cached(client):
    response = client.get("/enquiries/start/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert enquiry_forms.seconds_since(response.json()["started"]) < 5


def test_one_start_time_sends_one_enquiry(client, letting, filled_at_human_speed, django_capture_on_commit_callbacks):
    data = enquiry()
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, letting, data).status_code == 302
    again = send(client, letting, {**data, "name": "Same Robot"})  # a second click, or Back and Send
    assert again.status_code == 200
    assert "We have this enquiry already" in again.text
    assert Enquiry.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # the fresh start time it came back with sends one more
        fresh = BeautifulSoup(again.content, "html.parser").select_one("input[name=started]")["value"]
        assert send(client, letting, {**data, "started": fresh}).status_code == 302
    assert Enquiry.objects.count() == 2


def test_a_long_title_and_a_message_of_many_lines_still_send(
    client, lettings_index, filled_at_human_speed, django_capture_on_commit_callbacks
):
    home = make_letting(lettings_index, title="A" * 250, sleeps=4)
    message = "\r\n".join(["line"] * 390)  # 2,340 characters as sent, 1,950 as the visitor typed them
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, home, enquiry(message=message)).status_code == 302
    assert len(mail.outbox) == 2


def test_a_made_up_forwarded_for_header_does_not_reset_the_limit_unless_behind_herokus_router(
    client, letting, filled_at_human_speed, settings, django_capture_on_commit_callbacks
):
    for number in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            send(client, letting, enquiry(name=f"Guest {number}"), HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    assert send(client, letting, enquiry(), HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429
    settings.BEHIND_HEROKU_ROUTER = True  # there the router appends the real address: the last hop counts
    assert send(client, letting, enquiry(), HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.99").status_code == 302


def test_a_confirmation_link_reveals_nothing_when_forged_and_survives_its_letting(
    client, letting, filled_at_human_speed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        location = send(client, letting, enquiry())["Location"]
    for forged in ("/enquiries/sent/1/", "/enquiries/sent/1:abc:def/", location.replace("/sent/", "/sent/x")):
        assert client.get(forged).status_code == 404
    letting.delete()  # the enquiry keeps the title it was sent about, and links nowhere
    confirmation = client.get(location)
    assert confirmation.status_code == 200
    assert "Lake House" in confirmation.text
    assert not BeautifulSoup(confirmation.content, "html.parser").main.select('a[href*="lake-house"]')


def test_one_address_gets_three_acknowledgements_a_day_however_many_clients_send(
    client, letting, filled_at_human_speed, django_capture_on_commit_callbacks
):
    """Nobody can use the form to mail a stranger over and over: the company still gets every enquiry."""
    for number in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = send(
                Client(REMOTE_ADDR=f"203.0.113.{number + 1}"),
                letting,
                enquiry(email="Victim@Example.com" if number % 2 else "victim@example.com"),
            )
        assert response.status_code == 302
    assert Enquiry.objects.count() == 4
    to_visitor = [message for message in mail.outbox if message.to[0].lower() == "victim@example.com"]
    to_company = [message for message in mail.outbox if message.to == ["enquiries@oc-lettings.example"]]
    assert (len(to_visitor), len(to_company)) == (3, 4)
    text = BeautifulSoup(client.get(response["Location"]).content, "html.parser").main.get_text(" ", strip=True)
    assert "We will answer you at Victim@Example.com" in text
    assert "sent a copy" not in text


def test_tagged_addresses_share_their_mailboxs_three_acknowledgements(
    client, letting, filled_at_human_speed, django_capture_on_commit_callbacks
):
    for number in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            send(Client(REMOTE_ADDR=f"198.51.100.{number + 1}"), letting, enquiry(email=f"Victim+{number}@example.com"))
    assert Enquiry.objects.count() == 4
    assert len([message for message in mail.outbox if "victim" in message.to[0].lower()]) == 3


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\u0085", "\u202e", "\u200f"])
def test_unicode_line_breaks_and_direction_marks_are_refused_in_a_name(
    client, letting, filled_at_human_speed, character
):
    response = send(client, letting, enquiry(name=f"Eve{character}Bcc: x@evil.example"))
    assert "Write this on one line" in field_error(response, "name")
    assert Enquiry.objects.count() == 0


def test_one_ipv6_network_counts_as_one_client(client, letting, filled_at_human_speed):
    for number in range(POST_LIMIT):
        send(Client(REMOTE_ADDR=f"2001:db8:1:2::{number + 1:x}"), letting, enquiry(guests="9"))
    assert send(Client(REMOTE_ADDR="2001:db8:1:2::ffff"), letting, enquiry()).status_code == 429
    assert send(Client(REMOTE_ADDR="2001:db8:1:3::1"), letting, enquiry(guests="9")).status_code == 400


def test_the_confirmation_links_the_letting_only_while_anyone_may_open_it(
    client, letting, filled_at_human_speed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        confirmation = send(client, letting, enquiry())["Location"]
    assert f'href="{letting.url}"' in client.get(confirmation).text
    PageViewRestriction.objects.create(page=letting, restriction_type=PageViewRestriction.LOGIN)
    page = client.get(confirmation)
    assert "Lake House" in page.text
    assert f'href="{letting.url}"' not in page.text
