"""The main menu comes from the page tree: the home page and its live, public children marked "show in menus"."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page, PageViewRestriction

from pagecache.cache import advance_generation
from testing.factories import make_letting

pytestmark = pytest.mark.django_db


def menu(client, path: str = "/") -> list[tuple[str, str, bool]]:
    """Return the main menu of the page at ``path``: (title, link, marked as current) per item."""
    response = client.get(path)
    nav = BeautifulSoup(response.content, "html.parser").select_one("nav[aria-label=Main]")
    return [(link.text.strip(), link["href"], link.get("aria-current") == "page") for link in nav.select("a")]


def test_the_menu_lists_the_home_page_and_the_main_pages_and_marks_where_the_visitor_is(client, home_page):
    assert menu(client, "/") == [
        ("Home", "/", True),
        ("Lettings", "/lettings/", False),
        ("Profiles", "/profiles/", False),
    ]
    assert menu(client, "/lettings/") == [
        ("Home", "/", False),
        ("Lettings", "/lettings/", True),
        ("Profiles", "/profiles/", False),
    ]
    assert [current for _title, _link, current in menu(client, "/search/?q=x")] == [False, False, False]


def test_inside_a_section_its_link_is_current_but_not_the_page(client, lettings_index):
    make_letting(lettings_index, title="Lake House")
    nav = BeautifulSoup(client.get("/lettings/lake-house/").content, "html.parser").select_one("nav[aria-label=Main]")
    assert {link.text.strip(): link.get("aria-current") for link in nav.select("a")} == {
        "Home": None,
        "Lettings": "true",
        "Profiles": None,
    }


def test_an_editor_chooses_what_the_menu_shows(client, home_page, profiles_index):
    profiles_index.show_in_menus = False
    profiles_index.save_revision().publish()
    about = home_page.add_child(instance=Page(title="About us", slug="about", show_in_menus=True))
    about.save_revision().publish()
    advance_generation()  # what a commit does in production

    assert menu(client, "/lettings/")[1:] == [("Lettings", "/lettings/", True), ("About us", "/about/", False)]


def test_private_and_unpublished_pages_leave_the_menu(client, lettings_index, profiles_index):
    PageViewRestriction.objects.create(page=profiles_index, restriction_type=PageViewRestriction.LOGIN)
    lettings_index.unpublish()
    advance_generation()

    assert [title for title, _link, _current in menu(client)] == ["Home"]


def test_the_menu_is_read_once_per_content_generation(client, home_page, django_assert_num_queries):
    client.get("/")
    first = menu(client, "/search/?q=x")
    home_page.add_child(instance=Page(title="Later", slug="later", show_in_menus=True)).save_revision().publish()
    assert menu(client, "/search/?q=x") == first  # the same generation: the menu as it was read
    advance_generation()
    assert "Later" in [title for title, _link, _current in menu(client, "/search/?q=x")]


def test_the_error_pages_link_to_the_listing_and_home(client, home_page):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    links = {link.text: link["href"] for link in BeautifulSoup(response.content, "html.parser").select("main a")}
    assert links == {"See all lettings": "/lettings/", "go to the home page": "/"}


def test_the_not_found_page_offers_no_dead_link_when_the_listing_is_gone(client, lettings_index):
    lettings_index.unpublish()
    response = client.get("/nowhere/")
    assert response.status_code == 404
    links = {link.text: link["href"] for link in BeautifulSoup(response.content, "html.parser").select("main a")}
    assert links == {"go to the home page": "/"}


def test_without_a_shared_generation_the_menu_is_read_on_every_request(client, profiles_index, settings):
    settings.GENERATION_MEMO = False  # several processes without Redis: another may have changed it
    assert "Profiles" in [title for title, _link, _current in menu(client)]
    profiles_index.show_in_menus = False
    profiles_index.save_revision().publish()
    assert "Profiles" not in [title for title, _link, _current in menu(client)]
