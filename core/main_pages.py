"""The pages the site cannot work without (home, lettings index, profiles index): what only a superuser changes.

An editor edits their text. Only users with ``home.manage_main_pages`` (superusers, unless granted)
change what would take them or everything under them off the public site: their address (slug,
which old-site links and every letting URL hang on), their privacy (a password on the home page
hides the whole site) and their publishing schedule (an expiry date unpublishes them later).
Deleting, moving and unpublishing them is refused by ``home/wagtail_hooks.py``.
"""

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import PagePermissionTester

from .page_forms import PageAddressForm

MANAGE_MAIN_PAGES = "home.manage_main_pages"


class MainPagePermissionTester(PagePermissionTester):
    """Wagtail's page permissions, less the privacy settings for users without ``home.manage_main_pages``."""

    def can_set_view_restrictions(self) -> bool:
        """Allow the privacy settings only to users who manage the main pages."""
        return self.user.has_perm(MANAGE_MAIN_PAGES) and super().can_set_view_restrictions()


class MainPageMixin:
    """Panels, permissions and admin form of a main page; mixed into its page model before ``Page``."""

    base_form_class = PageAddressForm  # a listing on /search/ or /cms/ would hide every page under it

    # Left out of the form for other users, so a slug or a date they post is ignored.
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug", permission=MANAGE_MAIN_PAGES),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
            ],
            heading="For search engines",
        ),
        MultiFieldPanel([FieldPanel("show_in_menus")], heading="For site menus"),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("go_live_at", permission=MANAGE_MAIN_PAGES),
                FieldPanel("expire_at", permission=MANAGE_MAIN_PAGES),
            ],
            heading="Scheduled publishing",
            permission=MANAGE_MAIN_PAGES,
        )
    ]

    def permissions_for_user(self, user):
        """Return Wagtail's permission tester, without the privacy settings for most users."""
        return MainPagePermissionTester(user, self)
