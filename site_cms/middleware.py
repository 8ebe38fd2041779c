"""Middleware of the project: the Wagtail admin's exception to the Content-Security-Policy."""

from csp.constants import UNSAFE_INLINE
from django.conf import settings


class WagtailAdminScriptsMiddleware:
    """Allow inline scripts in the Wagtail admin only.

    The Wagtail admin's page editor and choosers still run a few inline ``<script>`` blocks (found by
    the browser tests: the Content-Security-Policy blocked them and the address chooser would not
    open). Only ``/cms/``, which needs a login, gets ``'unsafe-inline'`` in ``script-src``; the public
    site and the Django admin keep the strict policy. It must sit after ``CSPMiddleware`` in
    ``MIDDLEWARE``, so that it marks the response before the header is built.
    """

    def __init__(self, get_response):
        """Keep the next handler and the admin's URL prefix."""
        self.get_response = get_response
        self.prefix = getattr(settings, "WAGTAIL_ADMIN_PATH_PREFIX", "/cms/")

    def __call__(self, request):
        """Relax ``script-src`` on the admin's responses."""
        response = self.get_response(request)
        if request.path.startswith(self.prefix):
            response._csp_update = {"script-src": [UNSAFE_INLINE]}
        return response
