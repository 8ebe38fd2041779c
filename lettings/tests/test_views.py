"""What a visitor sees on the lettings listing and on a letting's page."""

import json

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage
from lettings.models import LettingIndexPage, LettingPage
from profiles.models import ProfileIndexPage
from testing.factories import make_address, make_letting

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    """Parse a response's HTML."""
    return BeautifulSoup(response.content, "html.parser")


def card_titles(response) -> list[str]:
    """Return the titles of the letting cards on a listing page, in order."""
    return [title.get_text(strip=True) for title in soup(response).select(".card__title")]


def test_empty_listing_says_so(client, lettings_index):
    response = client.get("/lettings/")
    assert response.status_code == 200
    assert "No lettings are available." in response.text


def test_listing_shows_live_lettings_with_city_and_state(client, lettings_index):
    make_letting(lettings_index, title="Beach House", address=make_address(city="Newport News", state="VA"))
    make_letting(lettings_index, title="Hidden Draft", publish=False)
    response = client.get("/lettings/")
    assert card_titles(response) == ["Beach House"]
    card = soup(response).select_one(".card")
    assert card.select_one(".card__meta").get_text(strip=True) == "Newport News, VA"
    assert card.select_one("a")["href"] == "/lettings/beach-house/"


def test_card_shows_a_lazy_responsive_photo_or_a_placeholder(client, lettings_index):
    make_letting(lettings_index, title="A With Photo", photos=1)
    make_letting(lettings_index, title="B Without Photo")
    cards = soup(client.get("/lettings/")).select(".card")
    image = cards[0].select_one("picture img")
    assert image["loading"] == "lazy"
    assert image["alt"] == "A With Photo view 0"
    assert "480w" in cards[0].select_one("picture source[type='image/webp']")["srcset"]
    assert "960w" in image["srcset"]
    assert cards[1].select_one(".card__placeholder")["aria-label"] == "No photo yet"


def link(response, rel: str) -> str:
    """Return the href of the pagination link with ``rel`` (next, prev)."""
    return soup(response).select_one(f"nav.pagination a[rel={rel}]")["href"]


def test_listing_is_paged_with_next_and_previous_links(client, lettings_index):
    for number in range(LettingIndexPage.per_page * 2 + 1):
        make_letting(lettings_index, title=f"Letting {number:02d}")
    first = client.get("/lettings/")
    assert card_titles(first) == [f"Letting {n:02d}" for n in range(12)]
    assert soup(first).select_one("nav.pagination a[rel=prev]") is None
    second = client.get("/lettings/" + link(first, "next"))
    assert card_titles(second) == [f"Letting {n:02d}" for n in range(12, 24)]
    third = client.get("/lettings/" + link(second, "next"))
    assert card_titles(third) == ["Letting 24"]
    assert soup(third).select_one("nav.pagination a[rel=next]") is None
    assert card_titles(client.get("/lettings/" + link(third, "prev"))) == card_titles(second)
    assert card_titles(client.get("/lettings/" + link(second, "prev"))) == card_titles(first)


def test_equal_titles_are_neither_skipped_nor_repeated_across_pages(client, lettings_index):
    for _ in range(LettingIndexPage.per_page + 3):
        make_letting(lettings_index, title="Same Title")
    first = client.get("/lettings/")
    second = client.get("/lettings/" + link(first, "next"))
    shown = [a["href"] for page in (first, second) for a in soup(page).select(".card__title a")]
    assert len(shown) == len(set(shown)) == LettingIndexPage.per_page + 3


@pytest.mark.parametrize("cursor", ["after=abc", "before=-1", "page=999", "after=" + "9" * 40])
def test_a_malformed_page_link_gives_the_first_page(client, lettings_index, cursor):
    make_letting(lettings_index, title="Only One")
    response = client.get(f"/lettings/?{cursor}")
    assert response.status_code == 200
    assert card_titles(response) == ["Only One"]


@pytest.mark.parametrize("cursor", ["after=99999999", "before=99999999"])
def test_a_stale_page_link_gives_an_empty_page_with_a_way_back(client, lettings_index, cursor):
    make_letting(lettings_index, title="Only One")
    response = client.get(f"/lettings/?{cursor}")
    assert response.status_code == 200
    assert card_titles(response) == []
    assert soup(response).select_one("p.empty a")["href"] == "/lettings/"


def test_filters_by_state_and_city_and_pagination_keeps_them(client, lettings_index):
    make_letting(lettings_index, title="Georgia One", address=make_address(city="Brunswick", state="GA"))
    make_letting(lettings_index, title="Georgia Two", address=make_address(city="Savannah", state="GA"))
    make_letting(lettings_index, title="Ohio", address=make_address(city="Willoughby", state="OH"))
    assert card_titles(client.get("/lettings/?state=GA")) == ["Georgia One", "Georgia Two"]
    assert card_titles(client.get("/lettings/?state=ga")) == ["Georgia One", "Georgia Two"]
    assert card_titles(client.get("/lettings/?city=savannah")) == ["Georgia Two"]
    assert card_titles(client.get("/lettings/?state=OH&city=Brunswick")) == []
    assert (
        "No lettings are available with these filters: remove one above to see more."
        in client.get("/lettings/?state=OH&city=Brunswick").text
    )
    for number in range(LettingIndexPage.per_page + 1):
        make_letting(lettings_index, title=f"Georgia {number:02d}", address=make_address(state="GA"))
    next_page = link(client.get("/lettings/?state=GA"), "next")
    assert next_page.startswith("?state=GA&after=")
    assert card_titles(client.get("/lettings/" + next_page)) == ["Georgia 12", "Georgia One", "Georgia Two"]


def test_unknown_state_filter_explains_and_lists_everything(client, lettings_index):
    make_letting(lettings_index, title="Anywhere")
    response = client.get("/lettings/?state=XX")
    assert response.status_code == 200
    assert "“XX” is not a US state code" in response.text
    assert card_titles(response) == ["Anywhere"]


def test_letting_page_shows_title_address_summary_body_and_gallery(client, lettings_index):
    address = make_address(number=7217, street="Bedford Street", city="Brunswick", state="GA", zip_code="01234")
    letting = make_letting(
        lettings_index,
        title="Green Haus",
        address=address,
        summary="A green house.",
        body="<p>With a <b>hot tub</b>.</p>",
        photos=2,
    )
    response = client.get(letting.url)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1").get_text(strip=True) == "Green Haus"
    lines = [line.strip() for line in page.select_one("address").get_text("\n").splitlines() if line.strip()]
    assert lines == ["7217 Bedford Street", "Brunswick, GA 01234", "USA"]
    assert "A green house." in page.select_one(".lead").get_text()
    assert page.select_one(".rich-text b").get_text() == "hot tub"
    photos = page.select(".gallery__list img")
    assert [photo["alt"] for photo in photos] == ["Green Haus view 0", "Green Haus view 1"]
    assert all(photo["loading"] == "lazy" for photo in photos)


def test_draft_letting_is_not_served(client, lettings_index):
    letting = make_letting(lettings_index, title="Secret", publish=False)
    assert client.get(f"/lettings/{letting.slug}/").status_code == 404


def test_unknown_letting_gets_the_sites_404_page(client, lettings_index):
    response = client.get("/lettings/no-such-place/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="skip-link"' in response.text


def test_old_site_link_redirects_permanently(client, lettings_index):
    letting = make_letting(lettings_index, title="Oceanview Retreat", legacy_id=2)
    response = client.get("/lettings/2/")
    assert response.status_code == 301
    assert response["Location"] == "/lettings/oceanview-retreat/"
    assert client.get("/lettings/3/").status_code == 404
    letting.unpublish()
    assert client.get("/lettings/2/").status_code == 404


class TestPageRules(WagtailPageTestCase):
    """Where letting pages may live in the tree (Wagtail's own assertions)."""

    def test_a_letting_lives_only_under_the_lettings_index_and_has_no_children(self):
        self.assertCanCreateAt(LettingIndexPage, LettingPage)
        self.assertCanNotCreateAt(HomePage, LettingPage)
        self.assertCanNotCreateAt(ProfileIndexPage, LettingPage)
        self.assertAllowedParentPageTypes(LettingPage, {LettingIndexPage})
        self.assertAllowedSubpageTypes(LettingPage, set())

    def test_there_is_one_lettings_index(self):
        # The migrations created it, so no other can be added.
        assert not LettingIndexPage.can_create_at(HomePage.objects.get())


@pytest.mark.parametrize("old_id", ["9" * 11, "9" * 30, "2147483648"])
def test_an_old_link_with_an_id_past_any_column_is_not_found(client, lettings_index, old_id):
    assert client.get(f"/lettings/{old_id}/").status_code == 404


def test_an_old_site_link_to_a_private_letting_is_a_404_and_ids_have_one_spelling(client, lettings_index):
    letting = make_letting(lettings_index, title="Hidden Villa", legacy_id=777)
    assert client.get("/lettings/777/")["Location"] == "/lettings/hidden-villa/"
    assert client.get("/lettings/0777/").status_code == 404
    PageViewRestriction.objects.create(page=letting, restriction_type="password", password="letmein")
    assert client.get("/lettings/777/").status_code == 404  # the slug is not given away


def test_with_the_index_unpublished_a_letting_links_to_no_404(client, lettings_index):
    letting = make_letting(lettings_index, title="Lake House")
    lettings_index.unpublish()  # its lettings stay live, as when an editor unpublishes the index alone
    response = client.get(letting.url)
    assert response.status_code == 200
    page = soup(response)
    assert not page.select('a[href="/lettings/"]')
    blocks = [json.loads(script.string) for script in page.select('script[type="application/ld+json"]')]
    crumbs = next(block for block in blocks if block["@type"] == "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Home", "Lake House"]
