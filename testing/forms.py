"""POST data of the Wagtail admin's forms, as an editor's browser would send it."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from lettings.models import Address


def letting_form(address: Address, title: str = "Lakeside Cabin", photos=(), **extra) -> dict:
    """Return the POST data of the letting page form in the Wagtail admin."""
    return nested_form_data(
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
