"""Enquiries are personal data: nothing of them reaches Sentry, and the form links the privacy notice."""

import datetime

import pytest
import sentry_sdk
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from enquiries import forms as enquiry_forms
from enquiries import views
from enquiries.forms import started_token
from enquiries.models import EnquirySettings
from testing.factories import make_content_page, make_letting
from testing.servers import sentry_reporting_to_receiver

pytestmark = pytest.mark.django_db

PRIVATE = ["Zelda Quartermain", "zelda.q@example.net", "+1 555 0199", "my dog Pixel comes too"]


@pytest.fixture
def sentry():
    """Start sentry-sdk the way production does, pointed at a local ingest; stop it afterwards."""
    with sentry_reporting_to_receiver("enquiries-test-secret-key", environment="enquiries-test") as receiver:
        yield receiver


def test_an_enquiry_that_fails_sends_sentry_the_error_but_not_the_visitors_details(lettings_index, sentry, monkeypatch):
    monkeypatch.setattr(enquiry_forms, "MIN_SECONDS_TO_FILL", 0)

    def broken(enquiry):
        raise RuntimeError("the mail queue broke")

    monkeypatch.setattr(views, "queue_mails", broken)
    letting = make_letting(lettings_index, title="Lake House", sleeps=4)
    today = timezone.localdate()
    data = {
        "name": PRIVATE[0],
        "email": PRIVATE[1],
        "phone": PRIVATE[2],
        "message": PRIVATE[3],
        "check_in": (today + datetime.timedelta(days=10)).isoformat(),
        "check_out": (today + datetime.timedelta(days=12)).isoformat(),
        "guests": "2",
        "consent": "on",
        "started": started_token(),
    }
    response = Client(raise_request_exception=False).post(
        f"/enquiries/{letting.pk}/send/", data, HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 500

    sentry_sdk.flush(timeout=10)
    payload = b"\n".join(sentry.raw_envelopes)
    assert b"the mail queue broke" in payload  # the error itself is reported
    for value in PRIVATE:
        assert value.encode() not in payload, f"{value!r} reached Sentry"


def consent_link(client, letting) -> str | None:
    """Return where the form's consent box sends a visitor to read the privacy notice, if anywhere."""
    html = BeautifulSoup(client.get(letting.url).content, "html.parser")
    link = html.select_one("label[for='id_consent'] a")
    return link["href"] if link is not None else None


def test_the_form_links_the_privacy_notice_the_editors_chose_only_while_anyone_may_read_it(
    client, lettings_index, page_cache_on, commit
):
    """A cached letting page follows the notice: unpublished or made private, the link goes (never a dead link)."""
    letting = make_letting(lettings_index, title="Lake House", sleeps=4)
    notice = make_content_page("Privacy notice")
    assert consent_link(client, letting) is None
    with commit():
        EnquirySettings.objects.update_or_create(pk=EnquirySettings.load().pk, defaults={"privacy_page": notice})
    assert consent_link(client, letting) == notice.url
    assert consent_link(client, letting) == notice.url  # and from the page cache
    with commit():
        notice.unpublish()
    assert consent_link(client, letting) is None
    with commit():
        notice.save_revision().publish()
        PageViewRestriction.objects.create(page=notice, restriction_type=PageViewRestriction.LOGIN)
    assert consent_link(client, letting) is None
    assert client.get(notice.url).status_code == 302  # the notice itself asks for a login: no link to it


def test_the_privacy_notice_setting_takes_only_a_content_page(client, superuser, lettings_index):
    """The chooser offers content pages; a letting posted as the notice anyway is a form error, not a link."""
    letting = make_letting(lettings_index, title="Lake House")
    notice = make_content_page("Privacy notice")
    client.force_login(superuser)
    url = reverse("wagtailsettings:edit", args=["enquiries", "enquirysettings", EnquirySettings.load().pk])
    assert "pages.contentpage" in client.get(url).content.decode().lower()
    response = client.post(url, {"company_email": "", "privacy_page": str(letting.pk)})
    assert response.status_code == 200
    assert "Choose a content page" in response.content.decode()
    assert EnquirySettings.load().privacy_page_id is None
    response = client.post(url, {"company_email": "", "privacy_page": str(notice.pk)})
    assert response.status_code == 302
    assert EnquirySettings.load().privacy_page_id == notice.pk
