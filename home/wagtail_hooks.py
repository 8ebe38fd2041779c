"""Page rules on top of Wagtail's page permissions: who may delete, move or unpublish which page.

- Nobody but a superuser deletes, moves or unpublishes the singleton pages: the home page, the
  lettings index and the profiles index (the site needs them).
- Deleting a letting destroys its revisions: it needs the "Can delete letting" permission
  (``lettings.delete_lettingpage``), which ``home/groups.py`` grants to Moderators and not to
  Editors, who unpublish a letting instead. A superuser can change that in the group editor.
- Nobody, a superuser included, deletes or unpublishes the page chosen as the privacy notice (nor
  a page above it with it), while it is chosen: the enquiry form's consent links it
  (:mod:`enquiries.privacy_notice`).

Wagtail's own page permissions still apply first (editors may delete any leaf page they can edit);
these rules only take away. The single views refuse with a message (``before_*_page`` hooks), the
bulk actions leave refused pages out (listed as "no permission"), and the explorer rows and the
editor's action menu no longer offer the refused actions.
"""

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction
from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction
from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction
from wagtail.admin.widgets.button import ButtonWithDropdownFromHook

from enquiries.privacy_notice import privacy_notice_refusal
from lettings.models import LettingIndexPage, LettingPage
from profiles.models import ProfileIndexPage

from .groups import DELETE_LETTINGS
from .models import HomePage

SINGLETON_PAGE_TYPES = (HomePage, LettingIndexPage, ProfileIndexPage)
RESTRICTED_ACTIONS = ("delete", "move", "unpublish")


def page_action_refusal(user, page, action: str, *, with_descendants: bool = False) -> str | None:
    """Return why ``user`` may not ``action`` ("delete", "move", "unpublish") ``page``; None if the site allows it.

    ``with_descendants``: an unpublish that takes the page's live descendants down with it.
    """
    if refusal := privacy_notice_refusal(page, action, with_descendants=with_descendants):
        return refusal
    if user.is_superuser:
        return None
    page_type = page.specific_class
    if page_type is None:
        return None
    title = page.get_admin_display_title()
    if issubclass(page_type, SINGLETON_PAGE_TYPES):
        return f"Only an administrator can {action} “{title}”: the site cannot work without this page."
    if action == "delete" and issubclass(page_type, LettingPage) and not user.has_perm(DELETE_LETTINGS):
        return (
            f"Editors cannot delete a letting: deleting “{title}” would destroy its revisions. "
            "Unpublish it instead, or ask a moderator to delete it."
        )
    return None


def _refuse(request, page, refusal: str):
    """Show the refusal and go back to ``next``, or to the explorer of the page's parent."""
    messages.error(request, refusal)
    parent = page.get_parent()
    fallback = reverse("wagtailadmin_explore", args=[parent.pk]) if parent else reverse("wagtailadmin_home")
    return redirect(get_valid_next_url_from_request(request) or fallback)


@hooks.register("before_delete_page")
def refuse_deleting(request, page):
    """Refuse the delete view (its confirmation too) for a page the user may not delete."""
    if refusal := page_action_refusal(request.user, page, "delete"):
        return _refuse(request, page, refusal)
    return None


@hooks.register("before_move_page")
def refuse_moving(request, page, destination):
    """Refuse the move confirmation (and the move) for a page the user may not move."""
    if refusal := page_action_refusal(request.user, page, "move"):
        return _refuse(request, page, refusal)
    return None


@hooks.register("before_unpublish_page")
def refuse_unpublishing(request, page):
    """Refuse to unpublish a page the user may not unpublish (with its descendants, when they are included)."""
    with_descendants = bool(request.POST.get("include_descendants"))
    if refusal := page_action_refusal(request.user, page, "unpublish", with_descendants=with_descendants):
        return _refuse(request, page, refusal)
    return None


class SiteRulesMixin:
    """A page bulk action that also leaves out the pages the site's rules refuse (see ``page_action_refusal``)."""

    def check_perm(self, page):
        """Allow a page when Wagtail allows it and the site's rules do not refuse it."""
        return super().check_perm(page) and page_action_refusal(self.request.user, page, self.action_type) is None


class SiteDeleteBulkAction(SiteRulesMixin, DeleteBulkAction):
    """Wagtail's bulk delete of pages, without the pages the user may not delete."""


class SiteMoveBulkAction(SiteRulesMixin, MoveBulkAction):
    """Wagtail's bulk move of pages, without the pages the user may not move."""


class SiteUnpublishBulkAction(SiteRulesMixin, UnpublishBulkAction):
    """Wagtail's bulk unpublish of pages, without the pages (or descendants) the user may not unpublish."""


# Registered after Wagtail's own (order 0), so these replace them for the same action on pages.
for bulk_action in (SiteDeleteBulkAction, SiteMoveBulkAction, SiteUnpublishBulkAction):
    hooks.register("register_bulk_action", bulk_action, order=100)


@hooks.register("construct_page_listing_buttons")
def hide_refused_listing_buttons(buttons, page, user, context=None):
    """Take the refused delete, move and unpublish links out of an explorer row's "More" menu."""
    refused = [
        reverse(f"wagtailadmin_pages:{action}", args=[page.pk])
        for action in RESTRICTED_ACTIONS
        if page_action_refusal(user, page, action)
    ]
    if not refused:
        return
    for button in buttons:
        if isinstance(button, ButtonWithDropdownFromHook):
            button.dropdown_buttons[:] = [
                item for item in button.dropdown_buttons if not (item.url or "").startswith(tuple(refused))
            ]


@hooks.register("construct_page_action_menu")
def hide_refused_unpublish(menu_items, request, context):
    """Take "Unpublish" out of the editor's action menu when the user may not unpublish the page."""
    page = context.get("page")
    if page is not None and page_action_refusal(request.user, page, "unpublish"):
        menu_items[:] = [item for item in menu_items if item.name != "action-unpublish"]


@hooks.register("register_permissions")
def register_delete_lettings_permission():
    """Show "Can delete letting" in the group editor, where a superuser grants or withdraws it."""
    app_label, codename = DELETE_LETTINGS.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)
