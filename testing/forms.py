"""POST data of the Wagtail admin's forms, as an editor's browser would send it."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from lettings.models import Address


def editor_rich_text(page_id: int) -> str:
    """Return HTML with every feature of a letting's body (a link to page ``page_id`` too), as Draftail writes it."""
    return (
        "<h2>The house</h2><h3>Rooms</h3>"
        f'<p>Near <a linktype="page" id="{page_id}">our other homes</a>, '
        '<a href="https://example.com/?a=1&amp;b=2">a map</a> and <a href="mailto:owner@example.com">mail</a>.</p>'
        "<p><b>Bold</b>, <i>italic</i>, <b><i>both</i></b>, “quotes” &amp; é<br/>and a line break.</p>"
        "<hr/><ul><li>One</li><li>Two<ul><li>Nested</li></ul></li></ul><ol><li>First</li></ol>"
    )


def letting_form(address: Address, title: str = "Lakeside Cabin", photos=(), amenities=(), **extra) -> dict:
    """Return the POST data of the letting page form in the Wagtail admin (``amenities``: their ids, ticked)."""
    data = nested_form_data(
        {
            "title": title,
            "slug": extra.pop("slug", "lakeside-cabin"),
            "address": address.pk,
            "summary": "A cabin by the lake.",
            "body": rich_text("<p>Quiet and <b>warm</b>.</p>"),
            "gallery_images": inline_formset(
                [{"image": image.pk, "alt_text": f"Photo {n}", "caption": ""} for n, image in enumerate(photos)]
            ),
            **extra,
        }
    )
    if amenities:
        data["amenities"] = list(amenities)  # a checkbox list posts one value per box, not nested fields
    return data
