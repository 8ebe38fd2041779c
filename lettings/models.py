"""Addresses, the lettings index page and letting pages.

An :class:`Address` is a snippet that editors manage on its own; a :class:`LettingPage` lives under
the one :class:`LettingIndexPage` and points at exactly one address, and an address belongs to at
most one letting (a one-to-one link, enforced by the database).
"""

import logging
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, Revision
from wagtail.search import index

import core.converters  # noqa: F401  registers <dbid:...> for the old-site route below
from core import outbound
from core.main_pages import MainPageMixin
from core.pagination import keyset_page
from core.view_restrictions import KnownRestrictionsMixin
from pagecache.cache import declare_page_only, declare_query, declare_uncacheable, per_generation

from . import calendar
from .choices import PROPERTY_TYPES
from .forms import LettingFilterForm
from .us_states import US_STATES

logger = logging.getLogger(__name__)

ZIP_CODE_VALIDATOR = RegexValidator(
    r"^(?!00000)\d{5}$",
    "Enter a five-digit ZIP code such as 02134 (leading zeros are kept; 00000 is not a ZIP code).",
)
COUNTRY_CODE_VALIDATOR = RegexValidator(
    r"^[A-Z]{3}$",
    "Enter a three-letter ISO 3166-1 alpha-3 country code in capitals, such as USA.",
)
NUMERIC_SLUG_MESSAGE = "A letting's slug cannot be only digits: such URLs are kept for old-site links."
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]
# The icons an amenity may show (static/img/amenities.svg has one symbol of each name).
AMENITY_ICONS = [
    ("check", "Tick"),
    ("hot-tub", "Hot tub"),
    ("pool", "Swimming pool"),
    ("wifi", "Wi-Fi"),
    ("parking", "Parking"),
    ("kitchen", "Kitchen"),
    ("washer", "Washing machine"),
    ("air-conditioning", "Air conditioning"),
    ("fireplace", "Fireplace"),
    ("pets", "Pets"),
    ("view", "View"),
    ("beach", "Beach"),
]
TOO_MANY = "This is more than any home we let: check the number."
PRICE_ON_REQUEST_SORT_KEY = Decimal("1000000")  # above any price (at most 100,000): sorts last
OVERLAP_CONSTRAINT = "booked_periods_never_overlap"  # PostgreSQL's exclusion constraint (migration 0008)
CALENDAR_MONTHS = 3  # months of availability a letting's page shows, from the current one


def half_steps(value) -> None:
    """Refuse a number of bathrooms that is not a whole or a half (1, 1.5, 2, ...)."""
    if value is not None and (value * 2) % 1:
        raise ValidationError("Count bathrooms in halves: 1, 1.5, 2 ...", code="half_steps")


BOOKING_SOURCES = [
    ("manual", "Entered here"),
    ("airbnb", "Airbnb"),
    ("vrbo", "Vrbo"),
    ("booking", "Booking.com"),
    ("google", "Google Calendar"),
    ("other", "Another calendar"),
]


class Address(models.Model):
    """A postal address in the United States (or a territory), as the old site stored it."""

    number = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(1, "The street number must be at least 1."),
            MaxValueValidator(9999, "The street number must be at most 9999."),
        ],
        help_text="Street number, from 1 to 9999.",
    )
    street = models.CharField(max_length=64)
    city = models.CharField(max_length=64, db_index=True)
    state = models.CharField(
        max_length=2,
        choices=US_STATES,
        db_index=True,
        error_messages={"invalid_choice": "%(value)r is not a US state code: use two capital letters, such as GA."},
        help_text="Two-letter US postal code, such as GA.",
    )
    zip_code = models.CharField(
        "ZIP code",
        max_length=5,
        validators=[ZIP_CODE_VALIDATOR],
        help_text="Five digits; leading zeros are kept (02134).",
    )
    country_iso_code = models.CharField(
        "country code",
        max_length=3,
        default="USA",
        validators=[COUNTRY_CODE_VALIDATOR],
        help_text="ISO 3166-1 alpha-3 code, such as USA.",
    )
    legacy_id = models.PositiveIntegerField(
        "old-site id",
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The id this address had on the old site (set by the import).",
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(-90, "A latitude is between -90 and 90 degrees."),
            MaxValueValidator(90, "A latitude is between -90 and 90 degrees."),
        ],
        help_text="Degrees north (negative: south), such as 31.149; optional, for the map link.",
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(-180, "A longitude is between -180 and 180 degrees."),
            MaxValueValidator(180, "A longitude is between -180 and 180 degrees."),
        ],
        help_text="Degrees east (negative: west), such as -81.491; optional, for the map link.",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("number"), FieldPanel("street")],
            heading="Street",
        ),
        MultiFieldPanel(
            [
                FieldPanel("city"),
                FieldPanel("state"),
                FieldPanel("zip_code"),
                FieldPanel("country_iso_code"),
            ],
            heading="City, state and country",
        ),
        MultiFieldPanel(
            [FieldPanel("latitude"), FieldPanel("longitude")],
            heading="Location on the map (optional)",
        ),
    ]

    class Meta:
        """Plural fixed: the old site's admin said "Addresss"."""

        verbose_name = "address"
        verbose_name_plural = "addresses"
        ordering = ["state", "city", "street", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=9999),
                name="address_number_1_to_9999",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="address_coordinates_both_and_in_range",
            ),
        ]

    def __str__(self) -> str:
        """Return the address as the old site showed it: "number street"."""
        return f"{self.number} {self.street}"

    @property
    def city_line(self) -> str:
        """Return the second line of the address: "city, state zip"."""
        return f"{self.city}, {self.state} {self.zip_code}"

    def clean_fields(self, exclude=None) -> None:
        """Upper-case the state and country codes and trim names before the field rules check them."""
        self.state = (self.state or "").strip().upper()
        self.country_iso_code = (self.country_iso_code or "").strip().upper()
        self.street = (self.street or "").strip()
        self.city = (self.city or "").strip()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        """Refuse one coordinate without the other: a map link needs both."""
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: "Give both the latitude and the longitude, or neither."})

    @property
    def has_coordinates(self) -> bool:
        """Tell whether the address has a place on the map."""
        return self.latitude is not None and self.longitude is not None


class Amenity(models.Model):
    """Something a home offers (a hot tub, Wi-Fi, parking), with its icon; editors choose them per letting."""

    name = models.CharField(
        max_length=60,
        unique=True,
        error_messages={"unique": "An amenity with this name exists already."},
        help_text="As visitors read it, such as “Hot tub”.",
    )
    icon = models.CharField(max_length=20, choices=AMENITY_ICONS, default="check")

    panels = [FieldPanel("name"), FieldPanel("icon")]

    class Meta:
        verbose_name = "amenity"
        verbose_name_plural = "amenities"
        ordering = ["name"]

    def __str__(self) -> str:
        """Return the amenity's name."""
        return self.name

    @property
    def letting_count(self) -> int:
        """Return how many lettings offer the amenity (as published)."""
        return self.lettings.count()

    def clean_fields(self, exclude=None) -> None:
        """Trim the name before the field rules check it."""
        self.name = (self.name or "").strip()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        """Refuse a name that differs from another amenity's only in capitals ("wi-fi" beside "Wi-Fi")."""
        super().clean()
        if Amenity.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists():
            raise ValidationError({"name": "An amenity with this name exists already."})


class LettingIndexPage(KnownRestrictionsMixin, MainPageMixin, RoutablePageMixin, Page):
    """The one lettings listing (``/lettings/``): filterable, paginated; also answers old-site links."""

    intro = RichTextField(blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["lettings.LettingPage"]
    max_count = 1
    per_page = 12

    class Meta:
        verbose_name = "lettings index"

    def lettings(self):
        """Return the live lettings under this page that anonymous visitors may open, with their addresses."""
        return LettingPage.objects.live().public().descendant_of(self).select_related("address")

    def get_context(self, request, *args, **kwargs):
        """Add the filter form, its active filters and the current page of lettings to the template context."""
        context = super().get_context(request, *args, **kwargs)
        amenity_choices = per_generation(request, "amenity-choices", self.amenity_choices)
        form = LettingFilterForm(request.GET, amenity_choices=amenity_choices)
        lettings = self.lettings()
        if form.is_valid():
            lettings = form.filter(lettings)
        context["filter_form"] = form
        context["filter_query"] = form.query_string()
        context["filter_chips"] = form.chips() if form.is_valid() else []
        context["filtered"] = bool(context["filter_chips"])
        context["lettings"] = keyset_page(
            lettings,
            request.GET,
            order_field=form.order_field,
            per_page=self.per_page,
            base_query=context["filter_query"],
        )
        # A filtered page that lists nothing is served but not stored: made-up cities and price
        # ranges would otherwise each store their own "no lettings" page.
        if form.is_valid() and (context["lettings"] or not form.canonical_params()):
            declare_query(request, {**form.canonical_params(), **context["lettings"].cursor})
        else:
            declare_uncacheable(request)
        return context

    @staticmethod
    def amenity_choices() -> list[tuple[int, str]]:
        """Return every amenity as ``(id, name)``, in name order, for the filter form."""
        return list(Amenity.objects.values_list("pk", "name"))

    @path("<dbid:legacy_id>/", name="legacy_letting")
    def legacy_letting(self, request, legacy_id: int):
        """Send an old-site link ``/lettings/<old id>/`` permanently to the letting's page."""
        # public(): the redirect's target would name a letting that only some may see.
        letting = LettingPage.objects.live().public().descendant_of(self).filter(legacy_id=legacy_id).first()
        if letting is None:
            logger.info("No live letting has the old-site id %s", legacy_id)
            raise Http404("No letting has this old-site id.")
        return redirect(letting.get_url(request), permanent=True)


class LettingPage(KnownRestrictionsMixin, Page):
    """One letting: title, its address, a summary, a rich-text body and a photo gallery."""

    address = models.OneToOneField(
        Address,
        # A copied page starts without an address: the copy cannot share its source's address.
        null=True,
        blank=False,
        on_delete=models.PROTECT,
        related_name="letting",
        error_messages={"unique": "This address already belongs to another letting."},
    )
    summary = models.TextField(
        max_length=500,
        blank=True,
        help_text="One or two sentences shown on listings and in search results.",
    )
    body = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    legacy_id = models.PositiveIntegerField(
        "old-site id",
        null=True,
        blank=True,
        unique=True,
        help_text="The id this letting had on the old site; /lettings/<id>/ redirects here.",
        error_messages={"unique": "Another letting already has this old-site id."},
    )

    # The facts a visitor chooses by. Every one is optional: lettings from the old site have none.
    property_type = models.CharField(max_length=20, choices=PROPERTY_TYPES, blank=True)
    sleeps = models.PositiveSmallIntegerField(
        "sleeps (guests)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "A home sleeps at least 1 guest."), MaxValueValidator(50, TOO_MANY)],
    )
    bedrooms = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(50, TOO_MANY)], help_text="0 for a studio."
    )
    beds = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "A home has at least 1 bed."), MaxValueValidator(100, TOO_MANY)],
    )
    bathrooms = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, "The number of bathrooms cannot be negative."),
            MaxValueValidator(50, TOO_MANY),
            half_steps,
        ],
        help_text="Halves allowed: 1.5 is a full bathroom and a half bathroom (a toilet and a basin).",
    )
    floor_area = models.PositiveIntegerField(
        "floor area (sq ft)",
        null=True,
        blank=True,
        validators=[MinValueValidator(50, "A floor area is at least 50 sq ft."), MaxValueValidator(100_000, TOO_MANY)],
    )
    price_per_night = models.DecimalField(
        "price per night (USD)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "A price per night is at least $1 (leave it empty for “price on request”)."),
            MaxValueValidator(100_000, TOO_MANY),
        ],
        help_text="From this price; leave empty and visitors read “price on request”.",
    )
    minimum_nights = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "The minimum stay is at least 1 night."), MaxValueValidator(365, TOO_MANY)],
    )
    check_in_time = models.TimeField("check-in from", null=True, blank=True, help_text="Such as 16:00.")
    check_out_time = models.TimeField("check-out by", null=True, blank=True, help_text="Such as 10:00.")
    pets_allowed = models.BooleanField(
        null=True, blank=True, choices=[(True, "Yes"), (False, "No")], help_text="Leave unset when unknown."
    )
    amenities = ParentalManyToManyField(Amenity, blank=True, related_name="lettings")
    house_rules = RichTextField(blank=True, features=["bold", "italic", "ul", "ol", "link"])
    # Sort keys of the listing's price sorts, kept by the database. A "price on request" letting
    # sorts last both ways, and a key that is never empty lets keyset pagination compare rows.
    price_low_first = models.GeneratedField(
        expression=Coalesce("price_per_night", Value(PRICE_ON_REQUEST_SORT_KEY)),
        output_field=models.DecimalField(max_digits=9, decimal_places=2),
        db_persist=True,
    )
    price_high_first = models.GeneratedField(
        expression=Coalesce(-F("price_per_night"), Value(PRICE_ON_REQUEST_SORT_KEY)),
        output_field=models.DecimalField(max_digits=9, decimal_places=2),
        db_persist=True,
    )

    FACT_FIELDS = (
        "property_type",
        "sleeps",
        "bedrooms",
        "beds",
        "bathrooms",
        "floor_area",
        "price_per_night",
        "minimum_nights",
        "check_in_time",
        "check_out_time",
        "pets_allowed",
        "amenities",
        "house_rules",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("address"),
        MultiFieldPanel([FieldPanel("summary"), FieldPanel("body")], heading="Description"),
        InlinePanel("gallery_images", heading="Photos", label="Photo"),
    ]
    facts_panels = [
        MultiFieldPanel(
            [
                FieldPanel("property_type"),
                FieldRowPanel([FieldPanel("sleeps"), FieldPanel("bedrooms"), FieldPanel("beds")]),
                FieldRowPanel([FieldPanel("bathrooms"), FieldPanel("floor_area")]),
            ],
            heading="The home",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("price_per_night"), FieldPanel("minimum_nights")]),
                FieldRowPanel([FieldPanel("check_in_time"), FieldPanel("check_out_time")]),
            ],
            heading="Price and stay",
        ),
        MultiFieldPanel(
            [
                FieldPanel("amenities", widget=forms.CheckboxSelectMultiple),
                FieldPanel("pets_allowed"),
                FieldPanel("house_rules"),
            ],
            heading="Amenities and house rules",
        ),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel([FieldPanel("legacy_id")], heading="Old site"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(facts_panels, heading="Facts"),
            ObjectList(promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.RelatedFields(
            "address",
            [
                index.SearchField("street"),
                index.SearchField("city"),
                index.SearchField("state"),
                index.SearchField("zip_code"),
            ],
        ),
    ]

    parent_page_types = ["lettings.LettingIndexPage"]
    subpage_types = []
    exclude_fields_in_copy = ["address", "legacy_id"]

    class Meta:
        verbose_name = "letting"
        verbose_name_plural = "lettings"
        # The listing's price sorts walk these in order and stop after one page (keyset pagination).
        indexes = [
            models.Index(fields=["price_low_first", "page_ptr"], name="letting_price_low_first"),
            models.Index(fields=["price_high_first", "page_ptr"], name="letting_price_high_first"),
        ]

    def clean(self) -> None:
        """Refuse all-digit slugs, facts that contradict each other, and an address another letting's revision names.

        Slugs of digits are kept for old-site links (``/lettings/<old id>/``).
        """
        super().clean()
        if self.slug and self.slug.isdigit():
            raise ValidationError({"slug": NUMERIC_SLUG_MESSAGE})
        self.check_facts()
        if self.address_id is None:
            return
        # An address another page holds gets the database's own "already belongs" message instead.
        held = LettingPage.objects.exclude(pk=self.pk).filter(address_id=self.address_id).exists()
        if not held and (other := self.letting_whose_revision_names(self.address_id)):
            raise ValidationError(
                {
                    "address": f"This address is named by a draft or scheduled version of the letting “{other.title}”: "
                    "choose another address, or change that letting first."
                }
            )

    def check_facts(self) -> None:
        """Raise a ``ValidationError`` naming each fact that contradicts another (where both are set)."""
        errors = {}
        if self.beds is not None and self.bedrooms is not None and self.beds < self.bedrooms:
            errors["beds"] = f"A home with {self.bedrooms} bedrooms has at least {self.bedrooms} beds."
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def revisions_in_play():
        """Return the letting revisions that can still become a page: each letting's latest, and scheduled ones."""
        latest = LettingPage.objects.filter(latest_revision__isnull=False).values("latest_revision")
        return Revision.objects.filter(content_type=ContentType.objects.get_for_model(LettingPage)).filter(
            Q(pk__in=latest) | Q(approved_go_live_at__isnull=False)
        )

    def letting_whose_revision_names(self, address_id: int) -> "LettingPage | None":
        """Return another letting whose latest or scheduled revision names the address, if any.

        The database only keeps two live lettings from sharing an address; without this, a draft
        naming an address that another letting then takes could never be published (the
        moderator's approval, a bulk publish or ``publish_scheduled`` would fail on it).
        """
        revision = (
            LettingPage.revisions_in_play().exclude(object_id=str(self.pk)).filter(content__address=address_id).first()
        )
        return LettingPage.objects.filter(pk=revision.object_id).first() if revision else None

    @staticmethod
    def slug_is_free(slug: str, parent: Page | None, page: Page | None = None) -> bool:
        """Tell whether no other child of ``parent`` (than ``page``) has ``slug``."""
        if parent is None:
            return True
        siblings = parent.get_children().filter(slug=slug)
        return not (siblings.not_page(page) if page is not None and page.pk else siblings).exists()

    @classmethod
    def free_slug(cls, base: str, parent: Page | None, page: Page | None = None) -> str:
        """Return ``base``, or ``base-2``, ``base-3``, ... : the first slug no other child of ``parent`` has."""
        candidate, suffix = base, 1
        while not cls.slug_is_free(candidate, parent, page):
            suffix += 1
            candidate = f"{base}-{suffix}"
        return candidate

    @staticmethod
    def slug_from_title(title: str) -> str:
        """Return the slug a title gives: ``letting-<digits>`` for a title of digits (old-site links use those)."""
        base = slugify(title or "", allow_unicode=getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True))
        return f"letting-{base}" if base.isdigit() else base

    def prefix_a_numeric_slug(self) -> None:
        """Give a page whose title is only digits the slug ``letting-<digits>`` (then ``-2``, ``-3``, ...).

        Wagtail fills an empty slug from the title when the page is cleaned; a slug of digits would
        shadow an old-site link (``/lettings/<old id>/``), so it is chosen here first.
        """
        if self.slug:
            return
        base = self.slug_from_title(self.title)
        if base.startswith("letting-") and base.removeprefix("letting-").isdigit():
            self.slug = self.free_slug(base, self.get_parent() if self.path else None, self)

    def save(self, *args, **kwargs):
        """Give a live letting a first publication time when it has none (the "newest" sort orders by it).

        Wagtail sets it when a revision is published; a page saved live by code (an import, a
        factory) would otherwise have none and sort nowhere.
        """
        if self.live and self.first_published_at is None:
            self.first_published_at = timezone.now()
        return super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs) -> None:
        """Choose the slug of a digits-only title before Wagtail fills an empty slug, then validate."""
        self.prefix_a_numeric_slug()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self) -> None:
        """Choose the slug of a digits-only title before Wagtail fills an empty slug (drafts)."""
        self.prefix_a_numeric_slug()
        super().minimal_clean()

    @classmethod
    def from_serializable_data(cls, data, check_fks=True, strict_fks=False):
        """Load a revision; an address deleted since it was saved leaves the letting without one.

        Deleting an address that a revision names is refused, but an older database may hold such
        a revision. The editor then opens and asks for an address instead of failing (modelcluster
        cannot load a protected foreign key that points at a deleted row). Deleted amenities need no
        such care: modelcluster loads only those that still exist (pinned by ``test_facts``).
        """
        address_id = data.get("address")
        if check_fks and address_id is not None and not Address.objects.filter(pk=address_id).exists():
            logger.warning("A revision of letting %s names the deleted address %s", data.get("pk"), address_id)
            data = {**data, "address": None}
        return super().from_serializable_data(data, check_fks=check_fks, strict_fks=strict_fks)

    def get_context(self, request, *args, **kwargs):
        """Add the gallery (renditions prefetched), the amenities and the next months' calendar.

        The page shows this letting only: another letting's publish leaves it in the page cache.
        """
        declare_page_only(request)
        context = super().get_context(request, *args, **kwargs)
        context["gallery"] = self.gallery_images.select_related("image").prefetch_related("image__renditions")
        context["amenities"] = list(self.amenities.all())
        today = timezone.localdate()
        first, after_last = calendar.window(today, CALENDAR_MONTHS)
        periods = self.booked_periods.filter(start__lt=after_last, end__gt=first).only("start", "end", "letting_id")
        context["calendar"] = calendar.months(periods, today, CALENDAR_MONTHS)
        return context

    @property
    def size_facts(self) -> list[str]:
        """Return the size at a glance: "Sleeps 6", "3 bedrooms", "4 beds", "1.5 baths" (those that are set)."""
        facts = []
        if self.sleeps is not None:
            facts.append(f"Sleeps {self.sleeps}")
        if self.bedrooms == 0:
            facts.append("Studio")
        elif self.bedrooms is not None:
            facts.append(f"{self.bedrooms} bedroom{pluralize(self.bedrooms)}")
        if self.beds is not None:
            facts.append(f"{self.beds} bed{pluralize(self.beds)}")
        if self.bathrooms is not None:
            baths = f"{self.bathrooms.normalize():f}"
            facts.append(f"{baths} bath{pluralize(self.bathrooms)}")
        return facts

    @property
    def price_label(self) -> str:
        """Return "from $185 / night", or "Price on request" when no price is set."""
        if self.price_per_night is None:
            return "Price on request"
        price = self.price_per_night
        amount = f"{price:,.0f}" if price == price.to_integral_value() else f"{price:,.2f}"
        return f"from ${amount} / night"

    @property
    def availability_feed_path(self) -> str:
        """Return the path of the letting's availability feed (iCalendar), for other calendars to subscribe to."""
        return reverse("letting_availability_feed", args=[self.pk])

    @property
    def map_url(self) -> str | None:
        """Return the address's place on OpenStreetMap (a plain link: the page loads nothing from there)."""
        address = self.address
        if address is None or not address.has_coordinates:
            return None
        lat, lon = f"{address.latitude:f}", f"{address.longitude:f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=15/{lat}/{lon}"

    @property
    def card_image(self):
        """Return the first gallery item (for listing cards), or None; uses the prefetched gallery."""
        items = list(self.gallery_images.all())
        return items[0] if items else None


class LettingPageGalleryImage(Orderable):
    """One photo of a letting, in the order the editor chose, with its own alt text."""

    page = ParentalKey(LettingPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt_text = models.CharField(
        max_length=255,
        help_text="Describe the photo for people who cannot see it, such as 'Living room with a fireplace'.",
    )
    caption = models.CharField(max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = "photo"
        verbose_name_plural = "photos"


def validate_feed_address(value: str) -> None:
    """Refuse a feed address that may not be fetched as written (:func:`core.outbound.parse`)."""
    try:
        outbound.parse(value)
    except outbound.AddressRefusedError as error:
        raise ValidationError(str(error), code="invalid") from error


class CalendarFeed(models.Model):
    """Another channel's iCalendar feed of one letting (Airbnb, Vrbo, ...): ``sync_calendars`` imports its periods.

    Each run replaces the periods this feed brought last time with what the feed says now, in one
    transaction; a feed that cannot be fetched or read changes nothing, and says why in ``last_error``.
    """

    letting = models.ForeignKey(LettingPage, on_delete=models.CASCADE, related_name="calendar_feeds")
    source = models.CharField(max_length=20, choices=[choice for choice in BOOKING_SOURCES if choice[0] != "manual"])
    url = models.CharField(
        "feed address",
        max_length=500,
        validators=[validate_feed_address],
        help_text="The channel's export link for this home's calendar (iCal, .ics): https:// or webcal://.",
    )
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    imported_periods = models.PositiveIntegerField(null=True, blank=True, editable=False)

    panels = [FieldPanel("letting"), FieldPanel("source"), FieldPanel("url")]

    class Meta:
        verbose_name = "calendar feed"
        verbose_name_plural = "calendar feeds"
        ordering = ["letting", "source"]
        constraints = [models.UniqueConstraint(fields=["letting", "url"], name="calendar_feed_once_per_letting")]

    def __str__(self) -> str:
        """Return "<letting> from <source>"."""
        return f"{self.letting} from {self.get_source_display()}"

    def clean(self) -> None:
        """Store the address as it is fetched (``webcal://`` as ``https://``); refuse one whose host may not be reached.

        The same check as every import (:mod:`core.outbound`): the host is looked up and each of its
        addresses must be allowed, so an editor learns at once that an address points inside.
        """
        super().clean()
        try:
            address = outbound.parse(self.url or "")
        except outbound.AddressRefusedError:
            return  # the field's validator has said why
        if len(address.url) > self._meta.get_field("url").max_length:  # %-escapes make it longer than typed
            raise ValidationError({"url": "This address is too long once written as it is fetched."})
        self.url = address.url
        try:
            outbound.resolve(address)
        except outbound.AddressRefusedError as error:
            raise ValidationError({"url": str(error)}) from error

    @property
    def status(self) -> str:
        """Return the last run's outcome as an editor reads it."""
        if self.last_checked_at is None:
            return "Not imported yet"
        if self.last_success_at != self.last_checked_at:
            return f"Failed, nothing changed: {self.last_error}"
        imported = f"{self.imported_periods} period{pluralize(self.imported_periods)} imported"
        return f"{imported}. {self.last_error}" if self.last_error else imported


class BookedPeriod(models.Model):
    """Nights a letting is not free: booked by a guest or blocked by the owner, here or on another channel.

    A period covers the nights from ``start`` up to the day before ``end``: ``end`` is the day the
    guests leave, which the next guests may arrive on. Two periods of one letting never share a
    night: :meth:`clean` says which period is in the way, and on PostgreSQL an exclusion constraint
    (migration 0008) holds even against two editors saving at the same moment.
    """

    letting = models.ForeignKey(LettingPage, on_delete=models.CASCADE, related_name="booked_periods")
    start = models.DateField("arrival", help_text="The first night that is not free.")
    end = models.DateField("departure", help_text="The day the stay ends: that night is free again.")
    source = models.CharField(
        max_length=20,
        choices=BOOKING_SOURCES,
        default="manual",
        help_text="Where the period comes from: entered here, or imported from another channel's calendar.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="For the team only; never shown to visitors.")
    feed = models.ForeignKey(
        CalendarFeed,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="periods",
        help_text="The feed that imported the period; the next import replaces it.",
    )

    panels = [
        FieldPanel("letting"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("source"),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = "booked period"
        verbose_name_plural = "booked periods"
        ordering = ["letting", "start"]
        indexes = [models.Index(fields=["letting", "start", "end"], name="booked_letting_dates")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="booked_period_ends_after_start")
        ]

    def __str__(self) -> str:
        """Return the period as "arrival to departure"."""
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"

    @property
    def nights(self) -> int:
        """Return how many nights the period covers."""
        return (self.end - self.start).days

    def overlapping(self):
        """Return the letting's other periods that share a night with this one."""
        return BookedPeriod.objects.filter(letting_id=self.letting_id, start__lt=self.end, end__gt=self.start).exclude(
            pk=self.pk
        )

    def clean(self) -> None:
        """Refuse a period that ends before it starts, or that shares a night with another of the letting's."""
        super().clean()
        if self.start is None or self.end is None:
            return
        if self.end <= self.start:
            raise ValidationError({"end": "The departure must be at least one day after the arrival."})
        if self.letting_id is not None and (clash := self.overlapping().first()):
            raise ValidationError(
                {
                    "start": f"These nights overlap the period {clash} ({clash.get_source_display()}) "
                    "of this letting: change or delete that one first."
                }
            )
