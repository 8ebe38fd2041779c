"""Raw CRUD on addresses and lettings in the Django admin (``/admin/``), for the superuser.

A letting is a Wagtail page, so creating one here puts it in the page tree under the lettings
index (with a revision, published only when "Published" is ticked: it starts unticked) and deleting
one removes it from the tree cleanly; ``manage.py fixtree`` finds nothing to repair afterwards.

The change form edits the letting as it is live (its row), not an editor's newer draft: it says that
such a draft exists and refuses to save over it unless the superuser ticks "Replace the newer draft",
and refuses a form opened before another revision was saved (``core.page_admin``).

Addresses and images that a letting still uses (in its page, its latest draft or a scheduled
revision) cannot be deleted here either: the delete page lists them as protected, as Django does for
the live letting of an address.
"""

import logging

# Wagtail registers its Image model in this admin; import that first, so it can be replaced below.
import wagtail.images.admin  # noqa: F401
from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from wagtail.images import get_image_model

from core.page_admin import DraftAwarePageAdmin, DraftAwarePageAdminForm, replace_drafts_with

from .models import (
    NUMERIC_SLUG_MESSAGE,
    Address,
    Amenity,
    BookedPeriod,
    CalendarFeed,
    LettingIndexPage,
    LettingPage,
)
from .usage import IN_PAGE, address_uses, image_uses, where

logger = logging.getLogger(__name__)


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """Addresses with their letting, searchable by street, city and ZIP code."""

    list_display = ("__str__", "city", "state", "zip_code", "country_iso_code", "letting", "latitude", "longitude")
    list_filter = ("state", "country_iso_code")
    search_fields = ("street", "city", "zip_code")
    list_select_related = ("letting",)
    ordering = ("state", "city", "street", "number")

    def get_deleted_objects(self, objs, request):
        """Also protect the addresses that a letting's latest draft or a scheduled revision names."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The letting whose page names an address is already protected by the foreign key (PROTECT).
        drafts = [capfirst(where(letting, how)) for obj in objs for letting, how in address_uses(obj) if how != IN_PAGE]
        return deleted, model_count, perms_needed, [*protected, *drafts]


@admin.register(Amenity)
class AmenityAdmin(admin.ModelAdmin):
    """Amenities as raw records: name and icon."""

    list_display = ("name", "icon")
    list_filter = ("icon",)
    search_fields = ("name",)


@admin.register(BookedPeriod)
class BookedPeriodAdmin(admin.ModelAdmin):
    """Booked and blocked periods as raw records, checked like in the Wagtail admin (no overlap)."""

    list_display = ("letting", "start", "end", "nights", "source", "note")
    list_filter = ("source",)
    search_fields = ("letting__title", "note")
    list_select_related = ("letting",)
    date_hierarchy = "start"
    raw_id_fields = ("letting",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Calendar feeds as raw records, with the outcome of their last import."""

    list_display = ("letting", "source", "url", "status", "last_checked_at")
    list_filter = ("source",)
    search_fields = ("letting__title", "url")
    readonly_fields = ("last_checked_at", "last_success_at", "last_error", "imported_periods")
    raw_id_fields = ("letting",)


class ImageAdmin(admin.ModelAdmin):
    """Wagtail's images as Wagtail registers them, refusing to delete one that a letting's photos use."""

    def get_deleted_objects(self, objs, request):
        """Protect the images in a letting's photo gallery (page, latest draft or scheduled revision)."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        uses = [f"{capfirst(where(letting, how))} (photos)" for obj in objs for letting, how in image_uses(obj)]
        return deleted, model_count, perms_needed, [*protected, *uses]


# Replace Wagtail's plain registration (it registers only its own Image model, not a custom one).
if admin.site.is_registered(get_image_model()):
    admin.site.unregister(get_image_model())
    admin.site.register(get_image_model(), ImageAdmin)


class LettingAdminForm(DraftAwarePageAdminForm):
    """The letting form of the Django admin: plain text areas, a slug checked against the tree, drafts kept.

    "Published" starts unticked for a new letting: publishing here skips the moderation editors go
    through, so it is a choice, never a default.
    """

    publish = forms.BooleanField(
        required=False,
        initial=False,
        label="Published",
        help_text="Shown on the public site. Unticked, the letting is saved as a draft, not shown.",
    )

    class Meta:
        """Only the letting's own fields: the page tree fields are managed by Wagtail."""

        model = LettingPage
        fields = (
            "title",
            "slug",
            "address",
            "summary",
            "body",
            "legacy_id",
            *LettingPage.FACT_FIELDS,
        )
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "house_rules": forms.Textarea(attrs={"rows": 4}),
            "amenities": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "slug": "Leave empty to make one from the title.",
            "body": "Rich text as Wagtail stores it (HTML); editors normally change it in the Wagtail admin.",
        }

    def __init__(self, *args, **kwargs):
        """Make the slug optional (an empty slug is made from the title); show the page's live state."""
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk:
            self.initial["publish"] = self.instance.live

    def clean(self):
        """Check that the lettings index exists and that the slug is free and not only digits."""
        cleaned_data = super().clean()
        index = LettingIndexPage.objects.first()
        if index is None:
            raise forms.ValidationError("There is no lettings index page yet: create it in the Wagtail admin first.")
        self.lettings_index = index
        slug = cleaned_data.get("slug")
        if not slug:  # made from the title, as Wagtail does: the first free one
            slug = LettingPage.slug_from_title(cleaned_data.get("title"))
            if not slug:
                if cleaned_data.get("title"):
                    self.add_error("slug", "The title gives no slug (it has no letter or digit): enter one.")
                return cleaned_data
            slug = LettingPage.free_slug(slug, index, self.instance)
        if slug.isdigit():
            self.add_error("slug", NUMERIC_SLUG_MESSAGE)
        elif not LettingPage.slug_is_free(slug, index, self.instance):
            self.add_error("slug", f"The slug “{slug}” is already used by another letting.")
        else:
            cleaned_data["slug"] = slug
            self.instance.slug = slug
        return cleaned_data


@admin.register(LettingPage)
class LettingPageAdmin(DraftAwarePageAdmin, admin.ModelAdmin):
    """Lettings as raw records; saving keeps the Wagtail page tree and revisions consistent."""

    form = LettingAdminForm
    list_display = ("title", "address", "city", "state", "live", "legacy_id")
    list_filter = ("live", "address__state")
    search_fields = ("title", "address__street", "address__city", "address__zip_code", "summary")
    list_select_related = ("address",)
    ordering = ("title",)

    @admin.display(ordering="address__city")
    def city(self, letting: LettingPage) -> str:
        """Return the letting's city."""
        return letting.address.city if letting.address else ""

    @admin.display(ordering="address__state")
    def state(self, letting: LettingPage) -> str:
        """Return the letting's state code."""
        return letting.address.state if letting.address else ""

    def save_model(self, request, obj, form, change):
        """Add a new letting under the lettings index, then save a revision and publish or unpublish it.

        A change replaces what the form refused to replace unless confirmed (``DraftAwarePageAdminForm``):
        a schedule or a moderation request of an older revision ends with it.
        """
        publish = form.cleaned_data["publish"]
        was_live = change and obj.live
        # A page's many-to-many (amenities) is kept with the page and its revisions: set it before saving,
        # since Django's admin would only set it after save_model, past the revision and the publishing.
        obj.amenities = form.cleaned_data.get("amenities", [])
        if change:
            obj.save()
        else:
            obj.live = False
            form.lettings_index.add_child(instance=obj)
        revision = obj.save_revision(user=request.user, log_action=True)
        if change:
            replace_drafts_with(obj, revision, request.user)
        if publish:
            revision.publish(user=request.user)
        elif was_live:
            obj.unpublish(user=request.user)
        logger.info(
            "Django admin: %s %s letting %r (id %s), live=%s",
            request.user.get_username(),
            "changed" if change else "added",
            obj.title,
            obj.pk,
            publish,
        )

    def delete_model(self, request, obj):
        """Delete the letting's page through Wagtail, which keeps the tree consistent."""
        logger.info("Django admin: %s deleted letting %r (id %s)", request.user.get_username(), obj.title, obj.pk)
        obj.delete()

    def delete_queryset(self, request, queryset):
        """Delete the selected lettings one by one, so each leaves the tree cleanly."""
        for letting in queryset:
            self.delete_model(request, letting)
