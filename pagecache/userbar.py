"""A logged-in editor's page: the visitors' cached page with the editor's Wagtail user bar added.

An editor's request carries a session cookie, so it is never answered from the page cache as it
is: the page needs the Wagtail user bar (the links to edit, explore and add pages). Nothing else of
a public page depends on who reads it: the base template renders the user bar with
``{% page_userbar %}`` on the line before ``</body>``, and no other public template reads the user.
So the first time an editor opens a page under a content generation, it is rendered in full and
its user bar remembered, in this process, for that user, host, page address and generation (at most
``MAX_SECONDS``, so a change of the editor's admin language shows within a minute; a change of
groups, of their permissions or of a user's groups clears the page cache, and every user bar with it).
Later requests check the session and the user as Django's authentication does, then
answer with the visitors' stored page and that user bar inserted before ``</body>``: the same bytes
as a full render (``pagecache/tests/test_editor_pages.py``).

A session cookie that names no session (made up, expired, logged out: the session holds nothing)
is a visitor's: it gets the visitors' stored page as it is, after that one read of the session
(:func:`session_data`), so a made-up cookie cannot be used to skip the cache. A session that holds
anything (a user, a page's password entered, messages) is never taken for a visitor's.

A page the visitors' cache does not hold (a private page, a first visit) is rendered in full.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare

from . import cache

MAX_SECONDS = 60
MAX_ENTRIES = 1000  # a user bar is about 16 KB (its accessibility checker's settings): at most 16 MB a process
NOTE_ATTRIBUTE = "_page_cache_userbar"


class _Userbars:
    """User bars rendered under the current generation, by user, host and page key, with the time each expires."""

    def __init__(self):
        self.generation = None
        self.entries: dict[tuple[int, str, str], tuple[str, float]] = {}

    def start(self, generation) -> None:
        """Forget every user bar: pages are rendered again under ``generation``."""
        self.generation, self.entries = generation, {}

    def keep(self, key: tuple, html: str) -> None:
        """Keep ``html`` under ``key`` for ``MAX_SECONDS``, dropping the oldest user bars when the memo is full.

        Every entry lives as long, so the oldest kept is the first to expire: a flood of pages read by
        one account pushes out old entries rather than keeping every editor out of the memo.
        """
        self.entries.pop(key, None)
        while self.entries and len(self.entries) >= MAX_ENTRIES:
            del self.entries[next(iter(self.entries))]
        self.entries[key] = (html, time.monotonic() + MAX_SECONDS)


_userbars = _Userbars()


def note(request, html: str) -> None:
    """Note the user bar a full render of ``request``'s page showed (called by ``{% page_userbar %}``)."""
    setattr(request, NOTE_ATTRIBUTE, str(html))


def session_data(request) -> dict:
    """Return what ``request``'s session holds, read once and only read; ``{}`` when no session has its key.

    The session engine's own ``load()``: a key no session has (made up, expired, deleted at logout)
    and a tampered session both give ``{}``, and nothing is written or created.
    """
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(request.COOKIES[settings.SESSION_COOKIE_NAME]).load()


def session_user(session: dict):
    """Return the user ``session`` (its data) is logged in as, checked as Django's authentication checks it, or None.

    It only reads: a session without a user, a changed password or an inactive user give None, and
    so does a session Django would change on this request (its password hash signed with a previous
    ``SECRET_KEY``, which Django signs again and sends as a new cookie): the full render then lets
    Django's own middleware do it.
    """
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(user_id)  # None for an inactive user
    session_hash = session.get(HASH_SESSION_KEY)
    if user is None or not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


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
    """Keep the user bar that the full render of the page ``found`` names showed, when it may be reused."""
    html = getattr(request, NOTE_ATTRIBUTE, None)
    user = getattr(request, "user", None)
    # No user bar (a logged-in user without access to the admin): nothing to remember, the page renders.
    if not html or response.status_code != 200 or user is None or not user.is_authenticated:
        return
    if found.generation != _userbars.generation:
        _userbars.start(found.generation)
    _userbars.keep((user.pk, request.get_host(), found.key), html)


def with_userbar(content: bytes, html: str) -> bytes | None:
    """Return ``content`` with ``html`` where the base template renders it, or None when the page has no ``</body>``.

    The tag is on the line before ``</body>``: the user bar goes before that line's end.
    """
    end = content.rfind(b"</body>")
    if end < 0:
        return None
    line_end = content.rfind(b"\n", 0, end)
    if line_end < 0:
        return None
    return content[:line_end] + html.encode() + content[line_end:]
