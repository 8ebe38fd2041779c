"""Every public page runs the same number of queries with 3 lettings or 40 (uncached), and none from the cache."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lettings.models import Amenity, BookedPeriod
from testing.factories import make_address, make_image, make_letting, make_profile

pytestmark = pytest.mark.django_db

# The queries of a second visit (renditions already made), whatever the number of lettings. Every list
# of pages asks for the view restrictions once (Wagtail's public()); search does for lettings and profiles.
# A page's route (site, path segments, view restrictions) is read once per content generation
# (pagecache.routing): a second visit fetches the page itself with one query.
EXPECTED_QUERIES = {
    "/": 5,
    "/lettings/": 5,
    "/lettings/?after={first_pk}": 5,
    "/lettings/?state=GA": 5,
    "/lettings/?state=GA&city=Savannah&after={first_pk}": 5,
    # Every filter and sort of the listing, on a first page and after a cursor (the first letting
    # passes every filter below: its dates are free, it sleeps 4, has the hot tub and allows pets).
    "/lettings/?check_in={check_in}&check_out={check_out}&guests=4": 5,
    "/lettings/?check_in={check_in}&check_out={check_out}&guests=4&after={first_pk}": 5,
    "/lettings/?bedrooms=2&price_min=50&price_max=400&property_type=cabin": 5,
    "/lettings/?amenity={hot_tub}&pets=1&after={first_pk}": 5,
    "/lettings/?sort=price": 5,
    "/lettings/?sort=price&after={first_pk}": 5,
    "/lettings/?sort=-price&before={first_pk}": 5,
    "/lettings/?sort=newest&before={first_pk}": 5,
    # With its amenities, the calendar's booked periods and the enquiry form's settings (one query each).
    "/lettings/letting-0001/": 7,
    "/profiles/": 2,
    "/profiles/person0001/": 3,
    "/search/?q=Savannah": 6,
    "/search/?q=Savannah&lettings_after={first_pk}": 6,
}


@pytest.fixture(params=[3, 25], ids=lambda size: f"{size}-lettings")
def site(request, home_page, lettings_index, profiles_index):
    """Build ``size`` lettings with two photos each and as many profiles; return the first letting.

    It is in Savannah, with another after it, so the filtered pages' cursors name a row of their list.
    """
    photo = make_image()
    hot_tub = Amenity.objects.create(name="Hot tub", icon="hot-tub")
    lettings = [
        make_letting(
            lettings_index,
            title=f"Letting {number:04d}",
            address=make_address(city="Savannah" if number % 2 == 0 else "Brunswick", state="GA"),
            photos=2,
            image=photo,
            property_type="cabin",
            sleeps=4 + number % 3,
            bedrooms=2,
            beds=3,
            price_per_night=None if number % 5 == 3 else Decimal(100 + number * 5),
            pets_allowed=number % 2 == 0,
            amenities=[hot_tub] if number % 2 == 0 else [],
        )
        for number in range(request.param)
    ]
    stay = stay_next_month()
    for letting in lettings[1::2]:  # every other letting is booked over the stay the filters ask for
        BookedPeriod.objects.create(letting=letting, start=stay["check_in"], end=stay["check_out"])
    for number in range(request.param):
        make_profile(f"person{number:04d}", favorite_city="Savannah")
    return lettings[0]


def stay_next_month() -> dict:
    """Return the 12th to the 15th of next month, as the filters' check-in and check-out."""
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return {"check_in": next_month.replace(day=12), "check_out": next_month.replace(day=15)}


def second_visit_counts(client, first_pk: int) -> dict[str, int]:
    """Visit every page twice and return the query count of each second visit, by URL template."""
    counts = {}
    values = {"first_pk": first_pk, "hot_tub": Amenity.objects.get().pk, **stay_next_month()}
    for template in EXPECTED_QUERIES:
        url = template.format(**values)
        assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[template] = len(captured)
    return counts


def test_uncached_query_counts_do_not_grow_with_the_data(client, site):
    # One test per size over every page (the tree is built once): the diff shows every page that moved.
    assert second_visit_counts(client, site.pk) == EXPECTED_QUERIES


def test_cached_pages_run_no_query(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 600
    assert second_visit_counts(client, site.pk) == dict.fromkeys(EXPECTED_QUERIES, 0)


# The index counts each section; a section page reads one slice (pages: one query per page type).
# The profiles section first checks that the profiles index is live and public (view restrictions).
SITEMAP_QUERIES = {"/sitemap.xml": 8, "/sitemap-pages.xml": 8, "/sitemap-profiles.xml": 4}


def test_sitemap_query_counts_do_not_grow_with_the_data(client, site):
    counts = {}
    for url in SITEMAP_QUERIES:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    assert counts == SITEMAP_QUERIES
