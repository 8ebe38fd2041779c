"""Content pages: where editors may add them, what visitors see, and the footer that links to them."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text

from home.models import HomePage
from lettings.models import LettingIndexPage, LettingPage
from pages.models import ContentPage
from testing.factories import make_content_page

pytestmark = pytest.mark.django_db


class ContentPagePlaceTests(WagtailPageTestCase):
    """Editors add content pages under the home page only, and nothing under them."""

    def test_only_under_the_home_page(self):
        """A content page may sit under the home page, not under a listing or a letting."""
        self.assertCanCreateAt(HomePage, ContentPage)
        self.assertCanNotCreateAt(LettingIndexPage, ContentPage)
        self.assertCanNotCreateAt(ContentPage, ContentPage)
        self.assertCanNotCreateAt(ContentPage, LettingPage)

    def test_renders_its_text(self):
        """A published content page shows its title, introduction and body."""
        page = make_content_page("Terms", intro="<p>The short version.</p>", body="<h2>Payment</h2><p>Up front.</p>")
        self.assertPageIsRenderable(page)
        response = self.client.get(page.url)
        html = BeautifulSoup(response.content, "html.parser")
        assert html.h1.get_text() == "Terms"
        assert html.find("h2", string="Payment") is not None
        assert "The short version." in html.main.get_text()


def footer_links(client, path: str = "/") -> list[str]:
    """Return the footer's link texts on the page at ``path``."""
    html = BeautifulSoup(client.get(path).content, "html.parser")
    return [link.get_text() for link in html.select("footer nav[aria-label='About this site'] a")]


def test_the_footer_links_every_public_content_page_and_the_home_page_does_not_list_them(client, home_page):
    """Visitors find the privacy notice from any page; the home page's sections stay the two listings."""
    make_content_page("Privacy notice")
    make_content_page("Terms")
    assert footer_links(client) == ["Privacy notice", "Terms"]
    assert footer_links(client, "/lettings/") == ["Privacy notice", "Terms"]
    home = BeautifulSoup(client.get("/").content, "html.parser")
    assert [a.get_text() for a in home.select("nav[aria-label='Sections'] h2 a")] == ["Lettings", "Profiles"]


def test_a_draft_or_private_content_page_is_not_in_the_footer(client, home_page):
    """An unpublished page and a page behind a password or a login are linked from nowhere public."""
    make_content_page("Draft terms", publish=False)
    private = make_content_page("Staff handbook")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    hidden = make_content_page("Partners")
    restriction = PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name="Editors"))
    make_content_page("Privacy notice")
    assert footer_links(client) == ["Privacy notice"]


@pytest.mark.parametrize("slug", ["search", "cms", "admin", "sitemap-pages-xml"])
def test_a_slug_the_sites_own_views_answer_is_refused_in_the_admin(client, superuser, home_page, slug):
    """``/search/`` is the search page whatever a content page says: the editor hears so at once."""
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:add", args=["pages", "contentpage", home_page.pk])
    data = nested_form_data({"title": "Search tips", "slug": slug, "intro": rich_text(""), "body": rich_text("")})
    response = client.post(url, data)
    if slug == "sitemap-pages-xml":  # no view of the site answers /sitemap-pages-xml/: allowed
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert "for something else: choose another slug" in response.text
    assert not ContentPage.objects.exists()


def test_a_listing_cannot_take_an_address_the_sites_views_answer(client, superuser, lettings_index):
    """The lettings index on /cms/ would send every letting to the admin's login: refused, as for content pages."""
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:edit", args=[lettings_index.pk])
    data = nested_form_data(
        {"title": "Lettings", "slug": "cms", "intro": rich_text(""), "seo_title": "", "search_description": ""}
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "for something else: choose another slug" in response.text
    lettings_index.refresh_from_db()
    assert lettings_index.slug == "lettings"


def test_only_a_public_live_content_page_is_in_the_sitemap_and_served(client, home_page):
    """A draft answers 404 and is in no list; a private page asks for a login and is in no list either."""
    make_content_page("Terms")
    make_content_page("Draft terms", publish=False)
    private = make_content_page("Staff handbook")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    sitemap = client.get("/sitemap-pages.xml").text
    assert "/terms/" in sitemap
    assert "/draft-terms/" not in sitemap
    assert "/staff-handbook/" not in sitemap
    assert client.get("/draft-terms/").status_code == 404
    assert client.get(private.url).status_code == 302  # to the login page, never the text
