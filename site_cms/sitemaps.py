"""The sitemap: an index (``/sitemap.xml``) of sections split into pages of ``LIMIT`` URLs.

One file of every page would hold 200,000 URLs at 100,000 lettings and profiles (search engines
read at most 50,000 per file) and would load them all at once. Each section page here is one
slice of an ordered query, so a sitemap request costs the same at any size.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import EmptyPage
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Site

from profiles.models import Profile, ProfileIndexPage

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

    def get_latest_lastmod(self):
        """Return the latest publication, in one query (Django would call ``lastmod`` on every page)."""
        return self.items().order_by().aggregate(latest=Max("last_published_at"))["latest"]


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
        base = index.get_full_url(self.request)
        return [
            {"item": profile, "location": base + index.reverse_subpage("profile", args=[profile.user.username])}
            for profile in self.paginator.page(page).object_list
        ]


SITEMAPS = {"pages": PageSitemap, "profiles": ProfileSitemap}


@dataclass(frozen=True)
class IndexEntry:
    """One line of the sitemap index: a section page's address and when its content last changed."""

    location: str
    last_mod: datetime | None


def public_root_url(request) -> str:
    """Return the root URL of the Wagtail site the request is for: the public address ``sync_site`` keeps.

    The sections' URLs come from the same site record (Wagtail's ``get_full_url``), so the index
    and its sections always agree, whatever host the request used.
    """
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    return site.root_url if site is not None else request.build_absolute_uri("/").rstrip("/")


@require_safe
def sitemap_index(request, sitemap_url_name: str):
    """Return the sitemap index of the sections that have URLs (a section without any answers 404)."""
    root = public_root_url(request)
    entries = []
    for name, section_class in SITEMAPS.items():
        section = section_class(request)
        if not section.has_urls():
            continue
        location = root + reverse(sitemap_url_name, kwargs={"section": name})
        last_mod = section.get_latest_lastmod()
        entries.append(IndexEntry(location, last_mod))
        entries += [IndexEntry(f"{location}?p={page}", last_mod) for page in range(2, section.paginator.num_pages + 1)]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")
