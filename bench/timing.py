r"""Time pages in process (Django's test client, no HTTP server), and optionally profile them.

Run against a seeded benchmark database with the production settings, for example:

    export SECRET_KEY=$(python -c "import secrets; print(secrets.token_urlsafe(50))")
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oc_explore ALLOWED_HOSTS=127.0.0.1 \
        SITE_HTTPS=false STATIC_ROOT=/tmp/oc-static REDIS_URL=redis://127.0.0.1:6379/12 \
        PAGE_CACHE_SECONDS=0 python bench/timing.py /healthz/live /lettings/ --requests 50 --profile

It prints the mean time per request of each path after a warm-up, whether the page came from the
page cache; with ``--split`` the time spent compiling queries, waiting for the database and
rendering templates; with ``--profile`` the functions that took the most time (cProfile,
cumulative); with ``--editor`` all of it for a logged-in editor instead of a visitor.
This is how ``docs/performance.rst`` found where the time goes; wrk numbers come from ``run.py``.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cms.settings.production")

import django

django.setup()

from django.test import Client  # noqa: E402


def time_path(client: Client, path: str, requests: int) -> None:
    """Print the mean time of ``requests`` requests to ``path`` after a warm-up."""
    for _ in range(min(requests, 20)):
        client.get(path)
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(path)
    mean_ms = (time.perf_counter() - started) / requests * 1000
    cache_state = response.get("X-Page-Cache", "not cached")
    size = len(response.content)
    print(f"{path}: {mean_ms:.2f} ms per request, HTTP {response.status_code}, {size} bytes, {cache_state}")


def split_path(client: Client, path: str, requests: int) -> None:
    """Print where the time of ``requests`` requests to ``path`` goes: the ORM (compiling, the database) and templates.

    The template time includes the queries that templates run; the rest is routing, views and middleware.
    """
    from django.db import connection
    from django.db.models.sql.compiler import SQLCompiler
    from django.template.response import SimpleTemplateResponse

    spent = dict.fromkeys(("orm", "compile", "database", "templates"), 0.0)

    def timed(part: str, function):
        """Return ``function`` adding the time of each call to ``spent[part]``."""

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - started

        return wrapper

    def database(execute, sql, params, many, context):
        """Time each query's round trip to the database (Django's ``execute_wrapper``)."""
        return timed("database", execute)(sql, params, many, context)

    with ExitStack() as patched:
        for owner, name, part in (
            (SQLCompiler, "execute_sql", "orm"),
            (SQLCompiler, "as_sql", "compile"),
            (SimpleTemplateResponse, "render", "templates"),
        ):
            patched.enter_context(mock.patch.object(owner, name, timed(part, getattr(owner, name))))
        patched.enter_context(connection.execute_wrapper(database))
        started = time.perf_counter()
        for _ in range(requests):
            client.get(path)
        total = time.perf_counter() - started
    per = {part: seconds / requests * 1000 for part, seconds in spent.items()}
    print(
        f"  {total / requests * 1000:.2f} ms: ORM {per['orm']:.2f} ms (compiling {per['compile']:.2f}, database "
        f"{per['database']:.2f}), templates {per['templates']:.2f} ms (with the queries they run)"
    )


def profile_path(client: Client, path: str, requests: int, lines: int) -> None:
    """Print the ``lines`` functions with the most cumulative time over ``requests`` requests."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)


def main() -> None:
    """Time (and profile) every path given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile summary")
    parser.add_argument("--lines", type=int, default=40, help="functions shown with --profile")
    parser.add_argument("--split", action="store_true", help="also print the time in the ORM and in templates")
    parser.add_argument("--editor", action="store_true", help="as a logged-in editor (bench/editor.py's session)")
    args = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    if args.editor:
        from django.conf import settings

        from bench.editor import editor_session

        client.cookies[settings.SESSION_COOKIE_NAME] = editor_session()  # may start a new generation
    for path in args.paths:
        for _ in range(2):  # the page as visitors have it cached, when the cache is on
            Client(HTTP_HOST="127.0.0.1").get(path)
        time_path(client, path, args.requests)
        if args.split:
            split_path(client, path, args.requests)
        if args.profile:
            profile_path(client, path, args.requests, args.lines)


if __name__ == "__main__":
    main()
