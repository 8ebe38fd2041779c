"""The API in the page cache: stored like pages under canonical keys only, cleared by every content change."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from lettings.models import BookedPeriod
from testing.factories import make_address, make_letting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def letting(lettings_index):
    """Return a published letting in Brunswick, GA, with a photo."""
    return make_letting(
        lettings_index, title="Green Haus", photos=1, address=make_address(city="Brunswick", state="GA")
    )


def served(client, path: str, **extra) -> tuple[int, str | None]:
    """Return the status code of a GET and its ``X-Page-Cache`` state (hit, miss or None: not stored)."""
    response = client.get(path, **extra)
    return response.status_code, response.get("X-Page-Cache")


def titles(client, path: str) -> list[str]:
    """Return the titles a listing shows."""
    return [item["title"] for item in client.get(path).json()["items"]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/pages/",
        "/api/v2/pages/?state=GA",
        "/api/v2/pages/?city=Brunswick&state=GA",
        "/api/v2/pages/?limit=10",
        "/api/v2/pages/?limit=1",
        "/api/v2/pages/?fields=slug,title",
        "/api/v2/pages/?fields=_,id,title",
        "/api/v2/pages/?type=lettings.LettingPage",  # Wagtail's page type, in the name the API shows
        "/api/v2/pages/{pk}/",
        "/api/v2/pages/{pk}/?type=lettings.LettingPage",
        "/api/v2/pages/{pk}/?fields=*,-photos",
        "/api/v2/images/",
        "/api/v2/images/{image}/",
    ],
)
def test_a_second_request_is_served_from_the_cache_without_a_query(client, letting, path, django_assert_num_queries):
    path = path.format(pk=letting.pk, image=letting.gallery_images.get().image_id)
    first = client.get(path)
    assert (first.status_code, first.get("X-Page-Cache")) == (200, "miss")
    with django_assert_num_queries(0):
        second = client.get(path)
    assert (second.status_code, second.get("X-Page-Cache")) == (200, "hit")
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    assert "Cookie" in second["Vary"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/pages/?limit=010",  # the same page as limit=10: only that spelling is a key
        "/api/v2/pages/?limit=+10",
        "/api/v2/pages/?limit=5&limit=10",
        "/api/v2/pages/?offset=00",
        "/api/v2/pages/?offset=0",  # the first page: its key is the URL without an offset
        "/api/v2/pages/?fields=title,slug",  # not in sorted order
        "/api/v2/pages/?fields=slug,title,slug",
        "/api/v2/pages/?state=ga",  # the form reads it as GA
        "/api/v2/pages/?state=GA&state=GA",
        "/api/v2/pages/?_=1700000000000",  # jQuery's cache-buster: served, never a key
        "/api/v2/pages/?city=Nowhere",  # an empty result of a filter: nothing bounds such values
        "/api/v2/pages/?offset=5",  # past the end: empty
        "/api/v2/pages/?type=wagtailcore.Page",  # the same lettings, under the one name they have
        "/api/v2/pages/?type=lettings.lettingpage",
        "/api/v2/pages/?type=pages.ContentPage",  # no letting is one: empty
        "/api/v2/pages/0{pk}/",  # a leading zero: the same letting
        "/api/v2/pages/{pk}/?_=1",
        "/api/v2/pages/{pk}/?fields=title,slug",
    ],
)
def test_a_request_written_another_way_is_served_but_never_stored(client, letting, path):
    path = path.format(pk=letting.pk)
    for _ in range(2):
        assert served(client, path) == (200, None)


@pytest.mark.parametrize(
    "path", ["/api/v2/pages/?limit=abc", "/api/v2/pages/?state=XX", "/api/v2/pages/?colour=red", "/api/v2/pages/9999/"]
)
def test_errors_are_never_stored(client, letting, path):
    for _ in range(2):
        status, state = served(client, path)
        assert status in (400, 404)
        assert state is None


def test_filters_in_their_canonical_spelling_share_one_entry_in_any_order(client, letting):
    assert served(client, "/api/v2/pages/?guests=2&state=GA") == (200, None)  # sleeps unknown: empty, not stored
    letting.sleeps, letting.pets_allowed = 4, True
    letting.save_revision().publish()
    assert served(client, "/api/v2/pages/?guests=2&state=GA") == (200, "miss")
    assert served(client, "/api/v2/pages/?state=GA&guests=2") == (200, "hit")
    assert served(client, "/api/v2/pages/?state=GA&guests=2&sort=") == (200, "hit")  # an empty value is no parameter
    assert served(client, "/api/v2/pages/?state=GA&guests=02") == (200, None)  # served, never a key
    assert served(client, "/api/v2/pages/?state=GA&pets=true") == (200, None)  # pets=1 is its spelling
    assert served(client, "/api/v2/pages/?state=GA&pets=1") == (200, "miss")


def test_tracking_parameters_share_the_entry_of_the_plain_request(client, letting):
    assert served(client, "/api/v2/pages/?state=GA") == (200, "miss")
    assert served(client, "/api/v2/pages/?state=GA&utm_source=partner") == (200, "hit")


def test_an_empty_listing_without_parameters_is_stored(client, lettings_index):
    assert served(client, "/api/v2/pages/") == (200, "miss")
    assert served(client, "/api/v2/pages/") == (200, "hit")


def test_a_made_up_session_gets_the_cached_response_and_a_real_session_a_full_one(client, letting, editor, settings):
    served(client, "/api/v2/pages/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"  # names no session: a visitor
    assert served(client, "/api/v2/pages/") == (200, "hit")
    client.force_login(editor)  # a session that holds something is never answered from the cache
    assert served(client, "/api/v2/pages/") == (200, None)


def test_unpublishing_a_letting_removes_it_from_cached_responses_at_once(client, letting, lettings_index, commit):
    make_letting(lettings_index, title="Amber Cottage", address=make_address(city="Savannah", state="GA"))
    detail = f"/api/v2/pages/{letting.pk}/"
    image = f"/api/v2/images/{letting.gallery_images.get().image_id}/"
    for path in ("/api/v2/pages/", "/api/v2/pages/?state=GA", detail, image):
        served(client, path)
        assert served(client, path) == (200, "hit")
    with commit():
        letting.unpublish()
    assert titles(client, "/api/v2/pages/") == ["Amber Cottage"]
    assert titles(client, "/api/v2/pages/?state=GA") == ["Amber Cottage"]
    assert served(client, detail) == (404, None)
    assert served(client, image) == (404, None)


def test_publishing_restricting_and_booking_clear_cached_responses(client, letting, lettings_index, commit):
    served(client, "/api/v2/pages/")
    with commit():
        amber = make_letting(lettings_index, title="Amber Cottage")
    assert titles(client, "/api/v2/pages/") == ["Amber Cottage", "Green Haus"]
    assert served(client, "/api/v2/pages/") == (200, "hit")
    with commit():
        PageViewRestriction.objects.create(page=amber, restriction_type=PageViewRestriction.LOGIN)
    assert titles(client, "/api/v2/pages/") == ["Green Haus"]
    detail = f"/api/v2/pages/{letting.pk}/"
    served(client, detail)
    assert served(client, detail) == (200, "hit")
    today = timezone.localdate()
    with commit():
        BookedPeriod.objects.create(letting=letting, start=today, end=today + datetime.timedelta(days=2))
    response = client.get(detail)
    assert response.get("X-Page-Cache") == "miss"
    assert response.json()["booked_periods"] == [
        {"start": today.isoformat(), "end": (today + datetime.timedelta(days=2)).isoformat()}
    ]
