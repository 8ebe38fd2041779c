"""What clears the page cache: page events, view restriction changes, and edits of records that pages show.

Publishing, unpublishing, moving or deleting a page; adding, changing or removing a view
restriction (who may see a page); editing the site record (which gives pages their URLs); changing
who may edit what (groups, their permissions, a user's groups: editors' user bars show it). Records
that pages show (an address, a profile, an image) belong to the apps: each app names its own in its
``AppConfig.ready``, so a new content type never edits this module.

Most changes clear everything (:func:`clear_when_changed`). A page type whose pages show only their
own record (:func:`clear_only_its_page`, lettings) clears, when one is published, unpublished or
deleted, only that page's path and the pages that list (listings, search, home); a record shown on
such pages (:func:`clear_pages_when_changed`: a letting's address, booked nights, amenities) clears
the paths of the pages that show it, read before it changes. Moves and anything else clear
everything: when in doubt, clear.

The clearing runs when the database transaction commits, so that no request can read the new
version and still see the old rows.
"""

import threading
from contextlib import contextmanager
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from wagtail.models import GroupPagePermission, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import cache

_batch = threading.local()
_page_only_models: set[type] = set()
MAX_PATHS = 500  # a record shown on more pages than this clears everything (one write instead of hundreds)


def _clear_on_commit(paths: list[str] | None, reason: str) -> None:
    """Once the transaction (if any) commits, clear the pages at ``paths`` and the lists, or everything for None.

    Inside :func:`one_clear` nothing is asked for: the batch asks once at its end.
    """
    if getattr(_batch, "depth", 0):
        return
    if paths is None:
        transaction.on_commit(partial(cache.invalidate_all, reason))
    else:
        transaction.on_commit(partial(cache.invalidate_pages, paths, reason))


def clear_on_commit(reason: str) -> None:
    """Clear the page cache once the current transaction (if any) commits; inside :func:`one_clear`, once at its end."""
    _clear_on_commit(None, reason)


def page_paths(pages) -> list[str] | None:
    """Return the URL paths of ``pages`` as visitors request them; None when there are too many to list.

    A page outside every site has no path: nothing of it is cached. With several sites a page may
    have a path on each, and Wagtail names only one: None then, so everything is cleared.
    """
    if len(Site.get_site_root_paths()) > 1:
        return None
    paths = []
    for count, page in enumerate(pages, start=1):
        if count > MAX_PATHS:
            return None
        parts = page.get_url_parts()
        if parts is not None:
            paths.append(parts[2])
    return paths


def clear_pages_on_commit(pages, reason: str) -> None:
    """Clear the pages ``pages`` and the lists once the transaction commits (paths read now, before the change)."""
    if getattr(_batch, "depth", 0):  # before reading the paths: the batch clears at its end
        return
    _clear_on_commit(page_paths(pages), reason)


@contextmanager
def one_clear(reason: str, *, pages=None):
    """Change many records with a single clear of the page cache at the end, instead of one per row.

    An import that replaces a feed's booked periods saves and deletes many rows, and each would ask
    for its own clear (each a round trip to Redis after the commit). With ``pages`` (the pages those
    rows show on) only they and the lists are cleared; without, everything. The clear is asked for
    at the end even when the block fails part-way: a clear too many is harmless, a missing one is not.
    """
    paths = page_paths(pages) if pages is not None else None
    _batch.depth = getattr(_batch, "depth", 0) + 1
    try:
        yield
    finally:
        _batch.depth -= 1
        _clear_on_commit(paths, reason)


def _shows_only_itself(page) -> bool:
    """Tell whether ``page`` is of a type registered with :func:`clear_only_its_page`."""
    return page.specific_class in _page_only_models


def clear_for_deleted_page(sender, instance, **kwargs) -> None:
    """Clear the page cache when a page row is deleted (Django sends this once per model in the chain)."""
    if sender is not Page:
        return
    if _shows_only_itself(instance):
        clear_pages_on_commit([instance], f"page {instance.pk} deleted")
    else:
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


def clear_for_changed_permissions(sender, action: str, **kwargs) -> None:
    """Clear the page cache when a group's permissions or a user's groups or permissions change.

    An editor's page carries a user bar remembered for the generation (:mod:`pagecache.userbar`):
    its links to edit, explore and add pages must follow the permissions at once.
    """
    if action.startswith("post_"):
        clear_on_commit(f"{sender._meta.label} changed")


def clear_for_changed_slug(sender, instance, instance_before, **kwargs) -> None:
    """Clear a page's old path too when its slug changed (Wagtail sends this after the commit)."""
    if _shows_only_itself(instance):
        clear_pages_on_commit([instance_before], f"page {instance.pk} moved to a new slug")


def connect() -> None:
    """Connect every signal that changes what a visitor sees to the cache clearing."""
    page_published.connect(_page_event("published"), dispatch_uid="pagecache-published", weak=False)
    page_unpublished.connect(_page_event("unpublished"), dispatch_uid="pagecache-unpublished", weak=False)
    post_page_move.connect(_page_event("moved"), dispatch_uid="pagecache-moved", weak=False)
    page_slug_changed.connect(clear_for_changed_slug, dispatch_uid="pagecache-slug")
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
    # Who may edit what: an editor's page shows it in the user bar remembered for the generation.
    clear_when_changed(Group)
    clear_when_changed(GroupPagePermission)
    user_model = get_user_model()
    for relation in (Group.permissions.through, user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(
            clear_for_changed_permissions, sender=relation, dispatch_uid=f"pagecache-{relation._meta.label_lower}"
        )


def clear_when_changed(model, *, ignored_fields: frozenset[str] = frozenset()) -> None:
    """Clear the page cache whenever a ``model`` record is saved or deleted: for records that pages show.

    Called by each app's ``AppConfig.ready`` for its own models; connecting a model twice is harmless.
    A save of ``ignored_fields`` only (``save(update_fields=...)``) leaves the cache alone.
    """
    receiver = partial(clear_for_changed_record, ignored_fields=frozenset(ignored_fields))
    uid = f"pagecache-{model._meta.label_lower}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-saved")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-deleted")


def clear_only_its_page(page_model) -> None:
    """Let a page type's publish, unpublish and delete clear only its own path and the lists.

    For page types whose pages show their own record and nothing of other pages (a letting): the
    other pages of the type stay cached. Its view must say so (``pagecache.cache.declare_page_only``).
    """
    _page_only_models.add(page_model)


def clear_pages_when_changed(model, pages) -> None:
    """Clear the pages that show a ``model`` record, and the lists, whenever one is saved or deleted.

    ``pages(record)`` returns those pages; it is read for the stored record before a save and for
    the saved one after it (a booked period moved to another letting clears both), and before a
    delete (a deleted amenity's lettings are still linked to it then). More than ``MAX_PATHS`` pages
    clear everything.
    """

    def before_save(sender, instance, **kwargs) -> None:
        """Note the pages that show the record as stored, before the save moves it (a period to another letting)."""
        if getattr(_batch, "depth", 0):  # inside one_clear: the batch clears its pages at the end
            return
        stored = sender._default_manager.filter(pk=instance.pk).first() if instance.pk is not None else None
        instance._pagecache_pages_before = list(pages(stored)) if stored is not None else []

    def receiver(sender, instance, **kwargs) -> None:
        """Clear the pages that show ``instance``, now and (after a save) before it."""
        if getattr(_batch, "depth", 0):
            return
        shown_on = [*getattr(instance, "_pagecache_pages_before", []), *pages(instance)]
        clear_pages_on_commit(shown_on, f"{sender._meta.label} {instance.pk} changed")

    uid = f"pagecache-pages-{model._meta.label_lower}"
    pre_save.connect(before_save, sender=model, weak=False, dispatch_uid=f"{uid}-before")
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-saved")
    pre_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-deleted")


def _page_event(event: str):
    """Return a receiver that clears the cache for a page ``event`` (published, unpublished, moved)."""

    def receiver(sender, instance, **kwargs) -> None:
        """Clear the page cache because a page was {event}."""
        if event != "moved" and _shows_only_itself(instance):
            clear_pages_on_commit([instance], f"page {instance.pk} {event}")
        else:
            clear_on_commit(f"page {instance.pk} {event}")

    receiver.__doc__ = receiver.__doc__.format(event=event)
    return receiver
