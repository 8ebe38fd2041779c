"""A letting's own iCalendar feed says when it is booked and nothing more: its event UIDs are opaque and stable.

A UID made of the period's id (``booked-period-41@host``) told anyone how many periods the site has
ever recorded, and how many were booked between two reads. The UID is now a keyed hash of the id:
the same period keeps the same UID on every request and every deploy with the same ``SECRET_KEY``
(so calendars that subscribe update the event rather than duplicate it), and nothing else can be
read from it.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from lettings.models import BookedPeriod
from testing.factories import make_letting

pytestmark = pytest.mark.django_db


def uids(client, letting) -> list[str]:
    """Return the UIDs of the events in ``letting``'s feed, in the feed's order."""
    response = client.get(reverse("letting_availability_feed", args=[letting.pk]))
    assert response.status_code == 200
    return [str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")]


def test_event_uids_are_opaque_and_stable(client, lettings_index, settings):
    letting = make_letting(lettings_index, title="Lake House")
    today = timezone.localdate()
    for arrive, leave in ((3, 5), (10, 12)):
        BookedPeriod.objects.create(letting=letting, start=today + timedelta(arrive), end=today + timedelta(leave))
    first = uids(client, letting)
    assert len(set(first)) == 2
    for uid in first:
        local, _at, host = uid.partition("@")
        assert host == letting.get_site().hostname
        assert re.fullmatch(r"[0-9a-f]{32}", local), uid
    assert uids(client, letting) == first  # stable from one request to the next
    BookedPeriod.objects.filter(start=today + timedelta(days=10)).update(end=today + timedelta(days=14))
    assert uids(client, letting) == first  # a period whose dates change stays the same event

    deployed_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another secret key, for another site, " * 2
    assert not set(uids(client, letting)) & set(first)  # keyed: nobody can recompute them from the ids
    settings.SECRET_KEY = deployed_key
    assert uids(client, letting) == first  # the next deploy, with the same key, keeps them
