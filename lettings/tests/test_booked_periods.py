"""Booked and blocked periods: two periods of one letting never share a night, whichever way they are saved."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from lettings.models import BookedPeriod
from testing.factories import make_letting

pytestmark = pytest.mark.django_db


def period(letting, start: str, end: str, **fields) -> BookedPeriod:
    """Return an unsaved period of ``letting`` from ``start`` to ``end`` (ISO dates)."""
    return BookedPeriod(letting=letting, start=date.fromisoformat(start), end=date.fromisoformat(end), **fields)


def saved(letting, start: str, end: str, **fields) -> BookedPeriod:
    """Save and return a period after validating it."""
    booked = period(letting, start, end, **fields)
    booked.full_clean()
    booked.save()
    return booked


@pytest.fixture
def letting(lettings_index):
    """Return a published letting."""
    return make_letting(lettings_index, title="Lake House")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-12-10", "2026-12-16"),
        ("2026-12-14", "2026-12-20"),
        ("2026-12-12", "2026-12-14"),
        ("2026-12-01", "2027-01-01"),
    ],
)
def test_a_period_sharing_a_night_is_refused_and_says_which_one(letting, start, end):
    saved(letting, "2026-12-12", "2026-12-15", source="airbnb")
    with pytest.raises(ValidationError) as raised:
        period(letting, start, end).full_clean()
    assert raised.value.message_dict["start"] == [
        "These nights overlap the period 12 Dec 2026 to 15 Dec 2026 (Airbnb) of this letting: "
        "change or delete that one first."
    ]


def test_a_stay_may_begin_the_day_another_ends_and_other_lettings_are_not_in_the_way(letting, lettings_index):
    saved(letting, "2026-12-12", "2026-12-15")
    saved(letting, "2026-12-15", "2026-12-18")  # arrives the morning the others leave
    saved(letting, "2026-12-05", "2026-12-12")
    saved(make_letting(lettings_index), "2026-12-12", "2026-12-15")
    assert [booked.nights for booked in letting.booked_periods.order_by("start")] == [7, 3, 3]


@pytest.mark.parametrize("end", ["2026-12-12", "2026-12-11"])
def test_a_departure_not_after_the_arrival_is_refused(letting, end):
    with pytest.raises(ValidationError) as raised:
        period(letting, "2026-12-12", end).full_clean()
    assert "at least one day after the arrival" in raised.value.message_dict["end"][0]


def test_the_database_refuses_a_departure_before_the_arrival(letting):
    with pytest.raises(IntegrityError), transaction.atomic():
        period(letting, "2026-12-12", "2026-12-10").save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no exclusion constraint")
def test_postgresql_refuses_an_overlap_that_skipped_validation(letting):
    saved(letting, "2026-12-12", "2026-12-15")
    with pytest.raises(IntegrityError, match="booked_periods_never_overlap"), transaction.atomic():
        period(letting, "2026-12-14", "2026-12-16").save()  # two editors at once: neither saw the other
    period(letting, "2026-12-15", "2026-12-16").save()  # touching is not overlapping


def test_an_editor_adds_a_period_and_an_overlapping_one_is_refused_clearly(client, editor, letting):
    client.force_login(editor)
    add_url = reverse("wagtailsnippets_lettings_bookedperiod:add")
    data = {"letting": letting.pk, "start": "2026-12-12", "end": "2026-12-15", "source": "manual", "note": "Owner"}
    assert client.post(add_url, data).status_code == 302

    response = client.post(add_url, {**data, "start": "2026-12-14", "end": "2026-12-18"})

    assert response.status_code == 200
    assert "These nights overlap the period 12 Dec 2026 to 15 Dec 2026 (Entered here)" in response.text
    assert BookedPeriod.objects.count() == 1
    listing = client.get(reverse("wagtailsnippets_lettings_bookedperiod:list"), {"q": "Lake"})
    assert "Lake House" in listing.text


def test_the_django_admin_applies_the_same_rule(client, superuser, letting):
    saved(letting, "2026-12-12", "2026-12-15")
    client.force_login(superuser)
    data = {"letting": letting.pk, "start": "2026-12-13", "end": "2026-12-14", "source": "vrbo", "note": ""}
    response = client.post(reverse("admin:lettings_bookedperiod_add"), data)
    assert response.status_code == 200
    assert "These nights overlap the period" in response.text
    assert BookedPeriod.objects.count() == 1


def test_deleting_a_letting_deletes_its_periods(letting):
    saved(letting, "2026-12-12", "2026-12-15")
    letting.delete()
    assert not BookedPeriod.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no exclusion constraint")
def test_two_editors_saving_overlapping_nights_at_once_get_a_form_error_not_a_500(client, editor, letting, monkeypatch):
    saved(letting, "2026-12-12", "2026-12-15")
    # The other editor's validation ran before this row existed: it saw no overlap.
    monkeypatch.setattr(BookedPeriod, "overlapping", lambda self: BookedPeriod.objects.none())
    client.force_login(editor)
    data = {"letting": letting.pk, "start": "2026-12-14", "end": "2026-12-18", "source": "manual", "note": ""}

    response = client.post(reverse("wagtailsnippets_lettings_bookedperiod:add"), data)

    assert response.status_code == 200
    assert "was saved for some of these nights a moment ago" in response.text
    assert BookedPeriod.objects.count() == 1
