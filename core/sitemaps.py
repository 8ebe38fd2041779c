"""Sitemap sections split into pages of ``LIMIT`` URLs, for every app's sitemap to build on.

One file of every page would hold 200,000 URLs at 100,000 lettings and profiles (search engines
read at most 50,000 per file) and would load them all at once. Each section page here is one
slice of an ordered query, so a sitemap request costs the same at any size.
"""

from django.core.paginator import EmptyPage
from django.db.models import Max
from django.http import Http404
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Site

LIMIT = 2000


class SectionSitemap(Sitemap):
    """A sitemap section that answers 404, rather than an empty file or an error, when it has no URL."""

    limit = LIMIT

    def has_urls(self) -> bool:
        """Tell whether the section is listed in the sitemap index (the site's pages always are)."""
        return True

    def get_urls(self, page=1, site=None, protocol=None):
        """Return the URLs of one sitemap page; Django's view turns ``EmptyPage`` into a 404."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        if not urls:
            raise EmptyPage("This sitemap section has no public page.")
        return urls


class PageSitemap(SectionSitemap):
    """Every live page an anonymous visitor may open (home, listings, lettings), ``LIMIT`` per sitemap page.

    Wagtail's ``items()`` already keeps only live pages without a view restriction on them or an ancestor.
    """

    def items(self):
        """Return Wagtail's live public pages of the request's site; 404 when no site answers (all were deleted)."""
        if Site.find_for_request(self.request) is None:
            raise Http404("No site answers for this host.")
        return super().items()

    def get_latest_lastmod(self):
        """Return the latest publication, in one query (Django would call ``lastmod`` on every page)."""
        return self.items().order_by().aggregate(latest=Max("last_published_at"))["latest"]
