"""Small but real: cursors in any script, sitemaps without a profiles index, the favicon."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from wagtail.models import Site

from profiles.models import ProfileIndexPage
from testing.factories import make_letting, make_profile

pytestmark = pytest.mark.django_db

# Superscript two, Arabic-Indic three, circled one, NKo one, mathematical bold nine, and a mix.
NOT_ASCII_DIGITS = ["\u00b2", "\u0663", "\u2460", "\u07c1", "\U0001d7d7", "1\u00b2"]


@pytest.fixture
def content(lettings_index, profiles_index):
    """Return a letting and a profile, so that every listing has rows."""
    make_profile("AirWow", favorite_city="Brunswick")
    return make_letting(lettings_index, title="Brunswick Haus")


@pytest.mark.parametrize("digits", NOT_ASCII_DIGITS)
@pytest.mark.parametrize(
    "path",
    [
        "/lettings/?after={}",
        "/lettings/?before={}",
        "/lettings/?state=GA&after={}",
        "/profiles/?after={}",
        "/profiles/?before={}",
        "/search/?q=brunswick&lettings_after={}",
        "/search/?q=brunswick&lettings_before={}",
        "/search/?q=brunswick&profiles_after={}",
        "/search/?q=brunswick&profiles_before={}",
    ],
)
def test_a_cursor_of_digits_that_are_not_ascii_gives_the_first_page(client, content, path, digits):
    response = client.get(path.format(digits))
    assert response.status_code == 200
    assert "Brunswick Haus" in response.text or "AirWow" in response.text


@pytest.mark.parametrize("what", ["unpublished", "deleted"])
def test_the_profiles_sitemap_without_a_profiles_index_is_a_404_not_an_error(client, content, what):
    index = ProfileIndexPage.objects.get()
    if what == "unpublished":
        index.unpublish()
    else:
        index.delete()
    assert client.get("/sitemap-profiles.xml").status_code == 404
    sitemap_index = client.get("/sitemap.xml")
    assert sitemap_index.status_code == 200
    assert "sitemap-profiles" not in sitemap_index.text
    assert "sitemap-pages" in sitemap_index.text


def test_browsers_find_the_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")  # served by WhiteNoise (the production smoke test fetches it)


def test_the_django_admin_declares_the_icon(client, superuser):
    assert 'rel="icon"' in client.get("/admin/login/").text
    client.force_login(superuser)
    assert 'rel="icon"' in client.get("/admin/").text


def test_canonical_links_use_the_sites_public_address_whatever_the_host(client, content, settings):
    settings.ALLOWED_HOSTS = ["testserver", "oc-lettings.example"]
    canonical = {
        "/": "http://localhost/",
        "/lettings/": "http://localhost/lettings/",
        "/lettings/brunswick-haus/": "http://localhost/lettings/brunswick-haus/",
        "/profiles/AirWow/": "http://localhost/profiles/AirWow/",
    }
    for path, expected in canonical.items():
        for host in ("testserver", "oc-lettings.example"):
            assert f'<link rel="canonical" href="{expected}">' in client.get(path, HTTP_HOST=host).text, path


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live", "/robots.txt", "/sitemap.xml", "/favicon.ico"])
def test_monitors_may_ask_with_head(client, content, path):
    assert client.head(path).status_code in (200, 301)


def test_documents_are_not_served_from_media_past_their_privacy(client, settings):
    folder = Path(settings.MEDIA_ROOT) / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "owner-contract.pdf").write_bytes(b"%PDF-1.4 private")
    (Path(settings.MEDIA_ROOT) / "public.txt").write_bytes(b"public")
    assert client.get("/media/documents/owner-contract.pdf").status_code == 404
    assert client.get("/media/public.txt").status_code == 200  # other media still served locally


@pytest.mark.parametrize(
    "path", ["/lettings/?after={}", "/profiles/?after={}", "/search/?q=brunswick&lettings_after={}"]
)
def test_a_cursor_naming_no_row_is_served_but_not_cached(client, content, settings, path):
    settings.PAGE_CACHE_SECONDS = 600
    for number in (987654, 987655):
        response = client.get(path.format(number))
        assert response.status_code == 200
        assert response.get("X-Page-Cache") is None


def test_a_login_with_an_unsafe_next_lands_in_the_admin(client, superuser):
    response = client.post("/admin/login/?next=https://evil.example/", {"username": "cto", "password": "pass-word-1"})
    assert response.status_code == 302
    assert response["Location"] == "/cms/"


@pytest.mark.parametrize(
    "path", ["/sitemap-pages.xml?p=999", "/sitemap-pages.xml?p=abc", "/sitemap-profiles.xml?p=0", "/sitemap-nope.xml"]
)
def test_made_up_sitemap_pages_are_not_found(client, content, path):
    assert client.get(path).status_code == 404


def test_a_superuser_deleting_every_site_leaves_sitemaps_not_found_and_search_working(client, content):
    Site.objects.all().delete()
    for path in ("/sitemap.xml", "/sitemap-pages.xml", "/sitemap-profiles.xml"):
        assert client.get(path).status_code == 404, path
    assert client.get("/search/?q=brunswick").status_code == 200


def test_a_site_rooted_at_the_lettings_listing_lists_no_profile_links(client, content, lettings_index):
    site = Site.objects.get()
    site.root_page = lettings_index
    site.save()  # as the admin saves it (a queryset update would leave Wagtail's cached site root paths)
    search = client.get("/search/?q=brunswick")
    assert search.status_code == 200
    assert "/profiles/AirWow/" not in search.text
    assert client.get("/sitemap-profiles.xml").status_code == 404  # a section with no URL


@pytest.mark.django_db
@pytest.mark.parametrize("value", ['"a\\000bcdefghij"', "../../etc", "x" * 5000, "ABCDEFGHIJKLMNOP"])
def test_a_session_cookie_no_session_key_could_be_is_anonymous(client, home_page, value):
    response = client.get("/", HTTP_COOKIE=f"sessionid={value}")
    assert response.status_code == 200
    assert b"<wagtail-userbar" not in response.content
