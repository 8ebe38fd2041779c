"""Addresses, the lettings index page and letting pages.

An :class:`Address` is a snippet that editors manage on its own; a :class:`LettingPage` lives under
the one :class:`LettingIndexPage` and points at exactly one address, and an address belongs to at
most one letting (a one-to-one link, enforced by the database).
"""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils.text import slugify
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, Revision
from wagtail.search import index

from core.main_pages import MainPageMixin
from core.pagination import keyset_page
from pagecache.cache import declare_query, declare_uncacheable

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


class LettingIndexPage(MainPageMixin, RoutablePageMixin, Page):
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
        """Add the filter form and the current page of lettings to the template context."""
        context = super().get_context(request, *args, **kwargs)
        form = LettingFilterForm(request.GET)
        lettings = self.lettings()
        if form.is_valid():
            lettings = form.filter(lettings)
        context["filter_form"] = form
        context["filter_query"] = form.query_string()
        context["lettings"] = keyset_page(
            lettings, request.GET, order_field="title", per_page=self.per_page, base_query=context["filter_query"]
        )
        if form.is_valid():
            declare_query(request, {**form.cleaned_data, **context["lettings"].cursor})
        else:
            declare_uncacheable(request)
        return context

    @path("<int:legacy_id>/", name="legacy_letting")
    def legacy_letting(self, request, legacy_id: int):
        """Send an old-site link ``/lettings/<old id>/`` permanently to the letting's page."""
        letting = LettingPage.objects.live().descendant_of(self).filter(legacy_id=legacy_id).first()
        if letting is None:
            logger.info("No live letting has the old-site id %s", legacy_id)
            raise Http404("No letting has this old-site id.")
        return redirect(letting.get_url(request), permanent=True)


class LettingPage(Page):
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

    content_panels = [
        *Page.content_panels,
        FieldPanel("address"),
        MultiFieldPanel([FieldPanel("summary"), FieldPanel("body")], heading="Description"),
        InlinePanel("gallery_images", heading="Photos", label="Photo"),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel([FieldPanel("legacy_id")], heading="Old site"),
    ]
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

    def clean(self) -> None:
        """Refuse all-digit slugs (kept for old-site links) and an address another letting's revision names."""
        super().clean()
        if self.slug and self.slug.isdigit():
            raise ValidationError({"slug": NUMERIC_SLUG_MESSAGE})
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
        cannot load a protected foreign key that points at a deleted row).
        """
        address_id = data.get("address")
        if check_fks and address_id is not None and not Address.objects.filter(pk=address_id).exists():
            logger.warning("A revision of letting %s names the deleted address %s", data.get("pk"), address_id)
            data = {**data, "address": None}
        return super().from_serializable_data(data, check_fks=check_fks, strict_fks=strict_fks)

    def get_context(self, request, *args, **kwargs):
        """Add the ordered gallery, with renditions prefetched, to the template context."""
        context = super().get_context(request, *args, **kwargs)
        context["gallery"] = self.gallery_images.select_related("image").prefetch_related("image__renditions")
        return context

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
