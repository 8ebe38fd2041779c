"""Letting cards for listings, rendered here rather than in the page model, from the fragment cache when they can."""

from django import template
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string

from pagecache.fragments import cached_fragments

from ..models import LettingIndexPage, LettingPageGalleryImage

register = template.Library()

CARD_TEMPLATE = "lettings/includes/letting_card.html"


def prefetch_card_photos(lettings: list) -> None:
    """Fetch the photos (and their renditions) that the cards of ``lettings`` show, in three queries."""
    prefetch_related_objects(
        lettings,
        Prefetch(
            "gallery_images",
            queryset=LettingPageGalleryImage.objects.select_related("image").order_by("sort_order"),
        ),
        "gallery_images__image__renditions",
    )


@register.inclusion_tag("lettings/includes/letting_cards.html", takes_context=True)
def letting_cards(context, lettings) -> dict:
    """Render one card per letting; cached cards are reused and only the missing ones fetch their photos."""
    request = context["request"]
    cards = cached_fragments(
        list(lettings),
        name="letting-card",
        request=request,
        prepare=prefetch_card_photos,
        render=lambda letting: render_to_string(CARD_TEMPLATE, {"letting": letting}, request),
    )
    return {"cards": cards}


@register.simple_tag(takes_context=True)
def lettings_index_url(context) -> str | None:
    """Return the URL of the live, public lettings index, or None (an error page then offers no such link)."""
    index = LettingIndexPage.objects.live().public().first()
    return index.get_url(context.get("request")) if index is not None else None
