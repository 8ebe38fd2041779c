"""Settings shared by every environment; the environment itself is read in ``environment.py``."""

from csp.constants import NONE, SELF, UNSAFE_INLINE

from . import environment
from .environment import BASE_DIR

PROJECT_DIR = BASE_DIR / "site_cms"
# Production settings set this; commands that must not run there (demo data) check it.
IS_PRODUCTION = False

INSTALLED_APPS = [
    "site_cms.apps.SiteConfig",
    "core",
    "home",
    "lettings",
    "profiles",
    "pages",
    "search",
    "legacy",
    "api",
    "enquiries",
    "pagecache",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "site_cms.middleware.SessionCookieCheckMiddleware",
    # Early, so a cached page skips sessions, CSRF, auth and URL resolving (see pagecache.middleware).
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "site_cms.middleware.SiteCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "site_cms.urls"
# Where the two admins live: the URLs, the page cache, the CSP exception and robots.txt all read these.
WAGTAIL_ADMIN_PATH_PREFIX = "/cms/"
DJANGO_ADMIN_PATH_PREFIX = "/admin/"
WSGI_APPLICATION = "site_cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": environment.database_config(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's default hashers: old-site passwords (PBKDF2 with 180,000 iterations) keep working and are
# rehashed with today's iterations on the next login.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = environment.static_root(BASE_DIR / "staticfiles")
STATIC_URL = "/static/"
MEDIA_ROOT = environment.media_root(BASE_DIR / "media")
MEDIA_URL = "/media/"
# Uploaded media are served by Django only where no object store serves them (local use).
SERVE_MEDIA = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The Wagtail admin posts large forms (page editor panels, galleries, bulk actions): Wagtail's
# project template allows 10,000 fields rather than Django's 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Orange County Lettings"

# E-mail (enquiries): EMAIL_URL chooses the backend and server; the console without it.
_email = environment.email_settings()
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10  # a mail server that hangs must not hold a sender for long (the mail stays pending)
# Enquiry mails go from a background thread after the commit, never inside the visitor's request.
ENQUIRY_MAIL_IN_BACKGROUND = True
DEFAULT_FROM_EMAIL = environment.default_from_email()
ENQUIRY_EMAIL = environment.enquiry_email()
# Only behind Heroku's router is the last X-Forwarded-For hop the visitor's address (enquiries' rate limit).
BEHIND_HEROKU_ROUTER = False
# The public address of the site: absolute URLs (sitemaps, e-mails, admin links) use it, and
# ``manage.py sync_site`` points the Wagtail site at it (production's release phase runs it).
PUBLIC_BASE_URL = environment.public_base_url("http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# No admin or public page may call an external host: no Gravatar, no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_FINDERS = []

LOGIN_URL = "wagtailadmin_login"
# Where a login goes when its "next" is missing or unsafe (Django's default, /accounts/profile/, is a 404 here).
LOGIN_REDIRECT_URL = "wagtailadmin_home"

CACHES = {
    "default": environment.cache_config(None, key_prefix="oc"),
    "renditions": environment.cache_config(None, key_prefix="oc-renditions"),
    "pages": environment.cache_config(None, key_prefix="oc-pages"),
}
# Anonymous visitors' pages, cleared on every content change (pagecache); 0 turns the cache off.
# The development server is one process, so its local-memory cache is shared by every request;
# production settings decide again from REDIS_URL and WEB_CONCURRENCY.
PAGE_CACHE_ALIAS = "pages"
# Paths that never lead to a cacheable page, so the page cache does not even look them up.
PAGE_CACHE_SKIP_PREFIXES = (
    "/healthz", WAGTAIL_ADMIN_PATH_PREFIX, DJANGO_ADMIN_PATH_PREFIX, "/documents/", "/static/", "/media/",
    "/robots.txt", "/sitemap", "/favicon.ico",
)  # fmt: skip
PAGE_CACHE_SECONDS = environment.page_cache_seconds(shared_cache=True)
# Bytes of pages with a query string (filters, search words, cursors) stored per PAGE_CACHE_SECONDS:
# what bounds the cache's memory whatever visitors send (pagecache.cache, docs/security.rst).
PAGE_CACHE_QUERY_BYTES = environment.page_cache_query_bytes()
# Values derived from content (the main menu) are kept per content generation, in each process, only
# while every process reads the same generation: the development server is one process (a command run
# beside it is not seen until the server's own next change); production decides from REDIS_URL.
GENERATION_MEMO = environment.generation_memo(shared_cache=True)
# Listing cards, reused by pages the page cache cannot serve (editors, new filters); 0 turns it off.
FRAGMENT_CACHE_SECONDS = environment.fragment_cache_seconds(shared_cache=True)

# Same origin for everything: no third-party script, font or image on any public or admin page.
# Inline styles are allowed because the Wagtail admin sets style attributes from its scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Wagtail's live preview shows the page in a same-origin frame, so SAMEORIGIN rather than DENY.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stdout"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        app: {"handlers": ["console"], "level": environment.log_level(), "propagate": False}
        for app in ("home", "lettings", "profiles", "search", "legacy", "site_cms")
    },
}

SENTRY_OPTIONS = environment.sentry_options()

# Where addresses typed into the site (calendar feeds) may be fetched from (core.outbound): "internet" allows
# only public addresses on ports 80 and 443 (an editor's URL must not reach internal services), "loopback"
# only this machine (development and the tests serve their feeds locally).
OUTBOUND_NETWORK = "internet"
