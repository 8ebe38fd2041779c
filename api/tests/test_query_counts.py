"""The API runs as many queries for 3 lettings as for 30: every relation is fetched in one query per page."""

import datetime

import pytest
from django.utils import timezone

from api.serializers import RENDITIONS
from lettings.models import Amenity, BookedPeriod
from testing.factories import make_image, make_letting

pytestmark = pytest.mark.django_db

# Uncached (the page cache is off in the tests). Every response: the site the request is for (its
# detail URLs) and the view restrictions (public()). Pages: the count (the filter form's amenity
# choices are read once per content generation), the lettings with their addresses, then one query
# each for amenities, photos with their images, the images' renditions and the booked periods.
# Images: the count, the images, their renditions.
PAGES_QUERIES = 8
IMAGES_QUERIES = 5


@pytest.fixture(params=[3, 25])
def lettings(request, lettings_index):
    """Add 3 or 30 lettings, each with two photos, two amenities and two booked periods to come."""
    photo = make_image()
    for spec in RENDITIONS.values():
        photo.get_rendition(spec)  # renditions exist already, as on a site that has been visited
    amenities = [Amenity.objects.create(name=name) for name in ("Hot tub", "Wi-Fi")]
    today = timezone.localdate()
    for number in range(request.param):
        letting = make_letting(
            lettings_index, title=f"Letting {number:02d}", photos=2, image=photo, amenities=amenities
        )
        for weeks in (1, 3):
            start = today + datetime.timedelta(weeks=weeks)
            BookedPeriod.objects.create(letting=letting, start=start, end=start + datetime.timedelta(days=3))
    return request.param


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v2/pages/", PAGES_QUERIES),
        ("/api/v2/pages/?state=GA&offset=1", PAGES_QUERIES),
        ("/api/v2/images/", IMAGES_QUERIES),
    ],
)
def test_the_listing_runs_a_fixed_number_of_queries(client, lettings, path, expected, django_assert_num_queries):
    client.get(path)  # the site's root paths are cached after the first request, as in production
    with django_assert_num_queries(expected):
        response = client.get(path)
    body = response.json()
    assert body["meta"]["total_count"] == (lettings if "pages" in path else 1)
    if "pages" in path:
        shown = min(lettings - ("offset" in path), 20)
        assert len(body["items"]) == shown
        assert all(len(item["photos"]) == 2 and len(item["booked_periods"]) == 2 for item in body["items"])


def test_a_letting_runs_a_fixed_number_of_queries(client, lettings, lettings_index, django_assert_num_queries):
    letting = lettings_index.get_children().live().first()
    client.get(f"/api/v2/pages/{letting.pk}/")
    # site, view restrictions, the letting, then amenities, photos, renditions and booked periods
    with django_assert_num_queries(7):
        assert client.get(f"/api/v2/pages/{letting.pk}/").status_code == 200
