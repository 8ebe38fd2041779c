"""Where a letting uses an address or an image: its page, its latest revision, or a scheduled revision.

Both admins refuse to delete what a letting still uses (``wagtail_hooks.py``, ``admin.py``); they
ask here, so the rule is written once.
"""

from django.db import connection

from .models import Address, LettingPage, LettingPageGalleryImage

# How a letting uses an address or an image: its page, its latest revision, or a scheduled revision.
IN_PAGE, IN_LATEST_REVISION, IN_SCHEDULED_REVISION = "page", "latest revision", "scheduled revision"


def _uses(page_ids: list[int], revisions: list[tuple[str, object]]) -> list[tuple[LettingPage, str]]:
    """Return ``(letting, how)`` pairs, one per letting, from the page ids and ``(object_id, go_live_at)`` rows."""
    how_by_page = dict.fromkeys(page_ids, IN_PAGE)
    for object_id, go_live_at in revisions:
        how = IN_LATEST_REVISION if go_live_at is None else IN_SCHEDULED_REVISION
        # The page itself outranks a revision; the latest revision outranks a scheduled one.
        if how_by_page.get(int(object_id)) in (None, IN_SCHEDULED_REVISION):
            how_by_page[int(object_id)] = how
    lettings = LettingPage.objects.filter(pk__in=how_by_page).order_by("title")
    return [(letting, how_by_page[letting.pk]) for letting in lettings]


def address_uses(address: Address) -> list[tuple[LettingPage, str]]:
    """Return each letting whose page, latest revision or scheduled revision names ``address``, and how."""
    page_ids = list(LettingPage.objects.filter(address=address).values_list("pk", flat=True))
    revisions = LettingPage.revisions_in_play().filter(content__address=address.pk)
    return _uses(page_ids, list(revisions.values_list("object_id", "approved_go_live_at")))


def image_uses(image) -> list[tuple[LettingPage, str]]:
    """Return each letting whose photo gallery (in its page, latest or scheduled revision) holds ``image``."""
    page_ids = list(LettingPageGalleryImage.objects.filter(image=image).values_list("page_id", flat=True))
    revisions = LettingPage.revisions_in_play()
    if connection.features.supports_json_field_contains:
        rows = revisions.filter(content__gallery_images__contains=[{"image": image.pk}])
        matches = list(rows.values_list("object_id", "approved_go_live_at"))
    else:  # SQLite cannot look inside a JSON list: read the galleries (local and test databases only).
        rows = revisions.values_list("object_id", "approved_go_live_at", "content")
        matches = [
            (object_id, go_live_at)
            for object_id, go_live_at, content in rows.iterator()
            if any(item.get("image") == image.pk for item in content.get("gallery_images") or ())
        ]
    return _uses(page_ids, matches)


def where(letting: LettingPage, how: str) -> str:
    """Describe where a letting uses something: its page, its latest draft or a scheduled revision."""
    if how == IN_PAGE:
        return f"the letting “{letting.title}”"
    if how == IN_LATEST_REVISION:
        return f"the latest draft of the letting “{letting.title}”"
    return f"a revision of the letting “{letting.title}” scheduled for publishing"
