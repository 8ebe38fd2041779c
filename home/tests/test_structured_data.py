"""The home page's JSON-LD: the site as a ``WebSite`` with a search box, and the company as an ``Organization``."""

from urllib.parse import quote

import pytest
from django.contrib.staticfiles import finders

from testing.seo import PUBLIC, check_json_ld, json_ld_of_type, read_head, use_public_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(client, settings, home_page):
    """Return the home page's head, asked for under another host than the public one."""
    use_public_address(settings)
    return read_head(client.get("/", HTTP_HOST="attacker.example").text)


def test_the_home_page_describes_the_site_and_its_search(client, head):
    website = json_ld_of_type(head, "WebSite")
    assert check_json_ld(website, PUBLIC) == []
    assert website["name"] == "Orange County Lettings"
    assert website["url"] == f"{PUBLIC}/"
    action = website["potentialAction"]
    template = action["target"]["urlTemplate"]
    assert template == f"{PUBLIC}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"
    # The template, filled in, is a working search.
    response = client.get(template.removeprefix(PUBLIC).replace("{search_term_string}", quote("Savannah")))
    assert response.status_code == 200
    assert "Search" in response.text


def test_the_home_page_names_the_company_with_its_logo(client, head):
    company = json_ld_of_type(head, "Organization")
    assert check_json_ld(company, PUBLIC) == []
    assert company["name"] == "Orange County Lettings"
    assert company["url"] == f"{PUBLIC}/"
    assert company["logo"].startswith(f"{PUBLIC}/static/img/logo")
    assert json_ld_of_type(head, "WebSite")["publisher"] == {"@id": company["@id"]}
    assert finders.find("img/logo.svg")  # the file the logo's URL names


def test_only_the_home_page_carries_them(client, head, lettings_index):
    assert not read_head(client.get("/lettings/").text).json_ld
