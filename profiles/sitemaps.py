"""The profiles' sitemap section: profiles are routes of the profiles index, not pages of their own."""

from core.sitemaps import SectionSitemap

from .models import Profile, ProfileIndexPage


class ProfileSitemap(SectionSitemap):
    """Every profile page (``/profiles/<username>/``), ``LIMIT`` per sitemap page, by username.

    Profiles are pages of the profiles index, so there are none while that index is unpublished,
    deleted or restricted (a password, a login, groups; on it or on an ancestor).
    """

    lastmod = None  # profiles have no publication date

    def items(self):
        """Return the profiles in a stable order, so that sitemap pages do not overlap."""
        if self._index() is None:
            return Profile.objects.none()
        return Profile.objects.select_related("user").order_by("user__username", "pk")

    def has_urls(self) -> bool:
        """Tell whether profiles have pages at all: only while their index is live and public."""
        return self._index() is not None

    def _index(self) -> ProfileIndexPage | None:
        """Return the live profiles index page if anonymous visitors may open it (fetched once per request)."""
        if not hasattr(self, "_profile_index"):
            self._profile_index = ProfileIndexPage.objects.live().public().first()
        return self._profile_index

    def _urls(self, page, protocol, domain):
        """Return the URL entries of one sitemap page of profiles."""
        index = self._index()
        if index is None:
            return []
        profiles = list(self.paginator.page(page).object_list)
        locations = index.profile_urls(profiles, self.request, full=True)
        entries = [
            {"item": profile, "location": location} for profile, location in zip(profiles, locations, strict=True)
        ]
        # Outside the site's root page (a superuser moved the root) the index has no URL: nothing to list.
        return [entry for entry in entries if entry["location"] is not None]
