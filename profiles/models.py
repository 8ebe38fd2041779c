"""User profiles (snippets) and the profiles index page that serves ``/profiles/<username>/``."""

import logging

from django.conf import settings
from django.db import models
from django.http import Http404
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.main_pages import MainPageMixin
from core.pagination import keyset_page
from core.view_restrictions import KnownRestrictionsMixin
from pagecache.cache import declare_query

logger = logging.getLogger(__name__)


class Profile(models.Model):
    """A user's public profile: favourite city and whether the e-mail address may be shown."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        error_messages={"unique": "This user already has a profile."},
    )
    favorite_city = models.CharField("favourite city", max_length=64, blank=True)
    show_email = models.BooleanField(
        "show e-mail address on the public profile",
        default=False,
        help_text="Off by default: an address on a public page is harvested by spammers.",
    )

    panels = [
        FieldPanel("user"),
        MultiFieldPanel([FieldPanel("favorite_city"), FieldPanel("show_email")], heading="Public profile"),
    ]

    class Meta:
        verbose_name = "profile"
        verbose_name_plural = "profiles"

    def __str__(self) -> str:
        """Return the username, as the old site listed profiles."""
        return self.user.username

    @property
    def username(self) -> str:
        """Return the profile's username (a list column in the admins)."""
        return self.user.username

    @property
    def full_name(self) -> str:
        """Return the user's first and last name, or an empty string."""
        return self.user.get_full_name()


class ProfileIndexPage(KnownRestrictionsMixin, MainPageMixin, RoutablePageMixin, Page):
    """The profiles listing (``/profiles/``), which also serves each profile at ``/profiles/<username>/``."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1
    per_page = 24

    class Meta:
        verbose_name = "profiles index"

    @staticmethod
    def profiles():
        """Return every profile with its user, ordered by username."""
        return Profile.objects.select_related("user").order_by("user__username")

    def get_context(self, request, *args, **kwargs):
        """Add the current page of profiles to the listing's context."""
        context = super().get_context(request, *args, **kwargs)
        context["profiles"] = keyset_page(
            self.profiles(), request.GET, order_field="user__username", per_page=self.per_page
        )
        declare_query(request, context["profiles"].cursor)
        return context

    @path("<str:username>/", name="profile")
    def profile(self, request, username: str):
        """Show one profile; an unknown username gives the site's 404 page."""
        profile = self.profiles().filter(user__username=username).first()
        if profile is None:
            logger.info("No profile for username %r", username)
            raise Http404("No profile has this username.")
        # The public address of the profile (the site record's host), for its canonical link.
        canonical_url = self.profile_url(profile, request, full=True)
        return self.render(
            request,
            template="profiles/profile_page.html",
            context_overrides={"profile": profile, "canonical_url": canonical_url},
        )

    def profile_url(self, profile: Profile, request=None, *, full: bool = False) -> str | None:
        """Return the URL of a profile's page under this index; ``full`` gives it with the site's public address.

        The one place a profile's address is built: pages, search results and the sitemap use it.
        Returns None when the index has no URL (it is not under the site's root page).
        """
        return next(self.profile_urls([profile], request, full=full))

    def profile_urls(self, profiles, request=None, *, full: bool = False):
        """Yield the URL of each profile's page, working out the index's own URL once (a sitemap lists 2,000)."""
        base = self.get_full_url(request) if full else self.get_url(request)
        for profile in profiles:
            yield None if base is None else base + self.reverse_subpage("profile", args=[profile.user.username])
