"""The sitemap index (``/sitemap.xml``) of the sections the apps provide, each split into pages.

The sections themselves live with what they list (``core.sitemaps`` for pages, ``profiles.sitemaps``);
the index lists only sections that have URLs, on the site record's public address.
"""

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from wagtail.models import Site

from core.sitemaps import PageSitemap
from profiles.sitemaps import ProfileSitemap

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


def require_site(request) -> None:
    """Raise 404 when no Wagtail site answers the request (a superuser deleted the sites): nothing to list."""
    if Site.find_for_request(request) is None:
        raise Http404("No site answers for this host.")


@require_safe
def sitemap_index(request, sitemap_url_name: str):
    """Return the sitemap index of the sections that have URLs (a section without any answers 404)."""
    require_site(request)
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
