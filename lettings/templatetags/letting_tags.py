"""Letting cards for listings, rendered here rather than in the page model, from the fragment cache when they can."""

from django import template
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from pagecache.fragments import cached_fragments

from .. import calendar
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


def _day_cell(day) -> str:
    """Return one day's cell: empty for another month's day, marked when its night is taken."""
    if day is None:
        return "<td></td>"
    if day.booked:
        return f'<td class="availability__taken">{day.date.day} <span class="visually-hidden">taken</span></td>'
    return f"<td>{day.date.day}</td>"


@register.simple_tag
def availability_tables(months) -> str:
    """Render the month grids (:mod:`lettings.calendar`) as one table each, a caption and a row per week.

    Built here rather than by template loops: a loop and a condition per day cost a letting's page
    about a fifth of its render time, the same cells built here about 0.15 ms.
    """
    header = "".join(
        f'<th scope="col"><abbr title="{escape(name)}">{escape(short)}</abbr></th>' for short, name in calendar.WEEKDAYS
    )
    tables = []
    for month in months:
        rows = "".join("<tr>" + "".join(_day_cell(day) for day in week) + "</tr>" for week in month.weeks)
        tables.append(
            f'<table class="availability__month"><caption>{escape(month.label)}</caption>'
            f"<thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"
        )
    return mark_safe("".join(tables))  # day numbers and escaped names only
