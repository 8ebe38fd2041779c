"""Project-wide views: robots.txt and the error pages' handlers."""

from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=60 * 60 * 24, public=True)
def robots_txt(request):
    """Tell crawlers to stay out of both admins and where the sitemap is."""
    sitemap_url = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /cms/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def server_error(request):
    """Render the 500 page without a request context: no context processor, no database query.

    It must render while the database is down, so the template gets an empty context.
    """
    return HttpResponseServerError(loader.get_template("500.html").render())
