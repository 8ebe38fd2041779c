"""A letting page as search engines read it: its description, and JSON-LD ``VacationRental`` and ``BreadcrumbList``.

The ``VacationRental`` follows Google's vacation rental structured data: ``name``, ``identifier``,
``image``, ``latitude``, ``longitude`` and ``containsPlace`` (an ``Accommodation`` with its
``occupancy``) are required there; the address, check-in and check-out times, description and the
accommodation's rooms, beds, amenities and floor size are recommended. Only known facts are
emitted: a letting without coordinates or a guest count still gets the rest, but Google then skips
it for vacation rental results (it stays an ordinary search result).

Everything here is plain data built from the page and the URLs the caller made absolute; the
template tags (``structured_data_tags``) fetch nothing that the page's view has not loaded.
"""

import math

from django.utils.text import capfirst

from core.seo import DEFAULT_DESCRIPTION, absolute_url, page_description

# The gallery's large JPEG (``letting_page.html``): a rendition the page makes anyway, so none is added.
STRUCTURED_DATA_IMAGE_SPEC = "fill-1280x853|format-jpeg"
# Google's listing types (``additionalType``); a property type without a match sends none.
ADDITIONAL_TYPES = {
    "house": "House",
    "townhouse": "House",
    "apartment": "Apartment",
    "studio": "Apartment",
    "cabin": "Cabin",
    "cottage": "Cottage",
    "villa": "Villa",
}
# Google's amenity names, by the icon an editor chose; other amenities are sent by their own name.
AMENITY_NAMES = {
    "air-conditioning": "ac",
    "beach": "beachAccess",
    "fireplace": "fireplace",
    "hot-tub": "hotTub",
    "kitchen": "kitchen",
    "pets": "petsAllowed",
    "pool": "pool",
    "washer": "washerDryer",
    "wifi": "wifi",
}
# Addresses store ISO 3166-1 alpha-3 codes; schema.org's addressCountry wants alpha-2. The US and its territories.
ALPHA_2 = {"USA": "US", "PRI": "PR", "GUM": "GU", "VIR": "VI", "ASM": "AS", "MNP": "MP", "UMI": "UM"}
FLOOR_AREA_UNIT = "FTK"  # UN/CEFACT code of square feet, the unit of ``LettingPage.floor_area``


def facts_sentence(page) -> str:
    """Return the letting's facts as sentences ("House in Brunswick, GA. Sleeps 6 · 3 bedrooms."), or ''."""
    parts = []
    if page.address is not None:
        kind = page.get_property_type_display() if page.property_type else "Holiday home"
        parts.append(f"{kind} in {page.address.city}, {page.address.state}.")
    if sizes := page.size_facts:
        parts.append(" · ".join(sizes) + ".")
    if page.price_per_night is not None:
        parts.append(capfirst(page.price_label) + ".")
    return " ".join(parts)


def letting_description(page) -> str:
    """Return the letting's description: search description, summary, body text, then its facts, then the site's."""
    return page_description(page) or facts_sentence(page) or DEFAULT_DESCRIPTION


def _postal_address(address) -> dict:
    """Return a ``PostalAddress`` of a letting's address."""
    country = address.country_iso_code
    return {
        "@type": "PostalAddress",
        "streetAddress": str(address),
        "addressLocality": address.city,
        "addressRegion": address.state,
        "postalCode": address.zip_code,
        "addressCountry": ALPHA_2.get(country, country),
    }


def _bathrooms(bathrooms) -> dict:
    """Return the bathroom counts: 1.5 is one full bathroom and one half (RESO's total counts it as 2)."""
    full = math.floor(bathrooms)
    partial = 1 if bathrooms > full else 0
    return {
        "numberOfBathroomsTotal": full + partial,
        "numberOfFullBathrooms": full,
        "numberOfPartialBathrooms": partial,
    }


def _feature(name: str, value: bool) -> dict:
    """Return a ``LocationFeatureSpecification``: an amenity the home has (or, for pets, may not have)."""
    return {"@type": "LocationFeatureSpecification", "name": name, "value": value}


def _amenity_features(page, amenities) -> list[dict]:
    """Return one feature per amenity, and whether pets are allowed when that is known (the facts win)."""
    features = {}
    for amenity in amenities:
        name = AMENITY_NAMES.get(amenity.icon, amenity.name)
        features[name] = _feature(name, True)
    if page.pets_allowed is not None:
        features["petsAllowed"] = _feature("petsAllowed", page.pets_allowed)
    return list(features.values())


def accommodation(page, amenities) -> dict:
    """Return the ``Accommodation`` the rental contains: the whole home, with its size and amenities (those known)."""
    place = {"@type": "Accommodation", "additionalType": "EntirePlace"}
    if page.sleeps is not None:
        place["occupancy"] = {"@type": "QuantitativeValue", "value": page.sleeps}
    if page.bedrooms is not None:
        place["numberOfBedrooms"] = page.bedrooms
    if page.bathrooms is not None:
        place.update(_bathrooms(page.bathrooms))
    if page.beds is not None:
        place["bed"] = {"@type": "BedDetails", "numberOfBeds": page.beds}
    if page.floor_area is not None:
        place["floorSize"] = {"@type": "QuantitativeValue", "value": page.floor_area, "unitCode": FLOOR_AREA_UNIT}
    if features := _amenity_features(page, amenities):
        place["amenityFeature"] = features
    return place


def vacation_rental(page, *, url: str | None, image_urls: list[str], amenities) -> dict:
    """Return the letting as a schema.org ``VacationRental`` (Google's required and recommended properties)."""
    rental = {
        "@context": "https://schema.org",
        "@type": "VacationRental",
        "name": page.title,
        "identifier": str(page.pk),  # stable: it never changes when the title or the slug does
    }
    if url:
        rental["url"] = url
    if additional_type := ADDITIONAL_TYPES.get(page.property_type):
        rental["additionalType"] = additional_type
    if image_urls:
        rental["image"] = image_urls
    rental["description"] = letting_description(page)
    address = page.address
    if address is not None:
        if address.has_coordinates:
            rental["latitude"] = float(address.latitude)
            rental["longitude"] = float(address.longitude)
        rental["address"] = _postal_address(address)
    if page.check_in_time is not None:
        rental["checkinTime"] = page.check_in_time.strftime("%H:%M:%S")
    if page.check_out_time is not None:
        rental["checkoutTime"] = page.check_out_time.strftime("%H:%M:%S")
    rental["containsPlace"] = accommodation(page, amenities)
    return rental


def gallery_image_urls(gallery, root: str | None) -> list[str]:
    """Return the absolute URLs of the gallery's photos, in the editor's order (renditions prefetched by the view)."""
    urls = (absolute_url(item.image.get_rendition(STRUCTURED_DATA_IMAGE_SPEC).url, root) for item in gallery)
    return [url for url in urls if url]


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict:
    """Return a ``BreadcrumbList`` of ``(name, absolute URL)`` pairs, from the home page down to the page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }
