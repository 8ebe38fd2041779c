"""Enquiries in the Wagtail admin: a list to filter, search and export, a detail view, status, dashboard panels.

Editors and Moderators read enquiries and change their status (new, answered, closed); who changed
it and when is kept. Nobody adds one here: enquiries come from visitors. Deleting one deletes it,
with its e-mails, for good. Those who may change the enquiry settings see a warning on the
dashboard while the form links no privacy notice or its notice is set to expire
(:mod:`enquiries.privacy_notice`).
"""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Enquiry
from .privacy_notice import PrivacyNoticePanel, privacy_notice_warning

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Return a visitor's text for a CSV cell, a leading ``'`` where a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class NoAddingPolicy(ModelPermissionPolicy):
    """Enquiries come from visitors: nobody, superusers included, adds (or copies) one in the admin."""

    def user_has_permission(self, user, action) -> bool:
        """Refuse "add"; defer to the user's permissions for the rest."""
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions) -> bool:
        """Tell whether the user may do any of ``actions`` other than adding."""
        return any(self.user_has_permission(user, action) for action in actions)


class EnquiryIndexView(snippet_views.IndexView):
    """The list of enquiries; its CSV export neutralises what a spreadsheet would run as a formula."""

    custom_field_preprocess = {
        name: {"csv": spreadsheet_safe} for name in ("letting_title", "name", "email", "phone", "message")
    }


class EnquiryEditView(snippet_views.EditView):
    """Change an enquiry's status, recording who did and when."""

    def save_instance(self):
        """Save the status; when it changed, note the editor and the time."""
        enquiry = self.form.instance
        if "status" in self.form.changed_data:
            enquiry.status_changed_by = self.request.user
            enquiry.status_changed_at = timezone.now()
        return super().save_instance()


class ReadersOnly:
    """Refuse a chooser view to users who may not read enquiries (Wagtail's chooser asks for no permission)."""

    def dispatch(self, request, *args, **kwargs):
        """Answer 403 unless the user may view enquiries."""
        if not request.user.has_perm("enquiries.view_enquiry"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EnquiryChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    """The snippet chooser of enquiries, for their readers only: it lists who asked about what."""

    choose_view_class = type("EnquiryChooseView", (ReadersOnly, snippet_chooser.ChooseView), {})
    choose_results_view_class = type("EnquiryChooseResultsView", (ReadersOnly, snippet_chooser.ChooseResultsView), {})
    chosen_view_class = type("EnquiryChosenView", (ReadersOnly, snippet_chooser.SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "EnquiryChosenMultipleView", (ReadersOnly, snippet_chooser.SnippetChosenMultipleView), {}
    )


# What a visitor sent, in the order the export and the detail view show it.
ENQUIRY_FIELDS = ["created_at", "letting_title", "name", "email", "phone", "check_in", "check_out", "guests", "message"]


class EnquiryViewSet(SnippetViewSet):
    """Enquiries in the admin menu: newest first, by status, letting and dates; CSV and Excel export."""

    model = Enquiry
    icon = "mail"
    menu_label = "Enquiries"
    menu_order = 150
    add_to_admin_menu = True
    list_display = ["name", "letting_title", "check_in", "check_out", "guests", "status", "created_at"]
    list_export = [*ENQUIRY_FIELDS, "status", "status_changed_at"]
    export_filename = "enquiries"
    list_filter = {"status": ["exact"], "letting": ["exact"], "check_in": ["gte"], "created_at": ["gte"]}
    search_fields = ["name", "email", "letting_title", "message"]
    search_backend_name = None
    ordering = ["-created_at"]
    inspect_view_enabled = True
    inspect_view_fields = [*ENQUIRY_FIELDS, "consented_at", "status", "status_changed_by", "status_changed_at"]
    edit_view_class = EnquiryEditView
    index_view_class = EnquiryIndexView
    permission_policy = NoAddingPolicy(Enquiry)
    chooser_viewset_class = EnquiryChooserViewSet


register_snippet(EnquiryViewSet)


class NewEnquiriesPanel(Component):
    """The dashboard's count of new enquiries, linking to them."""

    name = "new_enquiries"
    order = 50

    def render_html(self, parent_context=None) -> str:
        """Return the panel: how many enquiries are new, and a link to the list of them."""
        count = Enquiry.objects.filter(status="new").count()
        return format_html(
            '<section class="w-panel" aria-labelledby="new-enquiries-title"><div class="w-panel__header">'
            '<h2 class="w-panel__heading" id="new-enquiries-title">New enquiries</h2></div>'
            '<div class="w-panel__content"><p><a href="{}?status=new">{} new enquir{}</a> to answer.</p></div>'
            "</section>",
            reverse("wagtailsnippets_enquiries_enquiry:list"),
            count,
            "y" if count == 1 else "ies",
        )


@hooks.register("construct_homepage_panels")
def add_new_enquiries_panel(request, panels) -> None:
    """Show the new enquiries' count to those who may read enquiries."""
    if request.user.has_perm("enquiries.view_enquiry"):
        panels.append(NewEnquiriesPanel())


@hooks.register("construct_homepage_panels")
def add_missing_privacy_notice_panel(request, panels) -> None:
    """Warn those who may choose the privacy notice while the enquiry form links none, or will once it expires."""
    if request.user.has_perm("enquiries.change_enquirysettings") and (warning := privacy_notice_warning(request)):
        panels.append(PrivacyNoticePanel(warning))
