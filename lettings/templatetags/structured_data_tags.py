"""A letting page's link preview and JSON-LD, from what its view loaded (no query of their own).

``{% letting_preview page gallery as preview %}`` gives the description and the first photo that
``{% seo_meta %}`` shows; ``{% letting_structured_data page gallery amenities %}`` writes the
``VacationRental`` and ``BreadcrumbList`` blocks. Both read the gallery queryset whole, which caches
its rows (and prefetched renditions) for the gallery the page body shows further down.
"""

from dataclasses import dataclass

from django import template
from django.utils.safestring import SafeString

from core.seo import ld_json_scripts, public_site, site_root_url

from ..structured_data import breadcrumb_list, gallery_image_urls, letting_description, vacation_rental

register = template.Library()

HOME_CRUMB = "Home"  # as the main menu names the home page


@dataclass(frozen=True)
class LettingPreview:
    """What a link preview of a letting shows: its description and its first photo (a gallery item), if any."""

    description: str
    photo: object | None


def gallery_items(gallery) -> list:
    """Return the gallery's items; evaluating the queryset here caches them for the page body."""
    return list(gallery) if gallery is not None else []


@register.simple_tag
def letting_preview(page, gallery) -> LettingPreview:
    """Return the letting's description and first photo, for ``{% seo_meta %}``."""
    items = gallery_items(gallery)
    return LettingPreview(letting_description(page), items[0] if items else None)


def breadcrumb_trail(page, request) -> list[tuple[str, str]]:
    """Return ``(name, absolute URL)`` from the site's home page through the letting's parent to the letting.

    The parent is the one the page body's breadcrumb links to: treebeard keeps it on the page, so
    reading it here costs no second query.
    """
    site = public_site(request)
    trail = [(page.title, page.get_full_url(request))]
    parent = page.get_parent()
    if site is not None:
        # An unpublished index (its lettings kept live) answers 404: no crumb leads there.
        if parent is not None and parent.pk != site.root_page_id and parent.live:
            trail.insert(0, (parent.title, parent.get_full_url(request)))
        trail.insert(0, (HOME_CRUMB, site.root_page.get_full_url(request)))
    return [(name, url) for name, url in trail if url]


@register.simple_tag(takes_context=True)
def letting_structured_data(context, page, gallery, amenities) -> SafeString:
    """Return the letting's ``VacationRental`` and ``BreadcrumbList`` JSON-LD blocks."""
    request = context.get("request")
    if request is None:
        return SafeString("")
    image_urls = gallery_image_urls(gallery_items(gallery), site_root_url(request))
    rental = vacation_rental(page, url=page.get_full_url(request), image_urls=image_urls, amenities=amenities or [])
    return ld_json_scripts(rental, breadcrumb_list(breadcrumb_trail(page, request)))
