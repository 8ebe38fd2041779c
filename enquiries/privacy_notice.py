"""The page chosen as the privacy notice stays published while it is chosen.

The enquiry form's consent box links the content page chosen in Settings > Enquiry settings.
Deleting it (or a page above it, which deletes it too) or unpublishing it (alone, or with the
descendants of a page above it) would leave the consent with nothing to read. So
:func:`privacy_notice_refusal` refuses those to everyone, superusers included, until another page
is chosen (or none); ``home/wagtail_hooks.py`` applies it to the single views, the bulk actions,
the explorer's rows and the editor's action menu. What no rule here refuses (no page chosen yet, a
view restriction put on the notice, an expiry date that will unpublish it) the warning of
:class:`PrivacyNoticePanel` on the dashboard shows instead.
"""

from django.db.models import Subquery
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timezone import localtime
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from pages.models import ContentPage

from .models import EnquirySettings

SETTINGS_NAME = "Settings > Enquiry settings"


def chosen_notice() -> tuple[str, str] | None:
    """Return the tree path and title of the page chosen as the privacy notice, or None when none is (one query)."""
    chosen = Subquery(EnquirySettings.objects.values("privacy_page_id")[:1])
    return Page.objects.filter(pk=chosen).values_list("path", "title").first()


def privacy_notice_refusal(page, action: str, *, with_descendants: bool = False) -> str | None:
    """Return why ``page`` may not be ``action``-ed ("delete", "unpublish") while it is or holds the notice.

    A delete always takes the page's descendants with it; an unpublish only when asked
    (``with_descendants``). Only a content page (the setting takes nothing else) or a page with
    pages under it can be the notice or hold it: a letting's row costs no query.
    """
    if action not in ("delete", "unpublish"):
        return None
    with_descendants = with_descendants or action == "delete"
    is_content_page = issubclass(page.specific_class or Page, ContentPage)
    if not is_content_page and not (with_descendants and page.numchild):
        return None
    notice = chosen_notice()
    if notice is None:
        return None
    path, notice_title = notice
    title = page.get_admin_display_title()
    if path == page.path:
        return (
            f"“{title}” is the privacy notice the enquiry form links to: "
            f"choose another page in {SETTINGS_NAME} first, then {action} it."
        )
    if with_descendants and path.startswith(page.path):
        verb = "Deleting" if action == "delete" else "Unpublishing its pages with"
        return (
            f"{verb} “{title}” would take down “{notice_title}”, the privacy notice the enquiry form links to: "
            f"choose another page in {SETTINGS_NAME} first."
        )
    return None


def privacy_notice_warning(request) -> str | None:
    """Return what is wrong with the privacy notice the enquiry form links, or None when nothing is.

    Nothing is linked while no page is chosen or the chosen one is unpublished or private; a live
    one with an expiry date will be unpublished by ``publish_scheduled``.
    """
    enquiry_settings = EnquirySettings.load(request_or_site=request)
    if enquiry_settings.privacy_page_url(request) is None:
        return "The enquiry form links no privacy notice: visitors agree to a notice they cannot read."
    expiry = Page.objects.filter(pk=enquiry_settings.privacy_page_id).values_list("expire_at", flat=True).first()
    if expiry is not None:
        return (
            f"The privacy notice is set to expire on {localtime(expiry):%d %b %Y, %H:%M}: "
            "the enquiry form will then link none."
        )
    return None


class PrivacyNoticePanel(Component):
    """The dashboard's warning about the privacy notice the enquiry form links, with the way to fix it."""

    name = "privacy_notice_warning"
    order = 40

    def __init__(self, warning: str):
        self.warning = warning

    def render_html(self, parent_context=None) -> str:
        """Return the warning, linking to the enquiry settings."""
        return format_html(
            '<section class="w-panel" aria-labelledby="privacy-notice-title"><div class="w-panel__header">'
            '<h2 class="w-panel__heading" id="privacy-notice-title">Privacy notice</h2></div>'
            '<div class="w-panel__content"><p class="help-block help-warning">{} Choose a published, public content '
            'page without an expiry date in <a href="{}">{}</a>.</p></div></section>',
            self.warning,
            reverse("wagtailsettings:edit", args=["enquiries", "enquirysettings"]),
            SETTINGS_NAME,
        )
