"""Fixtures of the partner API's tests: a letting with every fact, and a reader of the API's JSON."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lettings.models import Amenity, BookedPeriod, LettingPage
from testing.factories import make_address, make_letting


@pytest.fixture
def api(client):
    """Return a function that GETs an API path and returns ``(status code, parsed JSON)``."""

    def get(path: str, **extra) -> tuple[int, dict]:
        """GET ``path`` and return its status code and JSON body."""
        response = client.get(path, **extra)
        assert response["Content-Type"] == "application/json", response.content
        return response.status_code, response.json()

    return get


@pytest.fixture
def green_haus(lettings_index) -> LettingPage:
    """Return a published letting with every fact, an address on the map, amenities, photos and bookings.

    Its bookings: one in the past, one current, one to come, each with a note naming a guest.
    """
    today = timezone.localdate()
    hot_tub = Amenity.objects.create(name="Hot tub", icon="hot-tub")
    wifi = Amenity.objects.create(name="Wi-Fi", icon="wifi")
    letting = make_letting(
        lettings_index,
        title="Green Haus",
        address=make_address(
            number=12,
            street="Bedford Street",
            city="Brunswick",
            state="GA",
            zip_code="31525",
            latitude=Decimal("31.149"),
            longitude=Decimal("-81.491"),
        ),
        photos=2,
        summary="A green house by the marshes.",
        property_type="cabin",
        sleeps=4,
        bedrooms=2,
        beds=3,
        bathrooms=Decimal("1.5"),
        floor_area=900,
        price_per_night=Decimal("165.00"),
        minimum_nights=2,
        check_in_time=datetime.time(16, 0),
        check_out_time=datetime.time(10, 0),
        pets_allowed=True,
        house_rules='<p data-block-key="rules">No <b>parties</b>.</p>',  # as the editor stores it
        amenities=[hot_tub, wifi],
    )
    for start, end in ((-30, -25), (-2, 3), (20, 27)):
        BookedPeriod.objects.create(
            letting=letting,
            start=today + datetime.timedelta(days=start),
            end=today + datetime.timedelta(days=end),
            source="airbnb",
            note="Mrs Jane Guest, +1 555 0100",
        )
    return letting
