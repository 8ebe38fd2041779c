"""``manage.py sync_site``: point the default Wagtail site at the public address (``PUBLIC_BASE_URL``).

Wagtail builds every absolute page URL (a page's full URL, the sitemap) from the host name and port
of the site that holds the page. The migrations create that site as ``localhost:80``; this command,
which the release phase runs after migrating, makes it the address the public actually uses.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Site

# A DNS name or an IPv4 address: letters, digits and inner hyphens between dots.
HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def public_host_and_port(url: str) -> tuple[str, int]:
    """Return the host name and port of the public base URL ``url``; raise ``ValueError`` saying why it is not one.

    Wagtail serves a site at the root of its host, and builds ``https://`` URLs only for port 443
    and ``http://`` ones for every other port, so anything else would give wrong URLs.
    """
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError("it must start with https:// or http://")
    if parts.username is not None or parts.password is not None:
        raise ValueError("it must not hold a user name or password")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("it must be the root of the host, with no path, query or fragment")
    host = (parts.hostname or "").lower()
    if not HOST_NAME.match(host):
        raise ValueError("it has no valid host name")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as error:
        raise ValueError("its port is not a number from 1 to 65535") from error
    if (parts.scheme == "https") != (port == 443):
        raise ValueError("Wagtail makes https:// URLs on port 443 only, and http:// URLs on any other port")
    return host, port


class Command(BaseCommand):
    """Set the default Wagtail site's host name and port from ``PUBLIC_BASE_URL``; safe to run again."""

    help = (
        "Point the default Wagtail site at the public address (the PUBLIC_BASE_URL setting, from PUBLIC_URL "
        "or the Heroku app's URL), so that page URLs and the sitemap use it. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        """Check the setting, then update the default site if it differs, and say what was done."""
        url = getattr(settings, "PUBLIC_BASE_URL", "") or ""
        try:
            host, port = public_host_and_port(url)
        except ValueError as error:
            raise CommandError(
                f"PUBLIC_BASE_URL {url!r} is not a public http(s) address: {error}. Set the PUBLIC_URL "
                "environment variable to the site's address, for example https://www.oc-lettings.com "
                "(on Heroku, HEROKU_APP_NAME gives https://<app name>.herokuapp.com)."
            ) from None
        with transaction.atomic():
            site = Site.objects.select_for_update().filter(is_default_site=True).first()
            if site is None:
                raise CommandError(
                    "There is no default Wagtail site: run 'manage.py migrate' first, or mark a site as the "
                    "default in the Wagtail admin (Settings > Sites)."
                )
            if (site.hostname, site.port) == (host, port):
                self.stdout.write(f"The default site already uses {host}:{port} ({site.root_url}): nothing to change.")
                return
            other = Site.objects.filter(hostname=host, port=port).exclude(pk=site.pk).first()
            if other is not None:
                raise CommandError(
                    f"Site {other.site_name or other.pk!r} already uses {host}:{port}: change or delete it in the "
                    "Wagtail admin (Settings > Sites) before making it the default site's address."
                )
            before = f"{site.hostname}:{site.port}"
            site.hostname, site.port = host, port
            # save(), not update(): Wagtail's signal then clears its cached site root paths.
            site.save(update_fields=["hostname", "port"])
        self.stdout.write(
            self.style.SUCCESS(
                f"The default site {site.site_name!r} now uses {host}:{port} (it used {before}): "
                f"absolute URLs start with {site.root_url}/."
            )
        )
