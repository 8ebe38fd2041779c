"""Wagtail admin registration: addresses as a snippet with list columns, search, filters and export.

Deleting never breaks a letting: an address or a photo stays while a letting still names it, in its
page (what is live, or what an unpublished letting holds), in its latest revision (a draft, or a
revision waiting in moderation) or in a revision scheduled for publishing. Every way of deleting one
in ``/cms/`` (the delete view, the bulk action, the multiple-upload page for images) refuses and says
which letting uses it; ``lettings/admin.py`` does the same in the Django admin.
"""

from django.contrib import messages
from django.db import IntegrityError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.images import get_image_model
from wagtail.images.views.images import DeleteView as ImageDeleteView
from wagtail.images.views.multiple import DeleteView as ImageMultipleDeleteView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import OVERLAP_CONSTRAINT, Address, Amenity, BookedPeriod, CalendarFeed, LettingPage
from .usage import IN_LATEST_REVISION, IN_PAGE, IN_SCHEDULED_REVISION, address_uses, image_uses, where

ADDRESS_HINTS = {
    IN_PAGE: "Give that letting another address, or delete the letting, before deleting this address.",
    IN_LATEST_REVISION: "Give that draft another address, or delete the letting, before deleting this address.",
    IN_SCHEDULED_REVISION: "Cancel that scheduled publishing, or delete the letting, before deleting this address.",
}
IMAGE_HINTS = {
    IN_PAGE: "Remove it from that letting's photos and publish the letting before deleting it.",
    IN_LATEST_REVISION: "Remove it from that draft's photos before deleting it.",
    IN_SCHEDULED_REVISION: "Cancel that scheduled publishing before deleting it.",
}


def address_refusals(addresses) -> list[str]:
    """Return one sentence for each use of each address in ``addresses``; empty when all may be deleted."""
    return [
        f"“{address}” is the address {'of' if how == IN_PAGE else 'in'} {where(letting, how)}. {ADDRESS_HINTS[how]}"
        for address in addresses
        for letting, how in address_uses(address)
    ]


def image_refusals(images) -> list[str]:
    """Return one sentence for each use of each image in ``images``; empty when all may be deleted."""
    return [
        f"“{image.title}” is used by {where(letting, how)}. {IMAGE_HINTS[how]}"
        for image in images
        for letting, how in image_uses(image)
    ]


def _refuse(request, refusals: list[str], count: int, fallback_url: str):
    """Show why nothing was deleted and go back to ``next`` (or ``fallback_url``)."""
    prefix = "Nothing was deleted. " if count > 1 else ""
    messages.error(request, prefix + " ".join(refusals))
    return redirect(get_valid_next_url_from_request(request) or fallback_url)


@hooks.register("before_delete_snippet")
def refuse_deleting_addresses_in_use(request, instances):
    """Refuse the single and the bulk delete of addresses that a letting (or its draft) still names.

    The hook runs before the confirmation page too, so an address in use never offers "Yes, delete".
    A bulk delete including one address in use deletes none of the selected addresses.
    """
    addresses = [instance for instance in instances if isinstance(instance, Address)]
    if refusals := address_refusals(addresses):
        return _refuse(request, refusals, len(addresses), reverse("wagtailsnippets_lettings_address:list"))
    return None


@hooks.register("before_delete_snippet")
def warn_before_deleting_amenities_in_use(request, instances):
    """Say on the confirmation page how many lettings offer each amenity that is about to be deleted.

    Wagtail's own count ("referenced 0 times") does not see a letting's ticked amenities. Deleting
    stays allowed (it is how an editor withdraws an amenity everywhere), but never unknowingly.
    """
    if request.method != "GET":
        return None
    for amenity in instances:
        if isinstance(amenity, Amenity) and (count := amenity.letting_count):
            messages.warning(
                request,
                f"“{amenity}” is offered by {count} letting{'s' if count != 1 else ''}: deleting it "
                "removes it from them at once, published pages included.",
            )
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_images_in_use(request, action_type, objects, action_class_instance):
    """Refuse the bulk delete of images when one of them is in a letting's gallery; none is deleted then."""
    if action_type != "delete" or action_class_instance.model is not get_image_model():
        return None
    if refusals := image_refusals(objects):
        return _refuse(request, refusals, len(objects), reverse("wagtailimages:index"))
    return None


class GalleryAwareImageDeleteView(ImageDeleteView):
    """Wagtail's image delete view, refusing (before the confirmation page too) an image in a gallery."""

    def run_before_hook(self):
        """Send the user back to the image with the reason when a letting uses it."""
        if refusals := image_refusals([self.object]):
            return _refuse(self.request, refusals, 1, reverse("wagtailimages:edit", args=[self.object.pk]))
        return super().run_before_hook()


class GalleryAwareImageMultipleDeleteView(ImageMultipleDeleteView):
    """The multiple-upload page's delete (JSON), refusing with 409 an image in a gallery."""

    def post(self, request, *args, **kwargs):
        """Answer ``success: false`` with the reason when a letting uses the image (to users who may delete it)."""
        image = get_object_or_404(get_image_model(), pk=kwargs[self.pk_url_kwarg])
        may_delete = self.permission_policy.user_has_permission_for_instance(request.user, "delete", image)
        if may_delete and (refusals := image_refusals([image])):
            return JsonResponse(
                {"success": False, "image_id": image.pk, "error_message": " ".join(refusals)}, status=409
            )
        return super().post(request, *args, **kwargs)


@hooks.register("register_admin_urls", order=-1)
def register_image_delete_urls():
    """Serve Wagtail's two image delete URLs with the views above (registered before Wagtail's own)."""
    return [
        path("images/<int:image_id>/delete/", GalleryAwareImageDeleteView.as_view(), name="lettings_image_delete"),
        path(
            "images/multiple/<int:image_id>/delete/",
            GalleryAwareImageMultipleDeleteView.as_view(),
            name="lettings_image_delete_multiple",
        ),
    ]


class AddressViewSet(SnippetViewSet):
    """Addresses in ``/cms/snippets/``: searchable, filterable by state and city, exportable."""

    # Wagtail's copy view saves a POST over the address it copies; "Add" is the way to a new one.
    copy_view_enabled = False
    model = Address
    icon = "home"
    menu_label = "Addresses"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["__str__", "city", "state", "zip_code", "country_iso_code", "letting"]
    list_export = ["number", "street", "city", "state", "zip_code", "country_iso_code", "latitude", "longitude"]
    export_filename = "addresses"
    list_filter = {"state": ["exact"], "city": ["icontains"]}
    search_fields = ["street", "city", "zip_code"]
    search_backend_name = None
    ordering = ["state", "city", "street", "number"]


register_snippet(AddressViewSet)


class AmenityViewSet(SnippetViewSet):
    """Amenities in ``/cms/snippets/``: a name and an icon each; editors tick them on a letting's Facts tab."""

    model = Amenity
    icon = "tick-inverse"
    menu_label = "Amenities"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "icon", "letting_count"]
    list_export = ["name", "icon"]
    export_filename = "amenities"
    list_filter = {"icon": ["exact"]}
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["name"]


register_snippet(AmenityViewSet)


class RefuseARacingOverlap:
    """Turn the database's refusal of overlapping periods into the form's error, never a 500.

    Validation already names the period in the way; this covers two editors (or an editor and
    ``sync_calendars``) saving overlapping nights at the same moment, where each validation ran
    before the other's row existed and PostgreSQL's exclusion constraint refuses the second.
    """

    def form_valid(self, form):
        """Save as usual; when the overlap constraint refuses the row, show the form again with the reason."""
        try:
            return super().form_valid(form)
        except IntegrityError as error:
            if OVERLAP_CONSTRAINT not in str(error):
                raise
            form.add_error(
                "start",
                "Another period of this letting was saved for some of these nights a moment ago: "
                "check the letting's booked periods, then change these dates.",
            )
            self.produced_error_message = self.get_error_message()  # what Wagtail sets when validation fails
            return self.form_invalid(form)


class BookedPeriodCreateView(RefuseARacingOverlap, snippet_views.CreateView):
    """Add a booked period; a racing overlap is a form error."""


class BookedPeriodEditView(RefuseARacingOverlap, snippet_views.EditView):
    """Edit a booked period; a racing overlap is a form error."""


class BookedPeriodViewSet(SnippetViewSet):
    """Booked and blocked periods in ``/cms/snippets/``: by letting and source, searchable, exportable."""

    model = BookedPeriod
    icon = "date"
    menu_label = "Booked periods"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["letting", "start", "end", "nights", "source", "note"]
    list_export = ["letting", "start", "end", "nights", "source", "note"]
    export_filename = "booked-periods"
    list_filter = {"source": ["exact"], "start": ["gte"], "end": ["lte"]}
    search_fields = ["letting__title", "note"]
    search_backend_name = None
    ordering = ["start"]
    add_view_class = BookedPeriodCreateView
    edit_view_class = BookedPeriodEditView


register_snippet(BookedPeriodViewSet)


class CalendarFeedViewSet(SnippetViewSet):
    """Other channels' calendar feeds in ``/cms/snippets/``, with how the last import went."""

    model = CalendarFeed
    icon = "calendar-alt"
    menu_label = "Calendar feeds"
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["letting", "source", "url", "status", "last_checked_at"]
    list_export = ["letting", "source", "url", "status", "last_checked_at", "last_success_at"]
    export_filename = "calendar-feeds"
    list_filter = {"source": ["exact"]}
    search_fields = ["letting__title", "url"]
    search_backend_name = None
    ordering = ["letting"]


register_snippet(CalendarFeedViewSet)


@hooks.register("before_copy_page")
def refuse_copying_a_letting(request, page):
    """Refuse to copy a letting: its address belongs to it alone, so a copy could never be saved or published.

    Wagtail's copy view would create a letting without an address (and publishing copies would fail);
    an editor adds a new letting instead.
    """
    if not isinstance(page.specific, LettingPage):
        return None
    messages.error(
        request,
        f"“{page.title}” cannot be copied: a letting's address belongs to it alone. "
        "Add a new letting with its own address instead.",
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)
