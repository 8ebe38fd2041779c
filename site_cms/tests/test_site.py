"""Project-wide behaviour: error pages, robots.txt, sitemap, settings."""

import importlib
import secrets

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

from profiles.sitemaps import ProfileSitemap
from site_cms import views
from testing.factories import make_letting, make_profile

pytestmark = pytest.mark.django_db
STRONG_KEY = secrets.token_urlsafe(50)


def test_404_page_is_in_the_sites_look(client, home_page):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "/static/css/site.css" in response.text


def test_500_page_renders_while_the_database_is_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the 500 page must not touch the database")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = views.server_error(RequestFactory().get("/broken/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "/static/css/site.css" in response.content.decode()


def test_a_crashing_view_gets_the_500_page(client, home_page, monkeypatch):
    from home.models import HomePage

    def explode(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomePage, "get_context", explode)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.text
    assert "Disallow: /cms/" in response.text
    # The Wagtail site's address (sync_site keeps it public), not whatever host the request named.
    assert "Sitemap: http://localhost/sitemap.xml" in response.text


def test_sitemap_lists_pages_lettings_and_profiles(client, lettings_index, profiles_index):
    make_letting(lettings_index, title="Mapped")
    make_letting(lettings_index, title="Draft Only", publish=False)
    make_profile("mapper")
    index = client.get("/sitemap.xml").text
    # The index and its sections agree on the address: the Wagtail site's (testserver is only the request's).
    assert "<loc>http://localhost/sitemap-pages.xml</loc>" in index
    assert "<loc>http://localhost/sitemap-profiles.xml</loc>" in index
    xml = client.get("/sitemap-pages.xml").text + client.get("/sitemap-profiles.xml").text
    for path in ("/lettings/", "/lettings/mapped/", "/profiles/", "/profiles/mapper/"):
        assert f"<loc>http://localhost{path}</loc>" in xml
    assert "draft-only" not in xml


def test_sitemap_is_split_into_pages_of_a_fixed_size(client, lettings_index, profiles_index, monkeypatch):
    monkeypatch.setattr(ProfileSitemap, "limit", 2)
    for name in ("ann", "bob", "cat"):
        make_profile(name)
    index = client.get("/sitemap.xml").text
    assert "<loc>http://localhost/sitemap-profiles.xml?p=2</loc>" in index
    second = client.get("/sitemap-profiles.xml?p=2").text
    assert "/profiles/cat/" in second
    assert "/profiles/ann/" not in second
    assert client.get("/sitemap-profiles.xml?p=9").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_production_settings_refuse_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        importlib.reload(importlib.import_module("site_cms.settings.production"))


def test_production_settings_take_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("ALLOWED_HOSTS", "example.com,www.example.com")
    monkeypatch.setenv("WEB_CONCURRENCY", "1")  # one process: its local cache may hold pages, without a warning
    production = importlib.reload(importlib.import_module("site_cms.settings.production"))
    assert production.SECRET_KEY == STRONG_KEY
    assert production.ALLOWED_HOSTS == ["example.com", "www.example.com"]
    assert production.DEBUG is False
    assert production.IS_PRODUCTION is True


def test_strict_csp_on_the_site_and_the_django_admin_inline_scripts_only_in_wagtail(client, home_page):
    public = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self';" in public + ";"
    assert "unsafe-inline" not in public.split("script-src", 1)[1].split(";", 1)[0]
    django_admin = client.get("/admin/login/")["Content-Security-Policy"]
    assert "unsafe-inline" not in django_admin.split("script-src", 1)[1].split(";", 1)[0]
    wagtail_admin = client.get("/cms/login/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in wagtail_admin.split("script-src", 1)[1].split(";", 1)[0]
