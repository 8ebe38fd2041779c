"""Finding a letting on the listing: every filter, every sort, their errors, chips and the page cache."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lettings.models import Amenity, BookedPeriod, LettingIndexPage
from testing.factories import make_address, make_letting

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    """Parse a response's HTML."""
    return BeautifulSoup(response.content, "html.parser")


def titles(response) -> list[str]:
    """Return the titles of the letting cards on a listing page, in order."""
    assert response.status_code == 200
    return [title.get_text(strip=True) for title in soup(response).select(".card__title")]


def next_month(day: int) -> datetime.date:
    """Return ``day`` of next month."""
    first = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first.replace(day=day)


def stay(check_in: int, check_out: int) -> dict:
    """Return the date filters for a stay from ``check_in`` to ``check_out`` (days of next month)."""
    return {"check_in": next_month(check_in).isoformat(), "check_out": next_month(check_out).isoformat()}


def listing(client, **params) -> list[str]:
    """Return the card titles of the listing filtered by ``params`` (lists repeat a parameter)."""
    return titles(client.get("/lettings/?" + urlencode(params, doseq=True)))


@pytest.fixture
def amenities(db) -> dict[str, Amenity]:
    """Return a hot tub, Wi-Fi and a pool."""
    return {
        name: Amenity.objects.create(name=name, icon=icon)
        for name, icon in [("Hot tub", "hot-tub"), ("Wi-Fi", "wifi"), ("Pool", "pool")]
    }


@pytest.fixture
def homes(lettings_index, amenities) -> dict:
    """Four homes that differ in every fact the filters read, and one with no facts at all (old site)."""
    return {
        "cabin": make_letting(
            lettings_index,
            title="Brunswick Cabin",
            address=make_address(city="Brunswick", state="GA"),
            property_type="cabin",
            sleeps=4,
            bedrooms=2,
            beds=2,
            price_per_night=Decimal("165"),
            minimum_nights=2,
            pets_allowed=True,
            amenities=[amenities["Hot tub"], amenities["Wi-Fi"]],
        ),
        "villa": make_letting(
            lettings_index,
            title="Savannah Villa",
            address=make_address(city="Savannah", state="GA"),
            property_type="villa",
            sleeps=10,
            bedrooms=5,
            beds=6,
            price_per_night=Decimal("480"),
            minimum_nights=5,
            pets_allowed=False,
            amenities=[amenities["Hot tub"], amenities["Pool"]],
        ),
        "flat": make_letting(
            lettings_index,
            title="Akron Apartment",
            address=make_address(city="Akron", state="OH"),
            property_type="apartment",
            sleeps=2,
            bedrooms=1,
            beds=1,
            price_per_night=Decimal("95.50"),
            amenities=[amenities["Wi-Fi"]],
        ),
        "on_request": make_letting(
            lettings_index,
            title="Macon House",
            address=make_address(city="Macon", state="GA"),
            property_type="house",
            sleeps=6,
            bedrooms=3,
            beds=4,
            pets_allowed=True,
        ),
        "old": make_letting(lettings_index, title="Old Site Home", address=make_address(city="Dayton", state="OH")),
    }


ALL = ["Akron Apartment", "Brunswick Cabin", "Macon House", "Old Site Home", "Savannah Villa"]


def test_without_filters_every_letting_is_listed_by_title(client, homes):
    assert listing(client) == ALL


def test_dates_leave_out_lettings_booked_on_any_night_of_the_stay(client, homes):
    BookedPeriod.objects.create(letting=homes["cabin"], start=next_month(10), end=next_month(13))
    BookedPeriod.objects.create(letting=homes["flat"], start=next_month(15), end=next_month(20))
    assert "Brunswick Cabin" not in listing(client, **stay(12, 15))
    assert "Akron Apartment" in listing(client, **stay(12, 15))  # its guests arrive the day we leave
    assert "Brunswick Cabin" in listing(client, **stay(13, 16))  # the cabin's guests leave the day we arrive


def test_dates_leave_out_lettings_whose_minimum_stay_is_longer(client, homes):
    assert listing(client, **stay(12, 15)) == ["Akron Apartment", "Brunswick Cabin", "Macon House", "Old Site Home"]
    assert "Savannah Villa" in listing(client, **stay(10, 15))  # five nights: the villa's minimum


def test_guests_and_bedrooms_are_minimums_and_unknown_sizes_are_left_out(client, homes):
    assert listing(client, guests=4) == ["Brunswick Cabin", "Macon House", "Savannah Villa"]
    assert listing(client, guests=7) == ["Savannah Villa"]
    assert listing(client, bedrooms=3) == ["Macon House", "Savannah Villa"]


def test_price_range_is_inclusive_and_leaves_out_price_on_request(client, homes):
    assert listing(client, price_max=165) == ["Akron Apartment", "Brunswick Cabin"]
    assert listing(client, price_min=96, price_max=480) == ["Brunswick Cabin", "Savannah Villa"]
    assert listing(client, price_min=0) == ["Akron Apartment", "Brunswick Cabin", "Savannah Villa"]


def test_amenities_must_all_be_offered(client, homes, amenities):
    hot_tub, wifi = str(amenities["Hot tub"].pk), str(amenities["Wi-Fi"].pk)
    assert listing(client, amenity=[hot_tub]) == ["Brunswick Cabin", "Savannah Villa"]
    assert listing(client, amenity=[hot_tub, wifi]) == ["Brunswick Cabin"]


def test_pets_property_type_state_and_city(client, homes):
    assert listing(client, pets=1) == ["Brunswick Cabin", "Macon House"]
    assert listing(client, property_type="villa") == ["Savannah Villa"]
    assert listing(client, state="oh") == ["Akron Apartment", "Old Site Home"]
    assert listing(client, state="GA", city="savannah") == ["Savannah Villa"]


def test_the_phone_visitors_search_finds_the_georgia_home_with_a_hot_tub(client, homes, amenities):
    found = listing(client, state="GA", guests=4, price_max=200, amenity=[amenities["Hot tub"].pk], **stay(12, 15))
    assert found == ["Brunswick Cabin"]


def test_sorts_by_price_both_ways_with_price_on_request_last(client, homes):
    assert listing(client, sort="price") == [
        "Akron Apartment",
        "Brunswick Cabin",
        "Savannah Villa",
        "Macon House",
        "Old Site Home",
    ]
    assert listing(client, sort="-price") == [
        "Savannah Villa",
        "Brunswick Cabin",
        "Akron Apartment",
        "Macon House",
        "Old Site Home",
    ]


def test_sorts_newest_first_by_first_publication(client, homes):
    for days, home in enumerate(["flat", "old", "villa", "cabin", "on_request"]):
        homes[home].first_published_at = timezone.now() - datetime.timedelta(days=days)
        homes[home].save(update_fields=["first_published_at"])
    assert listing(client, sort="newest") == [
        "Akron Apartment",
        "Old Site Home",
        "Savannah Villa",
        "Brunswick Cabin",
        "Macon House",
    ]


def walk(client, url: str, rel: str) -> list[list[str]]:
    """Follow the listing's ``rel`` ("next" or "prev") links from ``url``; return each page's titles."""
    pages = []
    while url:
        response = client.get(url)
        pages.append(titles(response))
        link = soup(response).select_one(f"a[rel={rel}]")
        url = "/lettings/" + link["href"] if link else None
    return pages


@pytest.mark.parametrize("sort", ["", "price", "-price", "newest"])
def test_every_sort_pages_through_every_letting_once_forward_and_back(client, homes, sort, monkeypatch):
    monkeypatch.setattr(LettingIndexPage, "per_page", 2)
    for number, price in enumerate([None, 100, 100, 250, None, 80]):  # ties in price and in "on request"
        make_letting(title=f"Extra {number}", price_per_night=price)
    first = "/lettings/" + (f"?sort={sort}" if sort else "")
    forward = walk(client, first, "next")
    assert [len(page) for page in forward] == [2, 2, 2, 2, 2, 1]
    assert len({title for page in forward for title in page}) == 11
    assert forward[0] == listing(client, **({"sort": sort} if sort else {}))
    last_link = soup(client.get(first)).select_one("a[rel=next]")["href"]
    assert f"sort={sort}" in last_link if sort else "sort" not in last_link
    # From the second page, "previous" leads back to the first page, the same rows in the same order.
    second = "/lettings/" + last_link
    assert walk(client, second, "prev") == [forward[1], forward[0]]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"check_in": "2020-01-01", "check_out": "2020-01-03"}, "check_in", "Check-in cannot be in the past."),
        ({**stay(12, 15), "check_out": next_month(11).isoformat()}, "check_out", "at least one day after check-in"),
        ({"check_in": next_month(12).isoformat()}, "check_out", "Choose a check-out date as well."),
        ({"check_out": next_month(12).isoformat()}, "check_in", "Choose a check-in date as well."),
        ({"check_in": "12/12/2026", "check_out": "15/12/2026"}, "check_in", "Enter a date as year-month-day"),
        ({"check_in": "2099-01-01", "check_out": "2099-01-05"}, "check_in", "within the next two years"),
        ({**stay(1, 2), "check_out": (next_month(1) + datetime.timedelta(days=91)).isoformat()}, "check_out", "90"),
        ({"guests": "0"}, "guests", "Enter 1 or more."),
        ({"guests": "many"}, "guests", "Enter a whole number."),
        ({"guests": "9" * 30}, "guests", "Enter at most 50."),
        ({"price_min": "300", "price_max": "100"}, "price_max", "must not be below the lowest"),
        ({"price_min": "-5"}, "price_min", "Enter 0 or more."),
        ({"amenity": "999999"}, "amenity", "is not one of the amenities listed"),
        ({"property_type": "castle"}, "property_type", "is not a type of home we let"),
        ({"sort": "random"}, "sort", "is not a way to sort lettings"),
        ({"state": "ZZ"}, "state", "is not a US state code"),
    ],
)
def test_impossible_filters_say_what_is_wrong_next_to_the_field_and_list_everything(
    client, homes, params, field, message
):
    response = client.get("/lettings/?" + urlencode(params))
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".form-errors[role=alert]")
    error = page.select_one(f"#id_{field}_error")
    assert error is not None
    assert message in error.get_text()
    if field != "amenity":
        assert page.select_one(f"#id_{field}")["aria-describedby"] == f"id_{field}_error"
    assert titles(response) == ALL


def test_the_form_keeps_what_the_visitor_chose(client, homes, amenities):
    hot_tub = amenities["Hot tub"].pk
    page = soup(
        client.get(
            f"/lettings/?guests=4&property_type=cabin&amenity={hot_tub}&pets=1&sort=-price&check_in="
            f"{next_month(12)}&check_out={next_month(15)}"
        )
    )
    assert page.select_one("#id_guests")["value"] == "4"
    assert page.select_one("#id_check_in")["value"] == next_month(12).isoformat()
    assert page.select_one("#id_property_type option[selected]")["value"] == "cabin"
    assert page.select_one("#id_sort option[selected]")["value"] == "-price"
    assert page.select_one(f"#id_amenity_{hot_tub}").has_attr("checked")
    assert page.select_one("#id_pets").has_attr("checked")
    assert not page.select_one(f"#id_amenity_{amenities['Pool'].pk}").has_attr("checked")


def test_each_active_filter_is_a_chip_that_removes_only_itself(client, homes, amenities):
    hot_tub, wifi = amenities["Hot tub"].pk, amenities["Wi-Fi"].pk
    query = urlencode(
        {"state": "GA", "guests": 4, "price_max": 200, "amenity": [hot_tub, wifi], "sort": "price", **stay(12, 15)},
        doseq=True,
    )
    page = soup(client.get(f"/lettings/?{query}"))
    chips = {chip["aria-label"].removeprefix("Remove filter: "): chip["href"] for chip in page.select(".chip")}
    # Next month's year is said only when it is not this year's (in December).
    year = f", {next_month(1).year}" if next_month(1).year != timezone.localdate().year else ""
    stay_label = f"{next_month(12):%b} 12{year} to {next_month(15):%b} 15{year}"
    assert list(chips) == [stay_label, "4 guests", "Up to $200 a night", "Hot tub", "Wi-Fi", "Georgia"]
    assert "check_in" not in chips[stay_label]
    assert "guests=4" in chips[stay_label]
    assert f"amenity={wifi}" in chips["Hot tub"]
    assert f"amenity={hot_tub}" not in chips["Hot tub"]
    assert all("sort=price" in href for href in chips.values())  # removing a filter keeps the order
    assert titles(client.get(chips["Georgia"])) == ["Brunswick Cabin"]
    assert page.find("a", string="Clear all filters")["href"] == "/lettings/"


def test_no_chip_without_filters_and_an_empty_result_says_how_to_widen_it(client, homes):
    assert not soup(client.get("/lettings/?sort=price")).select(".chip")
    response = client.get("/lettings/?guests=50")
    assert titles(response) == []
    assert "remove one above to see more" in response.text


def cache_state(client, path: str) -> str | None:
    """Return what the page cache did with ``path``: "hit", "miss" (stored) or None (not stored)."""
    response = client.get(path)
    assert response.status_code == 200
    return response.get("X-Page-Cache")


def test_canonical_filters_are_cached_and_other_spellings_are_served_but_never_stored(
    client, homes, amenities, page_cache_on
):
    hot_tub, wifi = amenities["Hot tub"].pk, amenities["Wi-Fi"].pk
    canonical = f"/lettings/?amenity={hot_tub}&amenity={wifi}&guests=4&pets=1&sort=price"
    assert cache_state(client, canonical) == "miss"
    assert cache_state(client, f"/lettings/?sort=price&pets=1&guests=4&amenity={wifi}&amenity={hot_tub}") == "hit"
    for other in (
        f"/lettings/?amenity={hot_tub}&amenity={wifi}&guests=04&pets=1&sort=price",
        f"/lettings/?amenity={hot_tub}&amenity={wifi}&guests=4&pets=on&sort=price",
        f"/lettings/?amenity={hot_tub}&amenity={hot_tub}&amenity={wifi}&guests=4&pets=1&sort=price",
        "/lettings/?guests=0",
    ):
        assert cache_state(client, other) is None, other
        assert cache_state(client, other) is None, other


def test_an_editor_adds_an_amenity_and_booked_periods_and_the_cached_date_filter_follows_at_once(
    client, homes, amenities, editor, page_cache_on, commit
):
    def post(url: str, data: dict):
        """Post as the editor, running what waits for the commit (clearing the page cache) as a real request does."""
        with commit():
            return client.post(url, data)

    visitor = Client()
    dates = stay(12, 15)
    search = "/lettings/?" + urlencode({**dates, "state": "GA"})
    assert titles(visitor.get(search)) == ["Brunswick Cabin", "Macon House"]
    assert visitor.get(search)["X-Page-Cache"] == "hit"

    client.force_login(editor)
    response = post(reverse("wagtailsnippets_lettings_amenity:add"), {"name": "Sea view", "icon": "view"})
    assert response.status_code == 302
    sea_view = Amenity.objects.get(name="Sea view")
    assert f'id="id_amenity_{sea_view.pk}"' in visitor.get(search).text  # the new amenity is a filter at once

    add_period = reverse("wagtailsnippets_lettings_bookedperiod:add")
    period = {
        "letting": homes["cabin"].pk,
        "source": "manual",
        "note": "Owner's week",
        "start": next_month(11).isoformat(),
        "end": next_month(13).isoformat(),
    }
    assert post(add_period, period).status_code == 302
    assert titles(visitor.get(search)) == ["Macon House"]

    clash = {**period, "start": next_month(12).isoformat(), "end": next_month(14).isoformat()}
    refused = post(add_period, clash)
    assert refused.status_code == 200
    assert f"These nights overlap the period {next_month(11):%d %b %Y} to {next_month(13):%d %b %Y}" in refused.text
    assert BookedPeriod.objects.count() == 1

    booked = {
        **period,
        "letting": homes["on_request"].pk,
        "start": next_month(14).isoformat(),
        "end": next_month(18).isoformat(),
    }
    assert post(add_period, booked).status_code == 302
    assert titles(visitor.get(search)) == []
    assert titles(visitor.get("/lettings/?" + urlencode({**stay(18, 20), "state": "GA"}))) == [
        "Brunswick Cabin",
        "Macon House",
    ]


def test_made_up_searches_that_find_nothing_are_served_but_never_stored(client, homes, page_cache_on):
    for path in ("/lettings/?city=Zz0", "/lettings/?price_min=99990", "/search/?q=zzqx"):
        assert cache_state(client, path) is None, path
        assert cache_state(client, path) is None, path
    assert cache_state(client, "/lettings/?city=Savannah") == "miss"  # a city with lettings is stored once
    assert cache_state(client, "/lettings/?city=savannah") is None  # served, under its one spelling only
    assert cache_state(client, "/lettings/?city=Savannah") == "hit"


def test_a_lowest_price_of_zero_is_a_filter_with_its_chip_kept_by_the_next_page(client, homes, monkeypatch):
    monkeypatch.setattr(LettingIndexPage, "per_page", 2)
    page = soup(client.get("/lettings/?price_min=0"))
    assert [chip["aria-label"] for chip in page.select(".chip")] == ["Remove filter: From $0 a night"]
    assert "price_min=0" in page.select_one("a[rel=next]")["href"]
    assert listing(client, price_min=0) == ["Akron Apartment", "Brunswick Cabin"]  # priced homes only
