"""Print PostgreSQL's plan (``EXPLAIN ANALYZE``) of every query a page runs, for the performance docs.

Run against a seeded benchmark database, for example after ``python bench/seed.py 100000``:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oc_explore python bench/explain.py /lettings/ /search/?q=Savannah

Each page is requested twice through Django's test client with the page cache off; the queries of
the second request are explained, slowest first, with their time in the request.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cms.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402


def explain(path: str, minimum_ms: float) -> None:
    """Print the plans of the queries ``path`` runs that take at least ``minimum_ms``."""
    client = Client(HTTP_HOST="localhost")
    with override_settings(PAGE_CACHE_SECONDS=0, FRAGMENT_CACHE_SECONDS=0):
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
    queries = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))
    print(f"== {path}: HTTP {status}, {len(queries)} queries")
    for query in queries:
        milliseconds = float(query["time"]) * 1000
        if milliseconds < minimum_ms:
            continue
        print(f"-- {milliseconds:.1f} ms: {query['sql'][:200]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query["sql"])
            for (line,) in cursor.fetchall():
                print("   " + line)


def main() -> None:
    """Explain the queries of every path given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--minimum-ms", type=float, default=0.0, help="skip queries faster than this")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("EXPLAIN ANALYZE needs PostgreSQL: set DATABASE_URL")
    for path in args.paths:
        explain(path, args.minimum_ms)


if __name__ == "__main__":
    main()
