"""Middleware of the project: the Content-Security-Policy, with the Wagtail admin's one exception."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


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
