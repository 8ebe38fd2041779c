"""Filtering the pages endpoint with the listing's own filter form: same parameters, same rules, same errors.

Besides the form's filters, ``type`` keeps Wagtail API v2's meaning (a page model: the lettings
are ``lettings.LettingPage``); the property type is ``property_type``, as on the listing.
"""

import datetime

import pytest
from django.utils import timezone

from lettings.forms import LettingFilterForm
from lettings.models import Amenity, BookedPeriod, LettingPage
from testing.factories import make_address, make_letting

pytestmark = pytest.mark.django_db


def titles(body: dict) -> list[str]:
    """Return the titles of a listing's items, in order."""
    return [item["title"] for item in body["items"]]


@pytest.fixture
def three_towns(lettings_index):
    """Add lettings in Brunswick (GA), Savannah (GA) and Columbus (OH)."""
    make_letting(lettings_index, title="Marsh House", address=make_address(city="Brunswick", state="GA"))
    make_letting(lettings_index, title="River Loft", address=make_address(city="Savannah", state="GA"))
    make_letting(lettings_index, title="Short North", address=make_address(city="Columbus", state="OH"))


def test_state_and_city_filter_like_the_listing(api, three_towns):
    assert titles(api("/api/v2/pages/?state=GA")[1]) == ["Marsh House", "River Loft"]
    assert titles(api("/api/v2/pages/?state=ga")[1]) == ["Marsh House", "River Loft"]  # the form upper-cases it
    assert titles(api("/api/v2/pages/?state=GA&city=savannah")[1]) == ["River Loft"]
    _status, body = api("/api/v2/pages/?state=OH&city=Brunswick")
    assert body == {"meta": {"total_count": 0}, "items": []}


def test_an_invalid_filter_is_a_400_with_the_forms_errors(api, three_towns):
    status, body = api("/api/v2/pages/?state=XX&city=" + "x" * 65)
    assert status == 400
    assert body["message"] == "invalid filter"
    assert set(body["errors"]) == {"state", "city"}
    assert body["errors"]["state"][0]["code"] == "invalid_choice"
    assert "not a US state code" in body["errors"]["state"][0]["message"]


def test_every_field_of_the_filter_form_is_a_known_parameter(api, three_towns):
    # Read from the form itself, so a filter the form gains works here without an edit.
    assert {"state", "city"} <= set(LettingFilterForm.base_fields)
    for name in LettingFilterForm.base_fields:
        status, body = api(f"/api/v2/pages/?{name}=")
        # Empty, each means "any" (200), or the form itself refuses it: never "not a recognised field".
        assert status == 200 or (status, body["message"]) == (400, "invalid filter"), (name, body)


def test_a_parameter_the_form_does_not_know_is_a_400(api, three_towns):
    status, body = api("/api/v2/pages/?colour=green&state=GA")
    assert status == 400
    assert body == {"message": "query parameter is not an operation or a recognised field: colour"}


def test_wagtails_own_filters_are_not_offered(api, three_towns):
    # The form is the one source of filters: no field filters, search, ordering or tree filters.
    for parameter in ("title=Marsh House", "search=marsh", "order=-title", "child_of=3", "site=localhost"):
        assert api(f"/api/v2/pages/?{parameter}")[0] == 400, parameter


def test_type_is_wagtails_page_model_not_the_property_type(api, three_towns):
    every = ["Marsh House", "River Loft", "Short North"]
    # Any model the lettings are (LettingPage, or Page above it), as Wagtail reads the names.
    for model in (
        "lettings.LettingPage",
        "wagtailcore.Page",
        "lettings.lettingpage",
        "pages.ContentPage,lettings.LettingPage",
    ):
        status, body = api(f"/api/v2/pages/?type={model}")
        assert (status, titles(body)) == (200, every), model
    assert titles(api("/api/v2/pages/?type=lettings.LettingPage&state=GA")[1]) == ["Marsh House", "River Loft"]
    # Another page model: no letting is one, so the list is empty (the endpoint lists lettings only).
    assert api("/api/v2/pages/?type=pages.ContentPage")[1] == {"meta": {"total_count": 0}, "items": []}
    # Wagtail's answer to a name that is no page model.
    for model in ("cabin", "lettings.Address", "nowhere.Page", "lettings.LettingPage.x"):
        assert api(f"/api/v2/pages/?type={model}") == (400, {"message": "type doesn't exist"}), model


def test_type_on_a_detail_is_wagtails_too(api, three_towns):
    letting = LettingPage.objects.get(title="River Loft")
    assert api(f"/api/v2/pages/{letting.pk}/?type=lettings.LettingPage") == api(f"/api/v2/pages/{letting.pk}/")
    assert api(f"/api/v2/pages/{letting.pk}/?type=pages.ContentPage")[0] == 404
    assert api(f"/api/v2/pages/{letting.pk}/?type=cabin") == (400, {"message": "type doesn't exist"})


def test_the_property_type_filter_is_property_type(api, lettings_index):
    make_letting(lettings_index, title="Cabin", property_type="cabin")
    make_letting(lettings_index, title="Villa", property_type="villa")
    assert titles(api("/api/v2/pages/?property_type=villa")[1]) == ["Villa"]
    status, body = api("/api/v2/pages/?property_type=castle")
    assert (status, list(body["errors"])) == (400, ["property_type"])
    assert "not a type of home we let" in body["errors"]["property_type"][0]["message"]


def test_guests_and_free_dates_filter_like_the_listing(api, lettings_index):
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    check_in, check_out = next_month.replace(day=12), next_month.replace(day=15)
    make_letting(lettings_index, title="Small", sleeps=2)
    big_booked = make_letting(lettings_index, title="Big Booked", sleeps=6)
    make_letting(lettings_index, title="Big Free", sleeps=6)
    BookedPeriod.objects.create(letting=big_booked, start=check_in - datetime.timedelta(days=1), end=check_in)
    BookedPeriod.objects.create(letting=big_booked, start=check_out - datetime.timedelta(days=1), end=check_out)
    assert titles(api("/api/v2/pages/?guests=4")[1]) == ["Big Booked", "Big Free"]
    stay = f"check_in={check_in:%Y-%m-%d}&check_out={check_out:%Y-%m-%d}"
    assert titles(api(f"/api/v2/pages/?guests=4&{stay}")[1]) == ["Big Free"]
    # A booking that ends on the day a stay starts does not clash with it (that night is free again).
    later = f"check_in={check_out:%Y-%m-%d}&check_out={check_out.replace(day=20):%Y-%m-%d}"
    assert titles(api(f"/api/v2/pages/?{later}")[1]) == ["Big Booked", "Big Free", "Small"]
    status, body = api(f"/api/v2/pages/?check_in={check_in:%Y-%m-%d}")
    assert status == 400
    assert "check_out" in body["errors"]
    status, body = api("/api/v2/pages/?guests=many")
    assert (status, list(body["errors"])) == (400, ["guests"])


def test_amenities_pets_property_type_and_sort_filter_like_the_listing(api, lettings_index):
    hot_tub, wifi = (Amenity.objects.create(name=name) for name in ("Hot tub", "Wi-Fi"))
    make_letting(lettings_index, title="Both", amenities=[hot_tub, wifi], price_per_night=300, pets_allowed=True)
    make_letting(lettings_index, title="Tub", amenities=[hot_tub], price_per_night=100, property_type="cabin")
    make_letting(lettings_index, title="None", price_per_night=200, property_type="cabin")
    both = f"amenity={hot_tub.pk}&amenity={wifi.pk}"
    assert titles(api(f"/api/v2/pages/?{both}")[1]) == ["Both"]
    assert titles(api(f"/api/v2/pages/?amenity={hot_tub.pk}&sort=price")[1]) == ["Tub", "Both"]
    assert titles(api("/api/v2/pages/?sort=-price")[1]) == ["Both", "None", "Tub"]
    assert titles(api("/api/v2/pages/?property_type=cabin&price_max=150")[1]) == ["Tub"]
    assert titles(api("/api/v2/pages/?pets=1")[1]) == ["Both"]
    status, body = api("/api/v2/pages/?amenity=999999&sort=cheapest")
    assert (status, sorted(body["errors"])) == (400, ["amenity", "sort"])
