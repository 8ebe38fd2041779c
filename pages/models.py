"""A content page: a title, an introduction and a body of rich text, such as the privacy notice.

Editors add them under the home page; the footer links to every live, public one, and the enquiry
form links to the one chosen as the privacy notice (Settings > Enquiry settings).
"""

from django.urls import Resolver404, resolve
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from core.view_restrictions import KnownRestrictionsMixin

BODY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"]


def address_taken_by_a_view(parent: Page, slug: str) -> str | None:
    """Return the address a page ``slug`` under ``parent`` would have, if one of the site's own views answers it.

    ``/search/`` and ``/cms/`` are the search page and the admin whatever a page there says.
    """
    parent_url = parent.specific_deferred.get_url_parts()
    if parent_url is None or not slug:
        return None
    address = f"{parent_url[2]}{slug}/"
    try:
        match = resolve(address)
    except Resolver404:
        return None
    return None if match.url_name == "wagtail_serve" else address


class ContentPageForm(WagtailAdminPageForm):
    """The content page's admin form: a slug whose address the site's own views answer is refused."""

    def clean(self) -> dict:
        """Refuse a slug that would give the page an address it could never show at."""
        cleaned = super().clean()
        parent = self.parent_page
        if parent is not None and (taken := address_taken_by_a_view(parent, cleaned.get("slug", ""))):
            self.add_error("slug", f"The site uses {taken} for something else: choose another slug.")
        return cleaned


class ContentPage(KnownRestrictionsMixin, Page):
    """A page of text under the home page (privacy notice, terms, about us); it has no pages under it."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"], help_text="Shown in larger type first.")
    body = RichTextField(blank=True, features=BODY_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    base_form_class = ContentPageForm
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        """Name shown in the Wagtail admin."""

        verbose_name = "content page"
