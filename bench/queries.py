"""Print how many database queries each given URL runs (second visit, warm), as JSON, for the benchmark table."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cms.settings.production")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def count_queries(paths: list[str]) -> dict[str, int]:
    """Return the queries each path runs on its second request."""
    setup_test_environment()
    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code >= 400:
            raise SystemExit(f"{path} answered {response.status_code}")
        counts[path] = len(captured)
    return counts


if __name__ == "__main__":
    print(json.dumps(count_queries(sys.argv[1:])))
