"""What search engines and link previews read about a page: its description, its public URLs, its JSON-LD.

Every absolute URL here starts with the root URL of the Wagtail site record (``sync_site`` keeps it
on the public address), never with the request's ``Host`` header: a forged header must not change a
canonical link or a preview's image. The apps bring their own facts (a letting's photos, the home
page's search box); this module only turns them into text, URLs and escaped JSON-LD.
"""

import html
import json
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Site

DEFAULT_DESCRIPTION = "Holiday homes across the United States, let by Orange County Lettings."
DESCRIPTION_LENGTH = 160  # about what a search result shows; longer text is cut at a word
# Open Graph's recommended size; JPEG because every link preview reads it, whatever was uploaded.
SHARE_IMAGE_SPEC = "fill-1200x630|format-jpeg"
# What ``json_script`` escapes: no ``</script>`` or ``<!--`` from an editor's text can end the block.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class ShareImage:
    """The picture a link preview shows: its absolute URL, size and alternative text."""

    url: str
    width: int
    height: int
    alt: str


def site_name() -> str:
    """Return the site's name as visitors read it (``WAGTAIL_SITE_NAME``)."""
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or "Orange County Lettings"


def text_of(value: str | None, limit: int = DESCRIPTION_LENGTH) -> str:
    """Return the text of rich text ``value``: tags dropped, entities decoded, whitespace collapsed, cut at a word."""
    text = " ".join(html.unescape(strip_tags(value or "")).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;:.-") + "…"


def page_description(page) -> str:
    """Return a page's description: its search description, else its summary, else its intro's or body's text.

    An editor's search description and a summary are written to describe the page, so they are kept
    whole; text taken from rich text is cut to about what a search result shows. Empty when the page
    has none of them (the caller then chooses a fallback).
    """
    if page is None:
        return ""
    for field in ("search_description", "summary"):  # plain text: only the whitespace is tidied
        if text := " ".join((getattr(page, field, "") or "").split()):
            return text
    for field in ("intro", "body"):
        if text := text_of(getattr(page, field, "")):
            return text
    return ""


def public_site(request) -> Site | None:
    """Return the Wagtail site the request is for (the default site for an unknown host), or None.

    Wagtail keeps the answer on the request, so a page that Wagtail served costs no query here.
    """
    return Site.find_for_request(request) if request is not None else None


def site_root_url(request) -> str | None:
    """Return the public root URL (``https://host``, no slash) of the request's site, or None without a site."""
    site = public_site(request)
    return site.root_url if site is not None else None


def absolute_url(url: str | None, root: str | None) -> str | None:
    """Return ``url`` made absolute on ``root``; an absolute ``url`` (media on S3) is kept, None stays None."""
    if not url:
        return None
    if root is None:
        return url if "://" in url else None
    return urljoin(root + "/", url)


def share_image(image, root: str | None, alt: str = "") -> ShareImage | None:
    """Return the 1200x630 rendition of ``image`` for link previews, or None when there is no image or site.

    The rendition is read from the image's prefetched renditions when the view prefetched them.
    """
    if not image or root is None:  # a template passes '' for a missing photo
        return None
    rendition = image.get_rendition(SHARE_IMAGE_SPEC)
    return ShareImage(absolute_url(rendition.url, root), rendition.width, rendition.height, alt or image.title)


def ld_json_script(data: dict) -> SafeString:
    """Return ``data`` as a ``<script type="application/ld+json">`` block, escaped like Django's ``json_script``.

    A data block is never executed, so the site's Content-Security-Policy allows it without a nonce.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # escaped above


def ld_json_scripts(*items: dict) -> SafeString:
    """Return one JSON-LD block per item, a line apart."""
    return SafeString("\n".join(ld_json_script(item) for item in items))
