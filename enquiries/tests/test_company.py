"""The company's side: no enquiry lost when SMTP is down, the Wagtail admin, the dashboard, export, purging."""

import asyncio
import datetime
import io
import threading

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from enquiries import forms as enquiry_forms
from enquiries import mail as mail_module
from enquiries.forms import started_token
from enquiries.models import ClientCount, Enquiry, EnquiryMail, EnquirySettings
from testing.factories import make_letting, make_user
from testing.servers import free_port

pytestmark = pytest.mark.django_db


class Inbox:
    """What a local SMTP server received."""

    def __init__(self):
        """Start empty."""
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  the name aiosmtpd calls
        """Keep the message and accept it."""
        self.messages.append(envelope)
        return "250 OK"


def make_enquiry(letting, **fields) -> Enquiry:
    """Store an enquiry about ``letting``."""
    today = timezone.localdate()
    values = {
        "letting": letting,
        "letting_title": letting.title,
        "name": "Ada Guest",
        "email": "ada@example.com",
        "check_in": today + datetime.timedelta(days=10),
        "check_out": today + datetime.timedelta(days=13),
        "guests": 2,
        "message": "Hello",
        "consented_at": timezone.now(),
        **fields,
    }
    return Enquiry.objects.create(**values)


def post_enquiry(client, letting):
    """Send a valid enquiry about ``letting`` as the site's own form does (run with no minimum fill time)."""
    today = timezone.localdate()
    data = {
        "name": "Ada Guest",
        "email": "ada@example.com",
        "check_in": (today + datetime.timedelta(days=10)).isoformat(),
        "check_out": (today + datetime.timedelta(days=13)).isoformat(),
        "guests": "2",
        "message": "Is it free?",
        "consent": "on",
        "started": started_token(),
    }
    return client.post(f"/enquiries/{letting.pk}/send/", data, HTTP_ORIGIN="http://testserver")


@pytest.fixture
def letting(lettings_index):
    """Return a published letting."""
    return make_letting(lettings_index, title="Lake House", sleeps=4)


def test_with_smtp_down_the_enquiry_is_kept_and_its_mails_go_once_smtp_is_back(
    client, letting, settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(enquiry_forms, "MIN_SECONDS_TO_FILL", 0)
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with django_capture_on_commit_callbacks(execute=True):  # nothing listens on the port: SMTP is down
        response = post_enquiry(client, letting)
    assert response.status_code == 302  # the visitor's enquiry is taken all the same
    assert Enquiry.objects.count() == 1
    pending = EnquiryMail.objects.filter(sent_at__isnull=True)
    assert pending.count() == 2
    assert pending.first().last_error == "ConnectionRefusedError at attempt 1"
    with pytest.raises(CommandError, match="2 enquiry e-mails could not be sent"):
        call_command("send_enquiry_mail", stdout=io.StringIO())

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        out = io.StringIO()
        call_command("send_enquiry_mail", stdout=out)
    finally:
        server.stop()
    assert "2 enquiry e-mails sent, 0 still pending." in out.getvalue()
    assert sorted(envelope.rcpt_tos[0] for envelope in inbox.messages) == [
        "ada@example.com",
        "enquiries@oc-lettings.example",
    ]
    assert EnquiryMail.objects.filter(sent_at__isnull=True).count() == 0
    call_command("send_enquiry_mail", stdout=io.StringIO())
    assert len(inbox.messages) == 2  # nothing is sent twice


def test_an_editor_sees_new_enquiries_on_the_dashboard_opens_one_and_marks_it_answered(client, editor, letting):
    enquiry = make_enquiry(letting)
    make_enquiry(letting, name="Bob", status="closed")
    client.force_login(editor)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert "1 new enquiry" in dashboard.text

    listing = client.get(reverse("wagtailsnippets_enquiries_enquiry:list"), {"status": "new"})
    assert "Ada Guest" in listing.text
    assert "Bob" not in listing.text
    detail = client.get(reverse("wagtailsnippets_enquiries_enquiry:inspect", args=[enquiry.pk]))
    assert "ada@example.com" in detail.text

    edit = reverse("wagtailsnippets_enquiries_enquiry:edit", args=[enquiry.pk])
    assert client.post(edit, {"status": "answered"}).status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.status_changed_by) == ("answered", editor)
    assert enquiry.status_changed_at is not None
    assert "0 new enquiries" in client.get(reverse("wagtailadmin_home")).text
    history = ModelLogEntry.objects.filter(object_id=str(enquiry.pk)).values_list("label", flat=True)
    assert list(history) == [f"Enquiry {enquiry.pk} about Lake House"]  # the log outlives it: no name in it


def test_only_readers_of_enquiries_may_use_their_chooser(client, letting):
    """Wagtail's snippet chooser lists who asked about what: a user who may only open the admin gets 403."""
    enquiry = make_enquiry(letting)
    admin_user = make_user("clerk")
    admin_user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(admin_user)
    for name, args in (("choose", []), ("choose_results", []), ("chosen", [enquiry.pk])):
        refused = client.get(reverse(f"wagtailsnippetchoosers_enquiries_enquiry:{name}", args=args))
        assert (refused.status_code, "Lake House" in refused.text) == (302, False)  # Wagtail's "permission denied"
    admin_user.user_permissions.add(Permission.objects.get(codename="view_enquiry"))
    response = client.get(reverse("wagtailsnippetchoosers_enquiries_enquiry:choose"))
    assert (response.status_code, "Lake House" in response.text) == (200, True)


def test_a_tampered_privacy_page_is_a_form_error_not_a_500(client, editor):
    client.force_login(editor)
    url = reverse("wagtailsettings:edit", args=["enquiries", "enquirysettings", EnquirySettings.load().pk])
    response = client.post(url, {"company_email": "", "privacy_page": "abc"})
    assert response.status_code == 200
    assert "Choose the privacy notice with the page chooser." in response.text


def test_moderators_answer_too_and_the_list_exports_as_csv(client, moderator, letting):
    make_enquiry(letting, name="Cleo", message="A quiet week, please")
    client.force_login(moderator)
    export = client.get(reverse("wagtailsnippets_enquiries_enquiry:list"), {"export": "csv"})
    assert export.status_code == 200
    content = b"".join(export.streaming_content).decode()
    assert "Cleo" in content
    assert "A quiet week, please" in content


def test_only_the_staff_groups_read_enquiries_and_nobody_adds_one_in_the_admin(client, editor, letting):
    make_enquiry(letting)
    listing = reverse("wagtailsnippets_enquiries_enquiry:list")
    response = client.get(listing)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    client.force_login(make_user("visitor-with-an-account"))
    assert client.get(listing).status_code in (302, 403)
    client.force_login(editor)
    assert client.get(listing).status_code == 200
    assert client.get(reverse("wagtailsnippets_enquiries_enquiry:add")).status_code in (302, 403)


def test_purge_deletes_old_enquiries_with_their_mails_for_good(letting):
    hour_ago = timezone.now() - datetime.timedelta(hours=1, seconds=1)
    ClientCount.objects.create(key="a" * 64, window_started_at=hour_ago, count=5)
    ClientCount.objects.create(key="b" * 64, window_started_at=timezone.now(), count=2)
    old = make_enquiry(letting, name="Old")
    Enquiry.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    EnquiryMail.objects.create(enquiry=old, to="old@example.com", subject="s", body="b")
    make_enquiry(letting, name="Recent")
    out = io.StringIO()
    call_command("purge_enquiries", "--older-than", "365", stdout=out)
    assert "1 enquiry older than 365 days deleted." in out.getvalue()
    assert list(Enquiry.objects.values_list("name", flat=True)) == ["Recent"]
    assert EnquiryMail.objects.count() == 0
    assert list(ClientCount.objects.values_list("count", flat=True)) == [2]  # only the hour still running
    with pytest.raises(CommandError, match="at least 1 day"):
        call_command("purge_enquiries", "--older-than", "0")
    with pytest.raises(CommandError, match="at most 36500 days"):
        call_command("purge_enquiries", "--older-than", "99999999999")


def test_a_superuser_cannot_add_an_enquiry_in_the_admin_and_csv_cells_are_never_formulas(client, superuser, letting):
    make_enquiry(letting, phone="=1+2", message='=HYPERLINK("http://evil.example")')
    client.force_login(superuser)
    assert client.get(reverse("wagtailsnippets_enquiries_enquiry:add")).status_code in (302, 403)
    response = client.post(reverse("wagtailsnippets_enquiries_enquiry:add"), {"status": "new"})
    assert response.status_code in (302, 403)
    assert Enquiry.objects.count() == 1
    exported = b"".join(
        client.get(reverse("wagtailsnippets_enquiries_enquiry:list"), {"export": "csv"}).streaming_content
    ).decode()
    assert "'=1+2" in exported
    assert "'=HYPERLINK" in exported


def test_each_mail_sent_is_recorded_at_once_so_a_run_cut_short_sends_none_twice(letting, monkeypatch):
    """The scheduled run is killed after two mails (a dyno restart): those two stay sent, the rest pending."""
    for number in range(4):
        enquiry = make_enquiry(letting)
        EnquiryMail.objects.create(enquiry=enquiry, to=f"guest{number}@example.com", subject="s", body="b")
    calls = []
    original = mail_module.send_one

    def killed_at_the_third(mail):
        calls.append(mail.pk)
        if len(calls) == 3:
            raise SystemExit("the dyno is restarting")
        return original(mail)

    monkeypatch.setattr(mail_module, "send_one", killed_at_the_third)
    with pytest.raises(SystemExit):
        mail_module.send_pending()
    assert EnquiryMail.objects.filter(sent_at__isnull=False).count() == 2
    monkeypatch.setattr(mail_module, "send_one", original)
    assert mail_module.send_pending() == (2, 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the migrations' pages come back after
def test_a_slow_mail_server_never_holds_the_visitors_page(client, lettings_index, settings, monkeypatch):
    """The mails go from a background thread after the commit: the visitor has the confirmation first."""
    monkeypatch.setattr(enquiry_forms, "MIN_SECONDS_TO_FILL", 0)
    letting = make_letting(lettings_index, title="Lake House", sleeps=4)
    release = threading.Event()

    class SlowInbox(Inbox):
        """Accepts each message only once the test lets it."""

        async def handle_DATA(self, server, session, envelope):  # noqa: N802  the name aiosmtpd calls
            """Wait for the test, then keep the message."""
            while not release.is_set():
                await asyncio.sleep(0.05)
            return await super().handle_DATA(server, session, envelope)

    inbox = SlowInbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 20
    settings.ENQUIRY_MAIL_IN_BACKGROUND = True
    try:
        response = post_enquiry(client, letting)
        assert response.status_code == 302  # answered while the mail server still holds the first mail
        assert inbox.messages == []
        release.set()
        mail_module.wait_for_background_mail()
    finally:
        release.set()
        server.stop()
    assert len(inbox.messages) == 2
    assert EnquiryMail.objects.filter(sent_at__isnull=True).count() == 0
