"""A change clears what shows it: one letting's publish leaves every other letting's page in the cache.

Correctness first: each test checks that the changed page and the pages listing it show the change
at once, then that the pages that do not show it are still served from the cache without a query.
"""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Site

from lettings.models import Amenity, BookedPeriod, LettingPage
from pagecache import cache
from testing.factories import make_address, make_letting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

LISTS = ["/", "/lettings/", "/lettings/?state=GA", "/search/?q=haus"]


@pytest.fixture
def site(home_page, lettings_index, profiles_index):
    """Return two lettings in Georgia, one with a hot tub, and the lettings index."""
    hot_tub = Amenity.objects.create(name="Hot tub", icon="hot-tub")
    green = make_letting(lettings_index, title="Green Haus", address=make_address(city="Brunswick", state="GA"))
    green.amenities.add(hot_tub)
    green.save_revision().publish()
    amber = make_letting(lettings_index, title="Amber Haus", address=make_address(city="Macon", state="GA"))
    return {"green": green, "amber": amber, "index": lettings_index, "hot_tub": hot_tub}


def served(client, path: str):
    """Return the response and its ``X-Page-Cache`` header."""
    response = client.get(path)
    return response, response.get("X-Page-Cache")


def warm(client, paths) -> None:
    """Visit each page twice, so each is in the cache."""
    for path in paths:
        served(client, path)
        assert served(client, path)[1] == "hit", path


def still_cached(client, path: str, django_assert_num_queries) -> bool:
    """Tell whether ``path`` is served from the cache without a query."""
    with django_assert_num_queries(0):
        return served(client, path)[1] == "hit"


def test_publishing_one_letting_leaves_the_other_letting_pages_cached(client, site, commit, django_assert_num_queries):
    warm(client, ["/lettings/green-haus/", "/lettings/amber-haus/", *LISTS])
    green = site["green"]
    green.title = "Green Haus Deluxe"
    with commit():
        green.save_revision().publish()
    assert "Green Haus Deluxe" in served(client, "/lettings/green-haus/")[0].text
    assert served(client, "/")[1] == "miss"  # the home page lists the listings (and may list lettings one day)
    for path in LISTS[1:]:
        response, state = served(client, path)
        assert (state, "Green Haus Deluxe" in response.text) == ("miss", True), path
    assert still_cached(client, "/lettings/amber-haus/", django_assert_num_queries)


def test_a_new_letting_shows_in_every_list_and_the_others_stay_cached(client, site, commit, django_assert_num_queries):
    warm(client, ["/lettings/amber-haus/", *LISTS])
    with commit():
        make_letting(site["index"], title="Blue Haus", address=make_address(city="Athens", state="GA"))
    for path in LISTS[1:]:
        assert "Blue Haus" in served(client, path)[0].text, path
    assert still_cached(client, "/lettings/amber-haus/", django_assert_num_queries)


def test_unpublishing_or_deleting_one_letting_clears_its_page_only(client, site, commit, django_assert_num_queries):
    warm(client, ["/lettings/green-haus/", "/lettings/amber-haus/", "/lettings/"])
    with commit():
        site["green"].unpublish()
    assert served(client, "/lettings/green-haus/")[0].status_code == 404
    assert "Green Haus" not in served(client, "/lettings/")[0].text
    assert still_cached(client, "/lettings/amber-haus/", django_assert_num_queries)
    with commit():
        LettingPage.objects.get(pk=site["amber"].pk).delete()
    assert served(client, "/lettings/amber-haus/")[0].status_code == 404
    assert "Amber Haus" not in served(client, "/lettings/")[0].text


def test_a_new_slug_clears_the_old_address(client, site, commit, django_assert_num_queries):
    warm(client, ["/lettings/green-haus/", "/lettings/amber-haus/"])
    green = site["green"]
    green.slug = "green-haus-brunswick"
    with commit():
        green.save_revision().publish()
    assert served(client, "/lettings/green-haus/")[0].status_code in (301, 302, 404)  # a redirect, never the old page
    assert served(client, "/lettings/green-haus-brunswick/")[0].status_code == 200
    assert still_cached(client, "/lettings/amber-haus/", django_assert_num_queries)


def test_an_address_or_a_booked_period_clears_its_letting_and_the_lists(
    client, site, commit, django_assert_num_queries
):
    warm(client, ["/lettings/green-haus/", "/lettings/amber-haus/", "/lettings/?state=GA"])
    address = site["green"].address
    address.street, address.state = "Willow Lane", "OH"
    with commit():
        address.save()
    assert "Willow Lane" in served(client, "/lettings/green-haus/")[0].text
    assert "Green Haus" not in served(client, "/lettings/?state=GA")[0].text
    assert still_cached(client, "/lettings/amber-haus/", django_assert_num_queries)

    served(client, "/lettings/green-haus/")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with commit():
        BookedPeriod.objects.create(letting=site["green"], start=tomorrow, end=tomorrow + datetime.timedelta(days=2))
    response, state = served(client, "/lettings/green-haus/")
    assert (state, "availability__taken" in response.text) == ("miss", True)
    assert still_cached(client, "/lettings/amber-haus/", django_assert_num_queries)


def test_an_amenity_change_clears_the_lettings_offering_it(client, site, commit, django_assert_num_queries):
    warm(client, ["/lettings/green-haus/", "/lettings/amber-haus/", "/lettings/"])
    hot_tub = site["hot_tub"]
    hot_tub.name = "Wood-fired hot tub"
    with commit():
        hot_tub.save()
    assert "Wood-fired hot tub" in served(client, "/lettings/green-haus/")[0].text
    assert "Wood-fired hot tub" in served(client, "/lettings/")[0].text  # the filter's choices
    assert still_cached(client, "/lettings/amber-haus/", django_assert_num_queries)
    served(client, "/lettings/green-haus/")
    with commit():
        hot_tub.delete()  # the lettings that offered it are read before the delete unlinks them
    assert "Wood-fired hot tub" not in served(client, "/lettings/green-haus/")[0].text


def test_a_change_that_may_show_anywhere_clears_everything(client, site, commit):
    warm(client, ["/lettings/green-haus/", "/lettings/amber-haus/"])
    index = site["index"]
    index.title = "Holiday homes"
    with commit():
        index.save_revision().publish()  # every letting's breadcrumb and the menu name the listing
    for path in ("/lettings/green-haus/", "/lettings/amber-haus/"):
        assert served(client, path)[1] == "miss", path


def test_a_page_rendered_before_a_change_to_its_path_is_never_stored(rf, site):
    """A request that read the versions, then a clear while it renders: what it rendered is not kept."""
    for path_had_a_version in (False, True):
        if path_had_a_version:
            cache.invalidate_pages(["/lettings/amber-haus/"], "a test")
        request = rf.get("/lettings/amber-haus/")
        found = cache.lookup(request)
        assert (found.path_version is not None) == path_had_a_version
        cache.invalidate_pages(["/lettings/amber-haus/"], "a publish while the page renders")
        cache.store(found, b"old content", [])
        assert cache.lookup(rf.get("/lettings/amber-haus/")).stored is None


def test_a_booked_period_moved_to_another_letting_clears_both(client, site, commit, django_assert_num_queries):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with commit():
        period = BookedPeriod.objects.create(
            letting=site["green"], start=tomorrow, end=tomorrow + datetime.timedelta(days=2)
        )
    warm(client, ["/lettings/green-haus/", "/lettings/amber-haus/"])
    period.letting = site["amber"]
    with commit():
        period.save()
    green, green_state = served(client, "/lettings/green-haus/")
    amber, amber_state = served(client, "/lettings/amber-haus/")
    assert (green_state, "availability__taken" in green.text) == ("miss", False)  # its old nights are free
    assert (amber_state, "availability__taken" in amber.text) == ("miss", True)


def test_with_several_sites_a_letting_change_clears_everything(client, site, commit):
    """A letting may have a path on each site, and Wagtail names one: in doubt, clear."""
    Site.objects.create(hostname="rentals.localhost", root_page=site["index"])
    warm(client, ["/lettings/green-haus/", "/lettings/amber-haus/"])
    green = site["green"]
    green.title = "Green Haus Deluxe"
    with commit():
        green.save_revision().publish()
    assert served(client, "/lettings/amber-haus/")[1] == "miss"
    assert "Green Haus Deluxe" in served(client, "/lettings/green-haus/")[0].text
