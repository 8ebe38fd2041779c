"""Every public list obeys Wagtail's view restrictions, including those inherited from an ancestor.

A page an anonymous visitor may not open (password, login or group restriction on it or on an
ancestor) must not show its title, summary, city or photo anywhere a visitor can look: the home
page, the lettings listing, search, the sitemaps.
"""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from testing.factories import make_address, make_letting, make_profile

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Zanzibar Hideaway"
SECRET_CITY = "Quixotic Falls"
PUBLIC_TITLE = "Open Meadow House"


def restrict(page, kind: str) -> PageViewRestriction:
    """Put a view restriction of ``kind`` (password, login or groups) on ``page``."""
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, password="letmein")
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.get(name="Editors"))
    return restriction


def listed(html: str) -> str:
    """Return a page without what merely echoes the visitor's query (the title, headings, forms, filter chips)."""
    if html.startswith("<?xml"):
        return html
    soup = BeautifulSoup(html, "html.parser")
    for echo in soup.select("title, h1, h2, form, p.empty, .chips"):
        echo.decompose()
    return str(soup)


def public_lists(client) -> dict[str, str]:
    """Return what every public list a visitor can reach shows, by path."""
    paths = [
        "/",
        "/lettings/",
        "/lettings/?state=GA",
        "/lettings/?city=Quixotic+Falls",
        "/search/?q=Zanzibar",
        "/search/?q=Quixotic",
        "/search/?q=AirWow",
        "/sitemap.xml",
        "/sitemap-pages.xml",
        "/sitemap-profiles.xml",
    ]
    texts = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 302, 404), path  # 302: the login a restricted listing asks for
        texts[path] = listed(response.text)
    return texts


@pytest.fixture
def lettings(lettings_index, profiles_index):
    """Return a public letting and a private one (same state), with a photo each, and a profile."""
    public = make_letting(lettings_index, title=PUBLIC_TITLE, address=make_address(state="GA"), photos=1)
    secret = make_letting(
        lettings_index,
        title=SECRET_TITLE,
        address=make_address(state="GA", city=SECRET_CITY),
        summary="A secret summary.",
        photos=1,
    )
    make_profile("AirWow", favorite_city="Budapest")
    return {"public": public, "secret": secret}


@pytest.mark.parametrize("kind", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN, PageViewRestriction.GROUPS])
def test_a_restricted_letting_is_in_no_public_list(client, lettings, kind):
    restrict(lettings["secret"], kind)
    for path, text in public_lists(client).items():
        for secret in (SECRET_TITLE, SECRET_CITY, "A secret summary.", lettings["secret"].slug):
            assert secret not in text, f"{secret!r} shows in {path}"
    listing = client.get("/lettings/").text
    assert PUBLIC_TITLE in listing
    assert f"{PUBLIC_TITLE} view 0" in listing  # the public card keeps its photo
    assert f"{SECRET_TITLE} view 0" not in listing


def test_a_restriction_on_the_lettings_index_hides_every_letting(client, lettings, lettings_index):
    restrict(lettings_index, PageViewRestriction.LOGIN)
    texts = public_lists(client)
    for path, text in texts.items():
        assert SECRET_TITLE not in text, path
        assert PUBLIC_TITLE not in text, path
    assert "/lettings/" not in texts["/sitemap-pages.xml"]
    assert 'href="/lettings/"' not in texts["/"].split("</header>", 1)[1]  # not among the home page's sections


def test_a_restriction_on_the_profiles_index_hides_profiles(client, lettings, profiles_index):
    assert "AirWow" in client.get("/search/?q=AirWow").text
    assert "AirWow" in client.get("/sitemap-profiles.xml").text
    restrict(profiles_index, PageViewRestriction.PASSWORD)
    texts = public_lists(client)
    for path, text in texts.items():
        assert "AirWow" not in text, path
    assert "/profiles/" not in texts["/sitemap-pages.xml"]
    assert "sitemap-profiles" not in texts["/sitemap.xml"]
    assert client.get("/sitemap-profiles.xml").status_code == 404


def test_a_restriction_on_the_home_page_hides_everything_below_it(client, lettings, home_page):
    restrict(home_page, PageViewRestriction.LOGIN)
    for path in ("/search/?q=Zanzibar", "/search/?q=Open", "/search/?q=AirWow"):
        text = listed(client.get(path).text)
        assert SECRET_TITLE not in text
        assert PUBLIC_TITLE not in text
        assert "AirWow" not in text
    assert "<loc>" not in client.get("/sitemap-pages.xml").text


def test_removing_the_restriction_brings_the_letting_back(client, lettings):
    restriction = restrict(lettings["secret"], PageViewRestriction.PASSWORD)
    assert SECRET_TITLE not in client.get("/lettings/").text
    restriction.delete()
    assert SECRET_TITLE in client.get("/lettings/").text
    assert SECRET_TITLE in client.get("/search/?q=Zanzibar").text


@pytest.mark.parametrize("hidden", ["restricted", "draft"])
@pytest.mark.parametrize("path", ["/lettings/?after={}", "/lettings/?before={}", "/search/?q=house&lettings_after={}"])
def test_a_cursor_naming_a_hidden_letting_tells_nothing_of_where_it_sorts(client, lettings_index, hidden, path):
    make_letting(lettings_index, title="Alpha House")
    secret = make_letting(lettings_index, title="Middle House", publish=hidden != "draft")
    make_letting(lettings_index, title="Omega House")
    if hidden == "restricted":
        restrict(secret, PageViewRestriction.LOGIN)
    response = client.get(path.format(secret.pk))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    shown = [title.get_text(strip=True) for title in soup.select(".card__title, .search-results h3")]
    assert shown == []  # which lettings sort before or after it would give its title away
