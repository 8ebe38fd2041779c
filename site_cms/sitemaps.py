"""The sitemap: an index (``/sitemap.xml``) of sections split into pages of ``LIMIT`` URLs.

One file of every page would hold 200,000 URLs at 100,000 lettings and profiles (search engines
read at most 50,000 per file) and would load them all at once. Each section page here is one
slice of an ordered query, so a sitemap request costs the same at any size.
"""

from django.db.models import Max
from wagtail.contrib.sitemaps import Sitemap

from profiles.models import Profile, ProfileIndexPage

LIMIT = 2000


class PageSitemap(Sitemap):
    """Every live, public Wagtail page (home, listings, lettings), ``LIMIT`` per sitemap page."""

    limit = LIMIT

    def get_latest_lastmod(self):
        """Return the latest publication, in one query (Django would call ``lastmod`` on every page)."""
        return self.items().order_by().aggregate(latest=Max("last_published_at"))["latest"]


class ProfileSitemap(Sitemap):
    """Every profile page (``/profiles/<username>/``), ``LIMIT`` per sitemap page, by username."""

    limit = LIMIT
    lastmod = None  # profiles have no publication date

    def items(self):
        """Return the profiles in a stable order, so that sitemap pages do not overlap."""
        if self._index() is None:
            return Profile.objects.none()
        return Profile.objects.select_related("user").order_by("user__username", "pk")

    def _index(self) -> ProfileIndexPage | None:
        """Return the live profiles index page (fetched once per sitemap request)."""
        if not hasattr(self, "_profile_index"):
            self._profile_index = ProfileIndexPage.objects.live().first()
        return self._profile_index

    def _urls(self, page, protocol, domain):
        """Return the URL entries of one sitemap page of profiles."""
        index = self._index()
        base = index.get_full_url(self.request)
        return [
            {"item": profile, "location": base + index.reverse_subpage("profile", args=[profile.user.username])}
            for profile in self.paginator.page(page).object_list
        ]


SITEMAPS = {"pages": PageSitemap, "profiles": ProfileSitemap}
