"""Middleware of the project: a check of the session cookie, and the Content-Security-Policy."""

import re

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

# Django makes session keys of lower-case letters and digits (django.contrib.sessions.backends.base).
SESSION_KEY_PATTERN = re.compile(r"[a-z0-9]{1,64}")


class SessionCookieCheckMiddleware:
    """Drop a session cookie that cannot be a session key, before anything reads the session.

    Django looks any cookie value up in the session table: one with a NUL character (sent quoted,
    as an octal escape) made PostgreSQL fail the request with a 500. Such a request is anonymous, so it may
    also get the visitors' cached page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        """Forget the session cookie when it is not one Django could have made; then answer as usual."""
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and not SESSION_KEY_PATTERN.fullmatch(key):
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, which also allows inline scripts in the Wagtail admin only.

    The Wagtail admin's page editor and choosers still run a few inline ``<script>`` blocks (found by
    the browser tests: the Content-Security-Policy blocked them and the address chooser would not
    open). Only the Wagtail admin, which needs a login, gets ``'unsafe-inline'`` in ``script-src``;
    the public site and the Django admin keep the strict policy. ``get_policy_parts`` is django-csp's
    documented hook for a policy that depends on the request.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        """Return the policy of ``CONTENT_SECURITY_POLICY``, plus inline scripts on the Wagtail admin's pages."""
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(settings.WAGTAIL_ADMIN_PATH_PREFIX):
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), UNSAFE_INLINE]
            parts.update = update
        return parts
