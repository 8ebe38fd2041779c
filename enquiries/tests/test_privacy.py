"""Enquiries are personal data: nothing of them reaches Sentry, even from a request that fails."""

import datetime

import pytest
import sentry_sdk
from django.test import Client
from django.utils import timezone

from enquiries import forms as enquiry_forms
from enquiries import views
from enquiries.forms import started_token
from testing.factories import make_letting
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
