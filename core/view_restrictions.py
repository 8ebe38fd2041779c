"""Pages whose view restrictions are already known for this request: no query to look them up again.

Wagtail checks a page's view restrictions (its own and its ancestors') with a query on every
request it serves. The page router (``pagecache.routing``) knows, once per content generation,
which pages have none; any change to a restriction starts a new generation. Mixed into every page
model of the site, before ``Page``.
"""

from wagtail.models import PageViewRestriction


class KnownRestrictionsMixin:
    """Answer "no view restrictions" without a query when the router marked the page as unrestricted."""

    known_unrestricted = False  # set on the instance by pagecache.routing, for one request

    def get_view_restrictions(self):
        """Return the page's and its ancestors' view restrictions; none, without a query, when known."""
        if self.known_unrestricted:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
