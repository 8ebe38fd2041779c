"""URL configuration: both admins, search, the partner API, sitemaps, robots.txt, favicon, media locally, then pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from api.urls import api_router
from enquiries import urls as enquiries_urls
from home.demo_feed import demo_channel_feed
from lettings import urls as lettings_urls
from pagecache import routing as page_routing
from search import views as search_views

from . import views
from .sitemaps import SITEMAPS, sitemap_index

DJANGO_ADMIN = settings.DJANGO_ADMIN_PATH_PREFIX.lstrip("/")
WAGTAIL_ADMIN = settings.WAGTAIL_ADMIN_PATH_PREFIX.lstrip("/")

admin.site.site_header = "Orange County Lettings administration"
admin.site.site_title = "Orange County Lettings admin"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.liveness, name="liveness"),
    path(DJANGO_ADMIN + "sentry-check/", views.sentry_check, name="sentry_check"),
    path(DJANGO_ADMIN, admin.site.urls),
    path(WAGTAIL_ADMIN, include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("api/v2/", api_router.urls),
    path("", include(lettings_urls)),
    path("", include(enquiries_urls)),
    path("demo/calendars/<dbid:legacy_id>.ics", demo_channel_feed, name="demo_channel_feed"),
    path("sitemap.xml", sitemap_index, {"sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    # Not documents: a document in a private collection is served by Wagtail's view, which checks its privacy.
    urlpatterns += [
        re_path(rf"^{media_prefix}(?!documents/)(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

# Wagtail's page serving, last, through the router that remembers routes per content generation.
urlpatterns += [
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, page_routing.serve, name="wagtail_serve"),
]

handler500 = "site_cms.views.server_error"
