"""What clears the page cache: page events, view restriction changes, and edits of records that pages show.

Publishing, unpublishing, moving or deleting a page; adding, changing or removing a view
restriction (who may see a page); editing the site record (which gives pages their URLs). Records
that pages show (an address, a profile, an image) belong to the apps: each app names its own in its
``AppConfig.ready`` with :func:`clear_when_changed`, so a new content type never edits this module.

The clearing runs when the database transaction commits, so that no request can read the new
generation and still see the old rows.
"""

import threading
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import cache

_batch = threading.local()


def clear_on_commit(reason: str) -> None:
    """Clear the page cache once the current transaction (if any) commits; inside :func:`one_clear`, once at its end."""
    if getattr(_batch, "depth", 0):
        return
    transaction.on_commit(partial(cache.invalidate_all, reason))


@contextmanager
def one_clear(reason: str):
    """Change many records with a single clear of the page cache at the end, instead of one per row.

    An import that replaces a feed's booked periods saves and deletes many rows, and each would ask
    for its own clear (each a round trip to Redis after the commit). The clear is asked for at the
    end even when the block fails part-way: a clear too many is harmless, a missing one is not.
    """
    _batch.depth = getattr(_batch, "depth", 0) + 1
    try:
        yield
    finally:
        _batch.depth -= 1
        clear_on_commit(reason)


def clear_for_deleted_page(sender, instance, **kwargs) -> None:
    """Clear the page cache when a page row is deleted (Django sends this once per model in the chain)."""
    if sender is Page:
        clear_on_commit(f"page {instance.pk} deleted")


def clear_for_changed_record(sender, instance, ignored_fields=frozenset(), **kwargs) -> None:
    """Clear the page cache when a record that pages show is saved or deleted.

    A save that touched only ``ignored_fields`` (such as a user's ``last_login``) changes nothing a visitor sees.
    """
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= ignored_fields:
        return
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
    clear_when_changed(Site)  # the site record gives every page its URL


def clear_when_changed(model, *, ignored_fields: frozenset[str] = frozenset()) -> None:
    """Clear the page cache whenever a ``model`` record is saved or deleted: for records that pages show.

    Called by each app's ``AppConfig.ready`` for its own models; connecting a model twice is harmless.
    A save of ``ignored_fields`` only (``save(update_fields=...)``) leaves the cache alone.
    """
    receiver = partial(clear_for_changed_record, ignored_fields=frozenset(ignored_fields))
    uid = f"pagecache-{model._meta.label_lower}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-saved")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-deleted")


def _page_event(event: str):
    """Return a receiver that clears the cache for a page ``event`` (published, unpublished, moved)."""

    def receiver(sender, instance, **kwargs) -> None:
        """Clear the page cache because a page was {event}."""
        clear_on_commit(f"page {instance.pk} {event}")

    receiver.__doc__ = receiver.__doc__.format(event=event)
    return receiver
