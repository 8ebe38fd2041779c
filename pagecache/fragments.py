"""Rendered fragments (listing cards) cached per content generation, for pages the page cache cannot serve.

A logged-in editor, a visitor with a session, or a listing page nobody asked for yet is rendered
in full; its cards, though, look the same on every listing page, filter and visitor. Each card is
cached under the current generation and lists version (:mod:`pagecache.cache`), so any content
change that clears the listings makes every card render again: a card never outlives the data it shows.
"""

from collections.abc import Callable, Sequence

from django.conf import settings

from . import cache


def cached_fragments(
    objects: Sequence,
    *,
    name: str,
    request,
    render: Callable[[object], str],
    prepare: Callable[[list], None] | None = None,
) -> list[str]:
    """Return the HTML of each object in ``objects``, rendering (and storing) only those not cached.

    ``prepare`` receives the objects to render, before any is rendered, to fetch what they show in
    bulk (prefetching); nothing is fetched when every fragment is cached.
    """
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        if prepare is not None:
            prepare(list(objects))
        return [render(item) for item in objects]
    generation = cache.request_generation(request)
    if generation is None:  # the cache is failing or a change is pending: render everything, keep nothing
        if prepare is not None:
            prepare(list(objects))
        return [render(item) for item in objects]
    site = cache.site_id(request)
    everything, lists = generation  # a card shows one record of a list: any change to those renders it again
    keys = {item.pk: f"fragment:{name}:{everything}.{lists}:{site}:{item.pk}" for item in objects}
    found = cache.get_many(list(keys.values()))  # a new dict: never the backend's shared default
    missing = [item for item in objects if keys[item.pk] not in found]
    if missing:
        if prepare is not None:
            prepare(missing)
        rendered = {keys[item.pk]: render(item) for item in missing}
        cache.set_many(rendered, settings.FRAGMENT_CACHE_SECONDS)
        found = {**found, **rendered}
    return [found[keys[item.pk]] for item in objects]
