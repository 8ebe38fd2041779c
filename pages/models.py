"""A content page: a title, an introduction and a body of rich text, such as the privacy notice.

Editors add them under the home page; the footer links to every live, public one, and the enquiry
form links to the one chosen as the privacy notice (Settings > Enquiry settings).
"""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from core.page_forms import PageAddressForm
from core.view_restrictions import KnownRestrictionsMixin

BODY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"]


class ContentPage(KnownRestrictionsMixin, Page):
    """A page of text under the home page (privacy notice, terms, about us); it has no pages under it."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"], help_text="Shown in larger type first.")
    body = RichTextField(blank=True, features=BODY_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    base_form_class = PageAddressForm  # no slug the site's own views answer (/search/, /cms/)
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        """Name shown in the Wagtail admin."""

        verbose_name = "content page"
