"""A logged-in editor's page: the visitors' cached page with the editor's Wagtail user bar added.

An editor's request carries a session cookie, so it is never answered from the page cache as it
is: the page needs the Wagtail user bar (the links to edit, explore and add pages). Nothing else of
a public page depends on who reads it: the base template renders the user bar with
``{% page_userbar %}`` on the line before ``</body>``, and no other public template reads the user.
So the first time an editor opens a page under a content generation, it is rendered in full and
its user bar remembered, in this process, for that user, host, page address and generation (at most
``MAX_SECONDS``, so a change of the editor's own permissions or admin language shows within a
minute). Later requests check the session and the user as Django's authentication does, then
answer with the visitors' stored page and that user bar inserted before ``</body>``: the same bytes
as a full render (``pagecache/tests/test_editor_pages.py``).

A page the visitors' cache does not hold (a private page, a first visit) is rendered in full.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib import auth

from . import cache

MAX_SECONDS = 60
MAX_ENTRIES = 1000  # a user bar is about 16 KB (its accessibility checker's settings): at most 16 MB a process
NOTE_ATTRIBUTE = "_page_cache_userbar"


class _Userbars:
    """User bars rendered under the current generation, by user and page key, with the time each expires."""

    def __init__(self):
        self.generation = None
        self.entries: dict[tuple[int, str], tuple[str, float]] = {}

    def start(self, generation) -> None:
        """Forget every user bar: pages are rendered again under ``generation``."""
        self.generation, self.entries = generation, {}

    def has_room(self) -> bool:
        """Tell whether one more user bar may be kept, dropping the expired ones when the memo is full."""
        if len(self.entries) >= MAX_ENTRIES:
            now = time.monotonic()
            self.entries = {key: entry for key, entry in self.entries.items() if entry[1] >= now}
        return len(self.entries) < MAX_ENTRIES


_userbars = _Userbars()


def note(request, html: str) -> None:
    """Note the user bar a full render of ``request``'s page showed (called by ``{% page_userbar %}``)."""
    setattr(request, NOTE_ATTRIBUTE, str(html))


def session_user(request):
    """Return the user ``request``'s session is logged in as (checked as Django's authentication checks it), or None.

    The session is loaded from its store: an expired, deleted or tampered session, a changed
    password or an inactive user all give None.
    """
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES[settings.SESSION_COOKIE_NAME])
    user = auth.get_user(request)
    return user if user.is_authenticated else None


def remembered(request, user, found: cache.Lookup) -> str | None:
    """Return the user bar ``user`` was shown on the page ``found`` describes, under its generation, or None.

    The host is part of the key: the user bar links the admin on the host the page was asked from.
    """
    if found.generation != _userbars.generation:
        return None
    entry = _userbars.entries.get((user.pk, request.get_host(), found.key))
    if entry is None or entry[1] < time.monotonic():
        return None
    return entry[0]


def remember(request, found: cache.Lookup, response) -> None:
    """Keep the user bar that the full render of ``request``'s page showed, when it may be reused."""
    html = getattr(request, NOTE_ATTRIBUTE, None)
    user = getattr(request, "user", None)
    if html is None or found.key is None or found.generation is None or response.status_code != 200:
        return
    if user is None or not user.is_authenticated:
        return
    if found.generation != _userbars.generation:
        _userbars.start(found.generation)
    if _userbars.has_room():
        _userbars.entries[(user.pk, request.get_host(), found.key)] = (html, time.monotonic() + MAX_SECONDS)


def with_userbar(content: bytes, html: str) -> bytes | None:
    """Return ``content`` with ``html`` where the base template renders it, or None when the page has no ``</body>``.

    The tag is on the line before ``</body>``: the user bar goes before that line's end.
    """
    end = content.rfind(b"</body>")
    line_end = content.rfind(b"\n", 0, end)
    if end < 0 or line_end < 0:
        return None
    return content[:line_end] + html.encode() + content[line_end:]
