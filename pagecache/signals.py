"""What clears the page cache: page events, view restriction changes, snippet edits.

Publishing, unpublishing, moving or deleting a page; adding, changing or removing a view
restriction (who may see a page); editing a record that pages show (address, profile, user, image, site).

The clearing runs when the database transaction commits, so that no request can read the new
generation and still see the old rows.
"""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from lettings.models import Address
from profiles.models import Profile

from . import cache


def clear_on_commit(reason: str) -> None:
    """Clear the page cache once the current transaction (if any) commits."""
    transaction.on_commit(partial(cache.invalidate_all, reason))


def clear_for_deleted_page(sender, instance, **kwargs) -> None:
    """Clear the page cache when a page row is deleted (Django sends this once per model in the chain)."""
    if sender is Page:
        clear_on_commit(f"page {instance.pk} deleted")


def clear_for_saved_snippet(sender, instance, **kwargs) -> None:
    """Clear the page cache when a record that pages show (address, profile, user, image, site) changes."""
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= {"last_login", "password"}:
        return  # a login stamps the user; nothing a visitor sees changes
    clear_on_commit(f"{sender._meta.label} {instance.pk} changed")


def clear_for_view_restriction(sender, instance, **kwargs) -> None:
    """Clear the page cache when a page's view restriction is added, changed (type, password, groups) or removed.

    A restricted page disappears from every public list, and a page whose restriction is lifted
    appears in them: both change what cached listings, search results and the home page show.
    """
    clear_on_commit(f"view restriction of page {instance.page_id} changed")


def connect() -> None:
    """Connect every signal that changes what a visitor sees to the cache clearing."""
    page_published.connect(_page_event("published"), dispatch_uid="pagecache-published", weak=False)
    page_unpublished.connect(_page_event("unpublished"), dispatch_uid="pagecache-unpublished", weak=False)
    post_page_move.connect(_page_event("moved"), dispatch_uid="pagecache-moved", weak=False)
    post_delete.connect(clear_for_deleted_page, sender=Page, dispatch_uid="pagecache-page-deleted")
    post_save.connect(clear_for_view_restriction, sender=PageViewRestriction, dispatch_uid="pagecache-restriction")
    post_delete.connect(
        clear_for_view_restriction, sender=PageViewRestriction, dispatch_uid="pagecache-restriction-deleted"
    )
    m2m_changed.connect(
        clear_for_view_restriction,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="pagecache-restriction-groups",
    )
    # The user gives a profile its name; the image gives photos their files; the site gives URLs.
    for model in (Address, Profile, get_user_model(), get_image_model(), Site):
        uid = f"pagecache-{model._meta.label_lower}"
        post_save.connect(clear_for_saved_snippet, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(clear_for_saved_snippet, sender=model, dispatch_uid=f"{uid}-deleted")


def _page_event(event: str):
    """Return a receiver that clears the cache for a page ``event`` (published, unpublished, moved)."""

    def receiver(sender, instance, **kwargs) -> None:
        """Clear the page cache because a page was {event}."""
        clear_on_commit(f"page {instance.pk} {event}")

    receiver.__doc__ = receiver.__doc__.format(event=event)
    return receiver
