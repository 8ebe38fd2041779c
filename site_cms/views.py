"""Project-wide views: health checks, robots.txt, the favicon, the 500 handler and the Sentry check."""

import logging

from django.contrib.auth.decorators import user_passes_test
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from .sitemaps import public_root_url

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """Answer 200 when the database answers a query, 503 when it does not (for Heroku and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database is unavailable (%s)", error.__class__.__name__)
        # Drop the broken connection so the next request opens a new one.
        connection.close()
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_safe
def liveness(request):
    """Answer 200 without touching the database: the cheapest request through the Django stack."""
    return JsonResponse({"status": "ok"})


@require_safe
@cache_control(max_age=60 * 60 * 24, public=True)
def robots_txt(request):
    """Tell crawlers to stay out of both admins and where the sitemap is."""
    sitemap_url = public_root_url(request) + reverse("sitemap")
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('wagtailadmin_home')}",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(max_age=60 * 60 * 24, public=True)
def favicon(request):
    """Send browsers, which ask for ``/favicon.ico`` whatever a page declares, to the site's icon.

    The address is looked up at request time: in production it is the hashed name from the
    static files manifest, which does not exist before ``collectstatic``.
    """
    return redirect(static("img/favicon.svg"), permanent=True)


def server_error(request):
    """Render the 500 page without a request context: no context processor, no database query.

    It must render while the database is down, so the template gets an empty context.
    """
    return HttpResponseServerError(loader.get_template("500.html").render())


@never_cache
@user_passes_test(lambda user: user.is_superuser, login_url="admin:login")
def sentry_check(request):
    """Fail on purpose, for a superuser checking that errors reach Sentry (and that no personal data does)."""
    raise RuntimeError("Sentry check requested by a superuser")
