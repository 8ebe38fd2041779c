"""A letting page's JSON-LD: a ``VacationRental`` as Google documents it, a ``BreadcrumbList``, safely escaped."""

import datetime
from decimal import Decimal

import pytest

from lettings.models import Amenity
from lettings.structured_data import facts_sentence, letting_description
from testing.factories import make_address, make_letting
from testing.seo import PUBLIC, check_json_ld, json_ld_of_type, read_head, use_public_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(settings, lettings_index) -> str:
    """Point the site at the public address; return it."""
    return use_public_address(settings)


@pytest.fixture
def furnished(public, lettings_index):
    """Return a letting with every fact, coordinates, two amenities and three photos."""
    letting = make_letting(
        lettings_index,
        title="Beach House",
        address=make_address(
            number=12, street="Ocean Drive", city="Savannah", state="GA", zip_code="31401",
            latitude=Decimal("31.149012"), longitude=Decimal("-81.491034"),
        ),
        summary="A quiet house by the beach.",
        photos=3,
        property_type="house",
        sleeps=6,
        bedrooms=3,
        beds=4,
        bathrooms=Decimal("1.5"),
        floor_area=1200,
        price_per_night=Decimal("185"),
        check_in_time=datetime.time(16, 0),
        check_out_time=datetime.time(10, 30),
        pets_allowed=False,
    )  # fmt: skip
    letting.amenities.set(
        [Amenity.objects.create(name="Hot tub", icon="hot-tub"), Amenity.objects.create(name="Sea view", icon="view")]
    )
    letting.save_revision().publish()
    return letting


def structured_data(client, letting, **headers) -> tuple[dict, dict]:
    """Return the letting page's ``VacationRental`` and ``BreadcrumbList``."""
    head = read_head(client.get(letting.url, **headers).text)
    return json_ld_of_type(head, "VacationRental"), json_ld_of_type(head, "BreadcrumbList")


def test_a_letting_is_a_valid_vacation_rental_with_every_fact(client, furnished):
    rental, _ = structured_data(client, furnished)
    assert check_json_ld(rental, PUBLIC) == []
    assert rental["name"] == "Beach House"
    assert rental["identifier"] == str(furnished.pk)
    assert rental["url"] == f"{PUBLIC}/lettings/beach-house/"
    assert rental["additionalType"] == "House"
    assert rental["description"] == "A quiet house by the beach."
    assert (rental["latitude"], rental["longitude"]) == (31.149012, -81.491034)
    assert rental["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "12 Ocean Drive",
        "addressLocality": "Savannah",
        "addressRegion": "GA",
        "postalCode": "31401",
        "addressCountry": "US",
    }
    assert (rental["checkinTime"], rental["checkoutTime"]) == ("16:00:00", "10:30:00")
    place = rental["containsPlace"]
    assert place["additionalType"] == "EntirePlace"
    assert place["occupancy"] == {"@type": "QuantitativeValue", "value": 6}
    assert place["numberOfBedrooms"] == 3
    # 1.5 bathrooms: one full and one half, two rooms in all.
    bathrooms = ("numberOfBathroomsTotal", "numberOfFullBathrooms", "numberOfPartialBathrooms")
    assert [place[name] for name in bathrooms] == [2, 1, 1]
    assert place["bed"] == {"@type": "BedDetails", "numberOfBeds": 4}
    assert place["floorSize"] == {"@type": "QuantitativeValue", "value": 1200, "unitCode": "FTK"}
    features = {feature["name"]: feature["value"] for feature in place["amenityFeature"]}
    assert features == {"hotTub": True, "Sea view": True, "petsAllowed": False}


def test_its_images_are_every_photo_in_order_on_the_public_address(client, furnished):
    rental, _ = structured_data(client, furnished, HTTP_HOST="attacker.example")
    photos = [item.image for item in furnished.gallery_images.all()]
    assert len(rental["image"]) == 3
    for url, photo in zip(rental["image"], photos, strict=True):
        assert url.startswith(f"{PUBLIC}/media/images/")
        assert url == PUBLIC + photo.get_rendition("fill-1280x853|format-jpeg").url


def test_the_breadcrumbs_lead_from_home_through_the_listing(client, furnished):
    _, breadcrumbs = structured_data(client, furnished, HTTP_HOST="attacker.example")
    assert check_json_ld(breadcrumbs, PUBLIC) == []
    assert [(item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]] == [
        (1, "Home", f"{PUBLIC}/"),
        (2, "Lettings", f"{PUBLIC}/lettings/"),
        (3, "Beach House", f"{PUBLIC}/lettings/beach-house/"),
    ]


def test_a_letting_with_few_facts_gives_what_is_known(client, public, lettings_index):
    # An old-site letting: no coordinates, guests, photos or facts. Google skips it as a vacation
    # rental (its required latitude, longitude, image and occupancy are missing); nothing is made up.
    letting = make_letting(lettings_index, title="Old Flat", address=make_address(city="Brunswick", state="GA"))
    rental, breadcrumbs = structured_data(client, letting)
    assert sorted(check_json_ld(rental, PUBLIC)) == [
        "VacationRental (VacationRental): missing required ['image', 'latitude', 'longitude']",
        "VacationRental.containsPlace (Accommodation): missing required ['occupancy']",
    ]
    assert rental["containsPlace"] == {"@type": "Accommodation", "additionalType": "EntirePlace"}
    assert rental["address"]["addressLocality"] == "Brunswick"
    assert rental["description"] == "Holiday home in Brunswick, GA."
    assert not {"checkinTime", "checkoutTime", "additionalType"} & set(rental)
    assert check_json_ld(breadcrumbs, PUBLIC) == []


def test_an_editors_title_cannot_end_the_script_block(client, public, lettings_index):
    title = "</script><script>alert(1)</script><!-- & \u2028"
    letting = make_letting(lettings_index, title=title, summary="</SCRIPT>")
    html = client.get(letting.url).text
    assert "<script>alert(1)" not in html
    assert "</SCRIPT>" not in html
    rental, breadcrumbs = structured_data(client, letting)
    assert rental["name"] == breadcrumbs["itemListElement"][-1]["name"] == title
    assert rental["description"] == "</SCRIPT>"


def test_the_description_falls_back_on_the_body_then_the_facts(public, lettings_index):
    letting = make_letting(
        lettings_index,
        title="Cabin",
        address=make_address(city="Brunswick", state="GA"),
        property_type="cabin",
        sleeps=4,
        bedrooms=2,
        price_per_night=Decimal("120.50"),
        body="<p>Pines all <b>around</b>.</p>",
    )
    assert letting_description(letting) == "Pines all around."
    letting.body = ""
    assert letting_description(letting) == "Cabin in Brunswick, GA. Sleeps 4 · 2 bedrooms. From $120.50 / night."
    letting.search_description = "Chosen words."
    assert letting_description(letting) == "Chosen words."
    assert facts_sentence(letting).startswith("Cabin in Brunswick")


def test_a_letting_preview_uses_the_same_description(client, furnished):
    furnished.summary = ""
    furnished.save_revision().publish()
    head = read_head(client.get(furnished.url).text)
    expected = "House in Savannah, GA. Sleeps 6 · 3 bedrooms · 4 beds · 1.5 baths. From $185 / night."
    assert head.description == expected
    assert json_ld_of_type(head, "VacationRental")["description"] == expected
