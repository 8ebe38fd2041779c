"""The public search page: what it finds, and that no input can break it."""

import pytest
from bs4 import BeautifulSoup

from search.views import MAX_TERMS, canonical_query, search_terms
from testing.factories import make_address, make_letting, make_profile

pytestmark = pytest.mark.django_db


def result_titles(response) -> list[str]:
    """Return the titles of the search results, in order."""
    return [
        title.get_text(strip=True)
        for title in BeautifulSoup(response.content, "html.parser").select(".search-results h3")
    ]


@pytest.fixture
def content(lettings_index, profiles_index):
    """Two lettings, a draft and two profiles to search."""
    make_letting(
        lettings_index,
        title="Green Haus",
        address=make_address(street="Bedford Street", city="Brunswick", state="GA", zip_code="31525"),
        summary="Hot tub under the stars.",
    )
    make_letting(
        lettings_index,
        title="Oceanview Retreat",
        address=make_address(street="Military Street", city="Willoughby", state="OH", zip_code="04094"),
    )
    make_letting(lettings_index, title="Hidden Brunswick Draft", publish=False)
    make_profile("AirWow", first_name="Ada", last_name="Paul", favorite_city="Brunswick")
    make_profile("DavWin", first_name="Cassandra", last_name="Grahm", favorite_city="Barcelona")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Brunswick", ["Green Haus", "AirWow"]),
        ("brun", ["Green Haus", "AirWow"]),
        ("Bedford", ["Green Haus"]),
        ("31525", ["Green Haus"]),
        ("04094", ["Oceanview Retreat"]),
        ("OH", ["Oceanview Retreat"]),
        ("hot tub", ["Green Haus"]),
        ("oceanview", ["Oceanview Retreat"]),
        ("cassandra", ["DavWin"]),
        ("grahm", ["DavWin"]),
        ("airwow", ["AirWow"]),
        ("barcelona", ["DavWin"]),
        ("Brunswick Ada", ["AirWow"]),
        ("nowhere", []),
    ],
)
def test_search_finds_lettings_and_profiles(client, content, query, expected):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert result_titles(response) == expected


def test_results_link_to_the_pages(client, content):
    soup = BeautifulSoup(client.get("/search/", {"q": "brunswick"}).content, "html.parser")
    links = [link["href"] for link in soup.select(".search-results h3 a")]
    assert links == ["/lettings/green-haus/", "/profiles/AirWow/"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 500,
        "Brünswick ☀️ 東京",
        '"quoted',
        "' OR 1=1; DROP TABLE lettings_address; --",
        "%_\\",
        "a AND (b OR c) NOT d*",
        "\x00",
    ],
)
def test_any_query_gives_a_normal_page(client, content, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<h1>Search</h1>" in response.text


def test_many_words_are_capped():
    assert len(search_terms(" ".join(f"word{number}" for number in range(50)))) == MAX_TERMS
    assert search_terms(" ".join(["word"] * 50)) == ["word"]  # a word said twice is one word


def test_results_are_paged_per_kind_with_links_that_keep_the_query(client, lettings_index, profiles_index):
    for number in range(12):
        make_letting(lettings_index, title=f"Lake House {number:02d}", address=make_address(city="Lakeville"))
    for number in range(5):
        make_profile(f"lakefan{number}", favorite_city="Lakeville")
    first = client.get("/search/", {"q": "lakeville"})
    assert result_titles(first) == [f"Lake House {n:02d}" for n in range(10)] + [f"lakefan{n}" for n in range(5)]
    soup = BeautifulSoup(first.content, "html.parser")
    next_lettings = soup.select_one("nav[aria-label='Pages of letting results'] a[rel=next]")["href"]
    assert next_lettings.startswith("?q=lakeville&lettings_after=")
    assert soup.select_one("nav[aria-label='Pages of profile results']") is None  # five fit on one page
    second = client.get("/search/" + next_lettings)
    assert result_titles(second)[:2] == ["Lake House 10", "Lake House 11"]
    previous = BeautifulSoup(second.content, "html.parser").select_one("a[rel=prev]")["href"]
    assert result_titles(client.get("/search/" + previous))[:10] == [f"Lake House {n:02d}" for n in range(10)]
    assert client.get("/search/", {"q": "lakeville", "lettings_after": "zzz"}).status_code == 200


@pytest.mark.parametrize("spelling", ["Hot Tub", "tub hot", "  HOT!! tub, hot?", "hot&tub"])
def test_every_spelling_of_a_query_is_one_search_shown_in_one_spelling(client, content, spelling):
    assert canonical_query(spelling) == "hot tub"
    response = client.get("/search/", {"q": spelling})
    assert result_titles(response) == ["Green Haus"]
    assert BeautifulSoup(response.content, "html.parser").select_one("#search-q")["value"] == "hot tub"
    assert response.content == client.get("/search/", {"q": "hot tub"}).content  # one page for every spelling


def test_a_query_without_a_word_keeps_its_text_and_an_empty_one_is_the_search_page(client, content):
    assert canonical_query(" !!! ") == "!!!"
    assert "Type a word or a number" in client.get("/search/", {"q": "!!!"}).text
    assert client.get("/search/", {"q": "   "}).content == client.get("/search/").content
