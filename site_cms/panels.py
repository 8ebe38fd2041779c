"""Admin panels shared by the site's page types."""

from wagtail.admin.panels import FieldPanel, MultiFieldPanel

# Only a superuser holds it unless granted: scheduling when a main page is unpublished is unpublishing it.
SCHEDULE_MAIN_PAGES = "home.schedule_main_pages"


def main_page_settings_panels() -> list:
    """Return the settings tab of a page the site cannot work without (home, lettings index, profiles index).

    Its publishing dates are shown, and accepted, only for users with ``home.schedule_main_pages``
    (superusers): an expiry date would unpublish the page later, which only a superuser may do. The
    fields are left out of other users' forms, so a date they post is ignored.
    """
    return [
        MultiFieldPanel(
            [
                FieldPanel("go_live_at", permission=SCHEDULE_MAIN_PAGES),
                FieldPanel("expire_at", permission=SCHEDULE_MAIN_PAGES),
            ],
            heading="Scheduled publishing",
            permission=SCHEDULE_MAIN_PAGES,
        )
    ]
