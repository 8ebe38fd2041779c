"""``{% seo_meta %}``: the meta description, canonical link, Open Graph and Twitter card tags of a page.

``base.html`` calls it with no argument: the page's own title, description and URL are used. A page
that knows better passes ``title``, ``description``, ``canonical`` (a path or an absolute URL) or
``image`` (a Wagtail image, with ``image_alt``): a letting passes its first photo, a profile its own
address. Every URL is on the Wagtail site's public address (:mod:`core.seo`).
"""

from django import template
from wagtail.models import Page

from core import seo

register = template.Library()


@register.inclusion_tag("includes/seo_meta.html", takes_context=True)
def seo_meta(context, title=None, description=None, canonical=None, image=None, image_alt="") -> dict:
    """Return what the tags say: the description always; the canonical link and previews when the page has a URL.

    A page without a public URL (an error page, a template rendered without a request) gets only the
    description: a canonical link or a preview of it would point nowhere.
    """
    request = context.get("request")
    page = context.get("page")
    page = page if isinstance(page, Page) else None
    # A view's own canonical URL (a profile under its index page) wins over the page's.
    canonical = canonical or context.get("canonical_url")
    if canonical:
        canonical = seo.absolute_url(canonical, seo.site_root_url(request))
    elif page is not None and request is not None:
        canonical = page.get_full_url(request)
    # The site is looked up only when a URL needs it: an error page makes no query for it.
    share_image = seo.share_image(image, seo.site_root_url(request), image_alt) if canonical and image else None
    return {
        "description": description or seo.page_description(page) or seo.DEFAULT_DESCRIPTION,
        "canonical": canonical,
        "title": title or (page and (page.seo_title or page.title)) or seo.site_name(),
        "site_name": seo.site_name(),
        "image": share_image,
    }
