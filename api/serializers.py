"""How a letting and a photo look in the partner API: an explicit list of fields, nothing read from the models.

Every field is named here, so a field added to a model (a note, an owner) never appears in the API
by accident: a letting shows its facts, its home's address, its amenities, its photos as renditions
and the dates it is booked: availability says booked or free, nothing more (never the note on a
booked period, which may name guests, nor its source, which says where the company sells).
"""

from rest_framework import serializers
from rest_framework.fields import Field
from wagtail.images.api.fields import ImageRenditionField
from wagtail.rich_text import expand_db_html

# The renditions the site's own pages use (listing cards, the letting's gallery), so the API adds no new files.
RENDITIONS = {
    "small": "fill-480x320|format-jpeg",
    "large": "fill-1280x853|format-jpeg",
}
TIME_FORMAT = "%H:%M"


def rendition_fields(source: str) -> dict[str, ImageRenditionField]:
    """Return one rendition field per size of ``RENDITIONS``, each reading the image at ``source``."""
    return {name: ImageRenditionField(spec, source=source, read_only=True) for name, spec in RENDITIONS.items()}


class PageUrlField(Field):
    """The page's absolute URL, on the root URL of its Wagtail site (the public address ``sync_site`` keeps)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        """Return the page itself: its URL needs the request too."""
        return instance

    def to_representation(self, page) -> str | None:
        """Return the page's full URL, or None for a page outside every site."""
        return page.get_full_url(self.context["request"])


class RichTextHtmlField(serializers.CharField):
    """A rich-text field as HTML a partner can show: internal links and embeds expanded, as on the page."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        """Return the rich text's front-end HTML."""
        return expand_db_html(value)


class BlankAsNullField(serializers.CharField):
    """A choice left blank (an unknown property type) as null, like every other unknown fact."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str | None:
        """Return the value, or None for an empty one."""
        return value or None


class FactsSerializer(serializers.Serializer):
    """The facts of a letting a visitor chooses by; every one may be null (old-site lettings have none)."""

    property_type = BlankAsNullField()
    sleeps = serializers.IntegerField(read_only=True)
    bedrooms = serializers.IntegerField(read_only=True)
    beds = serializers.IntegerField(read_only=True)
    bathrooms = serializers.DecimalField(max_digits=3, decimal_places=1, coerce_to_string=False, read_only=True)
    floor_area = serializers.IntegerField(read_only=True)
    # Money stays a string ("185.00", USD): a float would round it.
    price_per_night = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    minimum_nights = serializers.IntegerField(read_only=True)
    check_in_time = serializers.TimeField(format=TIME_FORMAT, read_only=True)
    check_out_time = serializers.TimeField(format=TIME_FORMAT, read_only=True)
    pets_allowed = serializers.BooleanField(allow_null=True, read_only=True)
    house_rules = RichTextHtmlField()


class AddressSerializer(serializers.Serializer):
    """The home's address and place on the map: nothing about a person."""

    street = serializers.CharField(source="__str__", read_only=True)  # "12 Bedford Street", as the page shows it
    city = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    zip_code = serializers.CharField(read_only=True)
    country = serializers.CharField(source="country_iso_code", read_only=True)
    latitude = serializers.DecimalField(max_digits=8, decimal_places=6, coerce_to_string=False, read_only=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, coerce_to_string=False, read_only=True)


class AmenitySerializer(serializers.Serializer):
    """An amenity: its id (the ``amenity`` filter takes it), name and icon name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    icon = serializers.CharField(read_only=True)


class PhotoSerializer(serializers.Serializer):
    """One photo of a letting's gallery, in the editor's order: its alt text, caption and renditions."""

    image_id = serializers.IntegerField(read_only=True)
    alt = serializers.CharField(source="alt_text", read_only=True)
    caption = serializers.CharField(read_only=True)

    def get_fields(self):
        """Add one rendition per size of ``RENDITIONS``."""
        return {**super().get_fields(), **rendition_fields("image")}


class BookedPeriodSerializer(serializers.Serializer):
    """A period the letting is not free: arrival and departure (a free night again); not who booked, nor where."""

    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
