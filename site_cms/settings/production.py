"""Production settings: Heroku (or the self-contained container), hardened, configured by the environment."""

import copy

from ..observability import init_sentry
from . import base, environment
from .base import *  # noqa: F403
from .base import BASE_DIR, SENTRY_OPTIONS

DEBUG = False
IS_PRODUCTION = True
SECRET_KEY = environment.secret_key(required=True)
# The one public address of every absolute URL: the admin's links and e-mails, and the default
# Wagtail Site (``manage.py sync_site``, run by the release phase) for page URLs and the sitemap.
PUBLIC_BASE_URL = environment.public_base_url("http://localhost:8000")
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
ALLOWED_HOSTS = environment.allowed_hosts([])
CSRF_TRUSTED_ORIGINS = environment.csrf_trusted_origins()
if _public := environment.public_origin():
    _public_host, _public_origin = _public
    if _public_host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_public_host)
    if _public_origin not in CSRF_TRUSTED_ORIGINS:
        CSRF_TRUSTED_ORIGINS.append(_public_origin)
# A copy: the base policy stays as it is for every other settings module (and test) in the process.
CONTENT_SECURITY_POLICY = copy.deepcopy(base.CONTENT_SECURITY_POLICY)

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
    # The page cache handles Redis errors itself: it must know when an invalidation fails.
    "pages": environment.cache_config(_redis, key_prefix="oc-pages", ignore_exceptions=False),
}
PAGE_CACHE_SECONDS = environment.page_cache_seconds(shared_cache=_redis is not None)
GENERATION_MEMO = environment.generation_memo(shared_cache=_redis is not None)
FRAGMENT_CACHE_SECONDS = environment.fragment_cache_seconds(shared_cache=_redis is not None)

_https = environment.https_enabled()
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# On Heroku the router appends the visitor's address to X-Forwarded-For (the enquiries' rate limit reads it).
# DYNO, which Heroku always sets, not HEROKU_APP_NAME, which needs the dyno-metadata feature.
BEHIND_HEROKU_ROUTER = environment.on_heroku_dyno()
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

init_sentry(SENTRY_OPTIONS, secret_key=SECRET_KEY, secrets=environment.secret_values())
