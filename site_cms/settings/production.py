"""Production settings: Heroku (or the self-contained container), hardened, configured by the environment."""

from ..observability import init_sentry
from . import environment
from .base import *  # noqa: F403
from .base import BASE_DIR, CONTENT_SECURITY_POLICY, SENTRY_OPTIONS

DEBUG = False
IS_PRODUCTION = True
SECRET_KEY = environment.secret_key(required=True)
ALLOWED_HOSTS = environment.allowed_hosts([])
CSRF_TRUSTED_ORIGINS = environment.csrf_trusted_origins()
WAGTAILADMIN_BASE_URL = environment.admin_base_url("http://localhost:8000")

DATABASES = {"default": environment.database_config(BASE_DIR / "db.sqlite3", persistent=True)}

_media = environment.media_storage()
STORAGES = {
    "default": _media or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SERVE_MEDIA = _media is None
if _media:
    _options = _media["OPTIONS"]
    _media_origin = f"https://{_options['custom_domain']}" if _options["custom_domain"] else _options["endpoint_url"]
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin or "https://*.amazonaws.com")

_redis = environment.redis_url()
CACHES = {
    "default": environment.cache_config(_redis, key_prefix="oc"),
    "renditions": environment.cache_config(_redis, key_prefix="oc-renditions"),
    "pages": environment.cache_config(_redis, key_prefix="oc-pages"),
}
PAGE_CACHE_SECONDS = environment.page_cache_seconds(shared_cache=_redis is not None)
FRAGMENT_CACHE_SECONDS = environment.fragment_cache_seconds(shared_cache=_redis is not None)

_https = environment.https_enabled()
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _https
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
if _https:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

init_sentry(SENTRY_OPTIONS, secret_key=SECRET_KEY)
