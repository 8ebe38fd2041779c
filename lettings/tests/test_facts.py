"""The facts editors keep on a letting (size, price, stay, amenities, rules) and an address's place on the map."""

from datetime import timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lettings.models import Address, Amenity, BookedPeriod, LettingPage
from testing.factories import make_address, make_letting
from testing.forms import letting_form

pytestmark = pytest.mark.django_db

FACTS = {
    "property_type": "cabin",
    "sleeps": "6",
    "bedrooms": "3",
    "beds": "4",
    "bathrooms": "1.5",
    "floor_area": "1200",
    "price_per_night": "185.00",
    "minimum_nights": "2",
    "check_in_time": "16:00",
    "check_out_time": "10:00",
    "pets_allowed": "True",
}


def field_errors(letting: LettingPage) -> dict[str, str]:
    """Return the first validation message of each field ``full_clean`` refuses."""
    with pytest.raises(ValidationError) as raised:
        letting.full_clean()
    return {field: messages[0] for field, messages in raised.value.message_dict.items()}


def test_an_editor_fills_the_facts_tab_and_publishes(client, editor, lettings_index):
    hot_tub = Amenity.objects.create(name="Hot tub", icon="hot-tub")
    Amenity.objects.create(name="Pool", icon="pool")
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["lettings", "lettingpage", lettings_index.pk])
    data = letting_form(make_address(), **FACTS, amenities=[hot_tub.pk], **{"action-publish": "publish"})

    assert client.post(add_url, data).status_code == 302

    letting = LettingPage.objects.get(slug="lakeside-cabin")
    assert letting.live
    assert (letting.sleeps, letting.bedrooms, letting.beds, letting.bathrooms) == (6, 3, 4, Decimal("1.5"))
    assert (letting.price_per_night, letting.minimum_nights, letting.pets_allowed) == (Decimal("185.00"), 2, True)
    assert str(letting.check_in_time) == "16:00:00"
    assert list(letting.amenities.all()) == [hot_tub]
    assert letting.get_latest_revision_as_object().amenities.count() == 1  # kept in the revision too


def test_the_edit_form_has_a_facts_tab_in_three_groups(client, editor, lettings_index):
    letting = make_letting(lettings_index)
    client.force_login(editor)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[letting.pk])).text
    for heading in ("Facts", "The home", "Price and stay", "Amenities and house rules"):
        assert heading in page
    assert 'name="price_per_night"' in page


@pytest.mark.parametrize(
    ("facts", "field", "message"),
    [
        ({"price_per_night": Decimal("-5")}, "price_per_night", "at least $1"),
        ({"price_per_night": Decimal("0")}, "price_per_night", "price on request"),
        ({"bathrooms": Decimal("1.3")}, "bathrooms", "in halves"),
        ({"bathrooms": Decimal("-1")}, "bathrooms", "cannot be negative"),
        ({"bedrooms": 3, "beds": 2}, "beds", "3 bedrooms has at least 3 beds"),
        ({"sleeps": 0}, "sleeps", "at least 1 guest"),
        ({"minimum_nights": 0}, "minimum_nights", "at least 1 night"),
        ({"floor_area": 10}, "floor_area", "at least 50 sq ft"),
        ({"sleeps": 500}, "sleeps", "more than any home"),
    ],
)
def test_facts_that_cannot_be_are_refused_with_a_clear_message(lettings_index, facts, field, message):
    letting = make_letting(lettings_index)
    for name, value in facts.items():
        setattr(letting, name, value)
    assert message in field_errors(letting)[field]


def test_a_refused_fact_in_the_admin_saves_nothing(client, editor, lettings_index):
    client.force_login(editor)
    add_url = reverse("wagtailadmin_pages:add", args=["lettings", "lettingpage", lettings_index.pk])
    data = letting_form(make_address(), bedrooms="4", beds="1", **{"action-publish": "publish"})
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "A home with 4 bedrooms has at least 4 beds." in response.text
    assert not LettingPage.objects.filter(slug="lakeside-cabin").exists()


def test_lettings_without_facts_keep_working(client, lettings_index):
    letting = make_letting(lettings_index, title="Old Site Home")
    assert all(getattr(letting, name) in (None, "") for name in LettingPage.FACT_FIELDS if name != "amenities")
    letting.full_clean()
    assert client.get(letting.url).status_code == 200


def test_the_django_admin_shows_and_saves_the_facts(client, superuser, lettings_index):
    fireplace = Amenity.objects.create(name="Fireplace", icon="fireplace")
    client.force_login(superuser)
    data = {
        "title": "Admin Cabin",
        "slug": "",
        "address": make_address().pk,
        "summary": "",
        "body": "",
        "legacy_id": "",
        "publish": "on",
        **FACTS,
        "house_rules": "<p>No parties.</p>",
        "amenities": [fireplace.pk],
    }
    assert 'name="price_per_night"' in client.get(reverse("admin:lettings_lettingpage_add")).text
    assert client.post(reverse("admin:lettings_lettingpage_add"), data).status_code == 302
    letting = LettingPage.objects.get(slug="admin-cabin")
    assert letting.live
    assert letting.price_per_night == Decimal("185.00")
    assert list(letting.amenities.all()) == [fireplace]
    assert list(letting.get_latest_revision_as_object().amenities.all()) == [fireplace]


def test_amenities_are_a_snippet_editors_add_find_and_export(client, editor):
    client.force_login(editor)
    add_url = reverse("wagtailsnippets_lettings_amenity:add")
    assert client.post(add_url, {"name": "  Hot tub ", "icon": "hot-tub"}).status_code == 302
    assert Amenity.objects.get().name == "Hot tub"
    again = client.post(add_url, {"name": "Hot tub", "icon": "check"})
    assert "An amenity with this name exists already." in again.text
    listing = client.get(reverse("wagtailsnippets_lettings_amenity:list"), {"q": "tub"})
    assert "Hot tub" in listing.text
    export = client.get(reverse("wagtailsnippets_lettings_amenity:list"), {"export": "csv"})
    assert b"Hot tub" in b"".join(export.streaming_content)


@pytest.mark.parametrize(
    ("coordinates", "field", "message"),
    [
        ({"latitude": Decimal("91")}, "latitude", "between -90 and 90"),
        ({"latitude": Decimal("31.1"), "longitude": Decimal("-181")}, "longitude", "between -180 and 180"),
        ({"latitude": Decimal("31.1")}, "longitude", "both the latitude and the longitude"),
    ],
)
def test_coordinates_are_range_checked_and_come_in_pairs(coordinates, field, message):
    address = make_address()
    for name, value in coordinates.items():
        setattr(address, name, value)
    with pytest.raises(ValidationError) as raised:
        address.full_clean()
    assert message in raised.value.message_dict[field][0]


def test_the_database_refuses_coordinates_out_of_range():
    address = make_address(latitude=Decimal("31.149"), longitude=Decimal("-81.491"))
    assert address.has_coordinates
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.filter(pk=address.pk).update(latitude=Decimal("95"))


def test_deleting_an_amenity_a_letting_offers_leaves_every_page_working(client, editor, lettings_index):
    pool = Amenity.objects.create(name="Pool", icon="pool")
    letting = make_letting(lettings_index, title="Pool House")
    letting.amenities = [pool]
    letting.save_revision().publish()
    letting.title = "Pool House (draft)"
    letting.save_revision()  # a draft that still names the pool
    client.force_login(editor)

    delete_url = reverse("wagtailsnippets_lettings_amenity:delete", args=[pool.pk])
    assert client.post(delete_url).status_code == 302

    assert not Amenity.objects.exists()
    assert client.get(letting.url).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=[letting.pk])).status_code == 200
    letting.get_latest_revision().publish()
    published = LettingPage.objects.get(pk=letting.pk)
    assert (published.title, published.amenities.count()) == ("Pool House (draft)", 0)


def test_the_page_shows_the_facts_at_a_glance_amenities_rules_and_the_map_link(client, lettings_index):
    address = make_address(latitude=Decimal("31.149"), longitude=Decimal("-81.491"))
    letting = make_letting(lettings_index, title="Marsh House", address=address)
    for name, value in {**FACTS, "pets_allowed": True, "house_rules": "<p>No parties.</p>"}.items():
        setattr(letting, name, value)
    letting.amenities = [Amenity.objects.create(name="Hot tub", icon="hot-tub")]
    letting.save_revision().publish()

    page = BeautifulSoup(client.get(letting.url).content, "html.parser")

    assert [item.text for item in page.select(".facts__size li")] == ["Sleeps 6", "3 bedrooms", "4 beds", "1.5 baths"]
    assert page.select_one(".facts__price").text == "from $185 / night"
    assert [item.text.strip() for item in page.select(".facts__stay li")] == [
        "Minimum stay: 2 nights",
        "Check-in from 16:00",
        "Check-out by 10:00",
        "Pets welcome",
    ]
    amenity = page.select_one(".amenities__list li")
    assert amenity.text.strip() == "Hot tub"
    assert amenity.select_one("use")["href"].endswith("amenities.svg#hot-tub")
    assert amenity.select_one("svg")["aria-hidden"] == "true"
    assert "No parties." in page.select_one(".house-rules").text
    link = page.select_one(".letting__map a")
    assert link["href"] == "https://www.openstreetmap.org/?mlat=31.149000&mlon=-81.491000#map=15/31.149000/-81.491000"


def test_a_letting_without_facts_says_price_on_request_and_shows_nothing_empty(client, lettings_index):
    letting = make_letting(lettings_index, title="Plain House")
    page = BeautifulSoup(client.get(letting.url).content, "html.parser")
    assert page.select_one(".facts__price").text == "Price on request"
    for selector in (".facts__size", ".facts__stay", ".amenities", ".house-rules", ".letting__map"):
        assert page.select_one(selector) is None, selector


def test_the_calendar_marks_the_booked_nights_of_the_next_months(client, lettings_index):
    letting = make_letting(lettings_index, title="Busy House")
    next_month = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    BookedPeriod.objects.create(letting=letting, start=next_month.replace(day=12), end=next_month.replace(day=15))

    page = BeautifulSoup(client.get(letting.url).content, "html.parser")

    tables = page.select("table.availability__month")
    assert len(tables) == 3
    assert [th["scope"] for th in tables[1].select("thead th")] == ["col"] * 7
    assert tables[1].caption.text == f"{next_month:%B %Y}"
    taken = [cell.get_text(" ", strip=True) for cell in tables[1].select("td.availability__taken")]
    assert taken == ["12 taken", "13 taken", "14 taken"]  # the 15th, the departure, is free again
    assert not tables[0].select("td.availability__taken")


def test_bathrooms_have_a_ceiling_and_amenity_names_ignore_capitals(lettings_index):
    letting = make_letting(lettings_index, title="Lake House")
    letting.bathrooms = Decimal("99.5")
    with pytest.raises(ValidationError) as raised:
        letting.full_clean()
    assert raised.value.message_dict["bathrooms"] == ["This is more than any home we let: check the number."]
    Amenity.objects.create(name="Wi-Fi", icon="wifi")
    with pytest.raises(ValidationError) as raised:
        Amenity(name="wi-fi ", icon="wifi").full_clean()
    assert raised.value.message_dict["name"] == ["An amenity with this name exists already."]
