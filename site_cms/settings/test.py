"""Test settings: fast password hashing, in-memory cache, media in a temporary folder.

The database comes from ``DATABASE_URL`` like everywhere else, so the same suite runs on SQLite
(the default) and on PostgreSQL.
"""

import tempfile

from . import environment
from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = environment.secret_key(required=False, fallback="test-only-secret-key")
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="oc-lettings-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the apps and static/ without collectstatic (whitenoise looks them up per request).
WHITENOISE_AUTOREFRESH = True
# In a test's transaction nothing commits, so the cache would never be cleared: the page cache is
# off here and switched on by its own tests (pagecache/tests), which run the commit callbacks.
# The browser and production smoke tests serve real commits with the cache on.
PAGE_CACHE_SECONDS = 0
FRAGMENT_CACHE_SECONDS = 0
# One process, whose tests advance the generation themselves where content changes (as a commit would).
GENERATION_MEMO = True
# Only feeds served by this machine (the demo feed, the tests' feed servers) may be imported: never an
# address on the developer's network.
OUTBOUND_NETWORK = "loopback"
# Enquiry mails go when the test's commit callbacks run, not from a thread the test would have to wait for.
ENQUIRY_MAIL_IN_BACKGROUND = False
