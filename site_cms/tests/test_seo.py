"""What search engines and link previews read on every public page: description, canonical link, Open Graph, Twitter.

Every absolute URL is on the public address that ``sync_site`` gave the Wagtail site, whatever
``Host`` the request named; a page without its own search description still has a description.
"""

import pytest
from django.template.loader import render_to_string
from wagtail.models import Site

from core import seo
from testing.factories import make_address, make_letting, make_profile
from testing.seo import PUBLIC, read_head, use_public_address

pytestmark = pytest.mark.django_db

HOSTS = ["testserver", "localhost", "127.0.0.1:8000", "attacker.example"]


@pytest.fixture
def public_site(settings, home_page, lettings_index, profiles_index):
    """Point the site at the public address, as the release phase does; build one of each page."""
    use_public_address(settings, PUBLIC)
    letting = make_letting(
        lettings_index,
        title="Beach House",
        address=make_address(city="Savannah", state="GA"),
        summary="A quiet house by the beach.",
        photos=2,
    )
    make_letting(lettings_index, title="Cabin", address=make_address(city="Brunswick", state="GA"))
    make_profile("airwow", favorite_city="Budapest")
    return {"letting": letting}


# Path requested -> (canonical URL, title for previews). Filters and cursors never reach the canonical URL.
PAGES = {
    "/": (f"{PUBLIC}/", "Home"),
    "/lettings/?state=GA&city=Savannah": (f"{PUBLIC}/lettings/", "Lettings"),
    "/lettings/beach-house/": (f"{PUBLIC}/lettings/beach-house/", "Beach House"),
    "/profiles/?after=airwow": (f"{PUBLIC}/profiles/", "Profiles"),
    "/profiles/airwow/": (f"{PUBLIC}/profiles/airwow/", "airwow"),
    "/search/?q=beach": (f"{PUBLIC}/search/", "Search"),
}


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_has_a_description_a_canonical_link_and_previews(client, public_site, path):
    canonical, title = PAGES[path]
    response = client.get(path)
    assert response.status_code == 200
    head = read_head(response.text)
    assert head.description
    assert head.canonical == canonical
    og = head.properties
    assert og["og:url"] == canonical
    assert og["og:type"] == "website"
    assert og["og:site_name"] == "Orange County Lettings"
    assert og["og:title"] == (title if path != "/" else public_site_home_title())
    assert og["og:description"] == head.description
    assert head.names["twitter:card"] in ("summary", "summary_large_image")
    assert head.names["twitter:title"] == og["og:title"]
    assert head.names["twitter:description"] == head.description


def public_site_home_title() -> str:
    """Return the home page's title (the migrations name it)."""
    return Site.objects.get(is_default_site=True).root_page.title


@pytest.mark.parametrize("path", PAGES)
def test_no_host_header_changes_an_absolute_url(client, public_site, path):
    heads = {host: read_head(client.get(path, HTTP_HOST=host).text) for host in HOSTS}
    first = heads[HOSTS[0]]
    assert first.urls()
    for host, head in heads.items():
        assert head == first, host
        for url in head.urls():
            assert url.startswith(f"{PUBLIC}/"), (host, url)
        assert "attacker.example" not in str(head)


def test_a_letting_preview_shows_its_first_photo_at_1200_by_630(client, public_site):
    letting = public_site["letting"]
    first = letting.gallery_images.first()
    head = read_head(client.get("/lettings/beach-house/", HTTP_HOST="attacker.example").text)
    og = head.properties
    # Local media have a relative URL (/media/...): the preview gets it on the public address.
    assert og["og:image"].startswith(f"{PUBLIC}/media/images/")
    assert "fill-1200x630" in og["og:image"]
    assert og["og:image"].endswith(".jpg")
    assert og["og:image:type"] == "image/jpeg"
    # The test photo is 1000x700: the crop keeps 1200:630 without enlarging it.
    width, height = int(og["og:image:width"]), int(og["og:image:height"])
    assert width == 1000
    assert width / height == pytest.approx(1200 / 630, rel=0.01)
    assert og["og:image:alt"] == first.alt_text == "Beach House view 0"
    assert head.names["twitter:card"] == "summary_large_image"
    assert head.names["twitter:image"] == og["og:image"]
    assert head.names["twitter:image:alt"] == first.alt_text


@pytest.mark.parametrize("path", ["/", "/lettings/", "/lettings/cabin/", "/profiles/", "/search/"])
def test_a_page_without_a_photo_has_no_preview_image(client, public_site, path):
    head = read_head(client.get(path).text)
    assert "og:image" not in head.properties
    assert "twitter:image" not in head.names
    assert head.names["twitter:card"] == "summary"


def test_the_search_description_wins_over_the_summary(client, public_site):
    letting = public_site["letting"]
    letting.search_description = "Editors' words for search engines."
    letting.save_revision().publish()
    assert read_head(client.get("/lettings/beach-house/").text).description == "Editors' words for search engines."
    letting.search_description = ""
    letting.save_revision().publish()
    assert read_head(client.get("/lettings/beach-house/").text).description == "A quiet house by the beach."


def test_listing_pages_fall_back_on_their_intro_then_on_the_site(client, public_site, lettings_index, home_page):
    lettings_index.intro = "<p>Every home we let, <b>with photos</b> &amp; prices.</p>"
    lettings_index.save_revision().publish()
    assert read_head(client.get("/lettings/").text).description == "Every home we let, with photos & prices."
    home_page.intro = ""
    home_page.search_description = ""
    home_page.save_revision().publish()
    assert read_head(client.get("/").text).description == seo.DEFAULT_DESCRIPTION


def test_editors_text_is_escaped_in_the_tags(client, public_site):
    letting = public_site["letting"]
    letting.title = 'The "Best" <script>alert(1)</script>'
    letting.summary = 'Sea & sun"><script>alert(2)</script>'
    letting.save_revision().publish()
    html = client.get(letting.url).text
    assert "<script>alert" not in html
    head = read_head(html)
    assert head.properties["og:title"] == letting.title
    assert head.description == letting.summary


def test_long_rich_text_is_cut_at_a_word():
    text = seo.text_of("<p>" + "word " * 60 + "</p>")
    assert len(text) <= seo.DESCRIPTION_LENGTH
    assert text.endswith("word…")


def test_media_on_another_host_keep_their_own_address():
    assert seo.absolute_url("/media/a.jpg", PUBLIC) == f"{PUBLIC}/media/a.jpg"
    assert seo.absolute_url("https://bucket.example/a.jpg", PUBLIC) == "https://bucket.example/a.jpg"
    assert seo.absolute_url("/media/a.jpg", None) is None


def test_the_404_page_names_no_canonical_url(client, public_site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    head = read_head(response.text)
    assert head.description == seo.DEFAULT_DESCRIPTION
    assert head.canonical is None
    assert not head.properties


def test_the_500_page_still_renders_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        head = read_head(render_to_string("500.html"))
    assert head.description == seo.DEFAULT_DESCRIPTION
    assert head.canonical is None


def test_robots_txt_lets_crawlers_read_the_public_pages(client, public_site):
    rules = client.get("/robots.txt").text.splitlines()
    disallowed = [line.split(":", 1)[1].strip() for line in rules if line.startswith("Disallow:")]
    for path in PAGES:
        assert not any(path.startswith(prefix) for prefix in disallowed if prefix), path
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in rules
