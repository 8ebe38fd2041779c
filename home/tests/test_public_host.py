"""One public address for every absolute URL: ``manage.py sync_site`` and what it gives the sitemap.

The migrations create the default Wagtail site as ``localhost:80``, so every absolute URL (a page's
full URL, the sitemap sections) said ``http://localhost/``. ``sync_site`` points the default site at
the configured public address (``PUBLIC_BASE_URL``), which the release phase runs after migrating.
"""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.models import Site

from testing.factories import make_profile

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parents[2]
PUBLIC = "https://www.oc-lettings.com"
PUBLIC_HOST = "www.oc-lettings.com"


def sync_site() -> str:
    """Run ``manage.py sync_site`` and return what it printed."""
    out = StringIO()
    call_command("sync_site", stdout=out)
    return out.getvalue()


def default_site() -> tuple[str, int]:
    """Return the default site's host name and port."""
    site = Site.objects.get(is_default_site=True)
    return site.hostname, site.port


def locations(xml: str) -> list[str]:
    """Return the ``<loc>`` URLs of a sitemap or sitemap index."""
    return re.findall(r"<loc>([^<]+)</loc>", xml)


@override_settings(PUBLIC_BASE_URL=PUBLIC)
def test_sync_site_points_the_default_site_at_the_public_address_once(home_page):
    assert default_site() == ("localhost", 80)
    first = sync_site()
    assert default_site() == (PUBLIC_HOST, 443)
    assert "localhost:80" in first
    assert f"{PUBLIC_HOST}:443" in first
    assert home_page.get_full_url() == f"{PUBLIC}/"
    again = sync_site()
    assert "nothing to change" in again
    assert default_site() == (PUBLIC_HOST, 443)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://oc-lettings.example", ("oc-lettings.example", 80)),
        ("https://OC-Lettings.herokuapp.com/", ("oc-lettings.herokuapp.com", 443)),
        ("http://localhost:8000", ("localhost", 8000)),
        ("http://127.0.0.1:8000/", ("127.0.0.1", 8000)),
        ("https://www.oc-lettings.com:443", (PUBLIC_HOST, 443)),
    ],
)
def test_sync_site_takes_the_port_from_the_scheme_or_the_url(url, expected, home_page):
    with override_settings(PUBLIC_BASE_URL=url):
        sync_site()
    assert default_site() == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "www.oc-lettings.com",
        "ftp://www.oc-lettings.com",
        "https://",
        "https://www.oc-lettings.com/lettings/",
        "https://www.oc-lettings.com/?x=1",
        "https://user:pass@www.oc-lettings.com",
        "https://www.oc-lettings.com:99999",
        "https://www oc-lettings.com",
        "https://www.oc-lettings.com:8443",
        "http://www.oc-lettings.com:443",
    ],
)
def test_sync_site_refuses_what_is_not_a_public_http_address(url, home_page):
    with override_settings(PUBLIC_BASE_URL=url), pytest.raises(CommandError, match="PUBLIC_BASE_URL"):
        sync_site()
    assert default_site() == ("localhost", 80)


def test_sync_site_says_what_to_do_without_a_default_site(home_page):
    Site.objects.all().delete()
    with override_settings(PUBLIC_BASE_URL=PUBLIC), pytest.raises(CommandError, match="no default Wagtail site"):
        sync_site()


def test_sync_site_refuses_to_take_another_sites_address(home_page):
    Site.objects.create(hostname=PUBLIC_HOST, port=443, root_page=home_page, site_name="Other")
    with override_settings(PUBLIC_BASE_URL=PUBLIC), pytest.raises(CommandError, match="already uses"):
        sync_site()
    assert default_site() == ("localhost", 80)


@override_settings(PUBLIC_BASE_URL=PUBLIC, ALLOWED_HOSTS=[PUBLIC_HOST])
def test_sitemap_index_and_sections_all_use_the_public_address(client, lettings_index, profiles_index):
    make_profile("mapper")
    sync_site()
    visitor = {"HTTP_HOST": PUBLIC_HOST, "secure": True}
    index = locations(client.get("/sitemap.xml", **visitor).text)
    assert f"{PUBLIC}/sitemap-pages.xml" in index
    assert f"{PUBLIC}/sitemap-profiles.xml" in index
    pages = locations(client.get("/sitemap-pages.xml", **visitor).text)
    profiles = locations(client.get("/sitemap-profiles.xml", **visitor).text)
    assert {f"{PUBLIC}/", f"{PUBLIC}/lettings/", f"{PUBLIC}/profiles/"} <= set(pages)
    assert f"{PUBLIC}/profiles/mapper/" in profiles
    for url in index + pages + profiles:
        assert url.startswith(f"{PUBLIC}/"), url


def test_the_release_phase_fails_loudly_on_a_bad_public_url(tmp_path):
    """Under production settings, ``PUBLIC_URL`` reaches the command, which exits non-zero with the reason."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SENTRY", "DSN"))}
    for name in ("HEROKU_APP_NAME", "WAGTAILADMIN_BASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="site_cms.settings.production",
        SECRET_KEY="release-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        PUBLIC_URL="ftp://files.oc-lettings.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "sync_site"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "PUBLIC_BASE_URL 'ftp://files.oc-lettings.com' is not a public http(s) address" in result.stderr
