"""The home page: the site's root page, linking to the lettings and profiles listings."""

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.main_pages import MainPageMixin
from core.view_restrictions import KnownRestrictionsMixin
from pages.models import ContentPage


class HomePage(KnownRestrictionsMixin, MainPageMixin, Page):
    """The site root (``/``): a welcome, then links to the lettings and the profiles."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["lettings.LettingIndexPage", "profiles.ProfileIndexPage", "pages.ContentPage"]
    max_count = 1

    class Meta:
        """Names shown in the Wagtail admin, and the permission to schedule the main pages' publishing."""

        verbose_name = "home page"
        permissions = [("manage_main_pages", "Can change the main pages' slug, privacy and publishing schedule")]

    def get_context(self, request, *args, **kwargs):
        """Add the live listing pages under the home page that anonymous visitors may open, for its links.

        Content pages (the privacy notice) are linked from the footer, not shown as sections.
        """
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().public().not_type(ContentPage).specific().order_by("path")
        return context
