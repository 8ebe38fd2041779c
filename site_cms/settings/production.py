"""Production settings: debug off, a secret key from the environment or no start at all."""

from . import environment
from .base import *  # noqa: F403

DEBUG = False
IS_PRODUCTION = True
SECRET_KEY = environment.secret_key(required=True)
ALLOWED_HOSTS = environment.allowed_hosts([])
CSRF_TRUSTED_ORIGINS = environment.csrf_trusted_origins()

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
