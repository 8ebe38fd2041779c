"""Benchmark helpers that act as an editor, run against the benchmark's database with production settings.

``python bench/editor.py session`` prints a session id of an editor (Editors group), for wrk's
Cookie header; ``publish SLUG`` publishes a new revision of the letting SLUG (its summary changes);
``clear`` clears the whole page cache (what every publish did before).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cms.settings.production")

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from lettings.models import LettingPage  # noqa: E402
from pagecache import cache  # noqa: E402


def editor_session() -> str:
    """Return the key of a new session of the benchmark's editor (created in the Editors group if missing)."""
    user, created = get_user_model().objects.get_or_create(username="bench-editor", defaults={"is_active": True})
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name="Editors"))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def publish(slug: str) -> None:
    """Publish a new revision of one letting, as an editor's Publish does (the page cache hears of it on commit)."""
    with transaction.atomic():
        letting = LettingPage.objects.get(slug=slug)
        letting.summary = f"Updated at {timezone.now():%H:%M:%S.%f}."
        letting.save_revision().publish()


def main() -> None:
    """Run the command given on the command line."""
    command = sys.argv[1]
    if command == "session":
        print(editor_session())
    elif command == "publish":
        publish(sys.argv[2])
    elif command == "clear":
        cache.advance_generation()
    else:
        raise SystemExit(f"unknown command {command!r}: session, publish SLUG or clear")


if __name__ == "__main__":
    main()
