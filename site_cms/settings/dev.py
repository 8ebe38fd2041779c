"""Local development: debug on, SQLite by default, no environment variable required."""

from . import environment
from .base import *  # noqa: F403

DEBUG = True
# Local only: this key never signs anything that leaves the developer's machine.
SECRET_KEY = environment.secret_key(required=False, fallback="django-insecure-local-development-only")
ALLOWED_HOSTS = environment.allowed_hosts(["localhost", "127.0.0.1", "[::1]"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Serve static files from the apps and static/ without collectstatic (whitenoise looks them up per request).
WHITENOISE_AUTOREFRESH = True
# Only feeds served by this machine (the demo feed, the tests' feed servers) may be imported: never an
# address on the developer's network.
OUTBOUND_NETWORK = "loopback"
