"""The one place where the process environment is read.

Every setting that depends on an environment variable gets its value through this module, so a
reader can see at a glance which variables the site understands (the docs' settings page lists
them). ``django-environ`` parses the values (booleans, lists, database URLs) so that no settings
module parses strings by hand.
"""

import contextlib
import re
import warnings
from pathlib import Path
from urllib.parse import unquote, urlparse

import environ
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def database_config(default_sqlite_path: Path, *, persistent: bool = False) -> dict:
    """Return the default database from ``DATABASE_URL``, or an SQLite file when it is unset.

    With ``persistent`` (production), PostgreSQL connections are kept between requests and checked
    before reuse, time out after ``DATABASE_CONNECT_TIMEOUT`` seconds, and use SSL where
    ``DATABASE_SSLMODE`` asks (on Heroku, where ``DYNO`` is set, ``require`` by default).
    """
    config = env.db_url("DATABASE_URL", default=f"sqlite:///{default_sqlite_path}")
    if "sqlite" in config["ENGINE"]:
        # Take the write lock when a transaction begins and wait for it, rather than fail at once with
        # "database is locked" when a read turns into a write beside another writer (the enquiry mails'
        # thread beside a request, on the laptop container or the development server).
        config.setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
    if persistent and "postgresql" in config["ENGINE"]:
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
        config["CONN_HEALTH_CHECKS"] = True
        options = config.setdefault("OPTIONS", {})
        options["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        sslmode = env.str("DATABASE_SSLMODE", default="require" if on_heroku_dyno() else "")
        if sslmode:
            options["sslmode"] = sslmode
    return config


MAKE_A_SECRET_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def secret_key(*, required: bool, fallback: str = "") -> str:
    """Return ``SECRET_KEY`` from the environment.

    Where ``required`` is true (production) a missing, empty or weak key (see
    :func:`weak_secret_key_problem`) stops the process with a message that says how to make a good
    one; elsewhere ``fallback`` is used.
    """
    value = env.str("SECRET_KEY", default="")
    if value and required and (problem := weak_secret_key_problem(value)):
        raise ImproperlyConfigured(
            f"SECRET_KEY is weak: {problem}. Django's 'check --deploy' (security.W009) wants at least "
            f"{SECRET_KEY_MIN_LENGTH} characters, at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, "
            f"and no '{SECRET_KEY_INSECURE_PREFIX}' prefix. Make a good one with: {MAKE_A_SECRET_KEY}"
        )
    if value:
        return value
    if required:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random secret key in the SECRET_KEY "
            f"environment variable, for example: {MAKE_A_SECRET_KEY}"
        )
    return fallback


def weak_secret_key_problem(value: str) -> str | None:
    """Say why ``value`` is a weak secret key by the rule of Django's ``check --deploy``, or return None.

    The rule is Django's own (security.W009): fewer than 50 characters, fewer than 5 different
    characters, or the ``django-insecure-`` prefix that ``startproject`` writes. The key itself is
    never part of the answer.
    """
    if value.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"it starts with '{SECRET_KEY_INSECURE_PREFIX}'"
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(value)} characters"
    if len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it has only {len(set(value))} different characters"
    return None


# Names of variables whose values are secrets, and the shortest value worth replacing in every text.
_SECRET_VARIABLE = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|API_?KEY|_KEY$")
_SHORTEST_SECRET = 8


def secret_values() -> tuple[str, ...]:
    """Return the secrets of the environment, for the error reporter to replace wherever they appear.

    They are the values of variables named like a secret (``SECRET_KEY``, ``AWS_SECRET_ACCESS_KEY``,
    ``*_TOKEN``, ``*_PASSWORD``...) and the passwords inside URLs (``DATABASE_URL``, ``REDIS_URL``,
    ``EMAIL_URL``...), when at least 8 characters long.
    """
    found = set()
    for name, value in env.ENVIRON.items():
        if _SECRET_VARIABLE.search(name.upper()):
            found.add(value)
        if "://" in value:
            with contextlib.suppress(ValueError):
                found.add(unquote(urlparse(value).password or ""))
    return tuple(sorted(value for value in found if len(value) >= _SHORTEST_SECRET))


def on_heroku_dyno() -> bool:
    """Tell whether this process runs on a Heroku dyno (Heroku sets ``DYNO``, such as ``web.1``, on every one)."""
    return bool(env.str("DYNO", default=""))


def heroku_host() -> str | None:
    """Return the Heroku app's default host name from ``HEROKU_APP_NAME``, if given."""
    name = env.str("HEROKU_APP_NAME", default="")
    return f"{name}.herokuapp.com" if name else None


def public_url() -> str | None:
    """Return the site's public base URL as configured, without a trailing slash, or None.

    It is ``PUBLIC_URL`` (a custom domain, e.g. ``https://www.oc-lettings.com``), else
    ``WAGTAILADMIN_BASE_URL`` (the app's web URL, which the deploy job sets), else the Heroku app's
    URL from ``HEROKU_APP_NAME`` (``https://<name>.herokuapp.com``).
    """
    for name in ("PUBLIC_URL", "WAGTAILADMIN_BASE_URL"):
        if value := env.str(name, default="").strip():
            return value.rstrip("/")
    if host := heroku_host():
        return f"https://{host}"
    return None


def public_base_url(default: str) -> str:
    """Return the base of every absolute URL (sitemap, admin links, e-mails): :func:`public_url`, else ``default``."""
    return public_url() or default.rstrip("/")


def public_origin() -> tuple[str, str] | None:
    """Return the configured public URL's host name and origin (``scheme://host[:port]``), or None."""
    url = public_url()
    try:
        parts = urlparse(url) if url else None
        host = parts.hostname if parts else None
    except ValueError:
        return None
    if not host or parts.scheme not in ("http", "https"):
        return None
    return host, f"{parts.scheme}://{parts.netloc.rpartition('@')[2].lower()}"


def allowed_hosts(default: list[str]) -> list[str]:
    """Return the host names the site answers to: ``ALLOWED_HOSTS`` (comma separated) plus the Heroku host."""
    hosts = env.list("ALLOWED_HOSTS", default=default)
    if (host := heroku_host()) and host not in hosts:
        hosts.append(host)
    return hosts


def csrf_trusted_origins() -> list[str]:
    """Return the origins trusted for unsafe requests: ``CSRF_TRUSTED_ORIGINS`` plus the Heroku app's origin."""
    origins = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    if (host := heroku_host()) and f"https://{host}" not in origins:
        origins.append(f"https://{host}")
    return origins


def https_enabled() -> bool:
    """Return whether the site is served over HTTPS (``SITE_HTTPS``, default true).

    Only the self-contained container on a laptop (``docker run`` without ``DATABASE_URL``) turns it
    off, so that http://localhost works; Heroku always serves HTTPS.
    """
    return env.bool("SITE_HTTPS", default=True)


def static_root(default: Path) -> Path:
    """Return where ``collectstatic`` writes, from ``STATIC_ROOT``."""
    return Path(env.str("STATIC_ROOT", default=str(default)))


def _cache_is_per_process_among_several(shared_cache: bool) -> bool:
    """Tell whether each of several web processes (``WEB_CONCURRENCY``) would keep its own cache.

    Such a cache, cleared in one process, would stay stale in the others, so the page and fragment
    caches (both cleared by a generation number kept in the cache) are off then.
    """
    # bin/start runs ${WEB_CONCURRENCY:-2} gunicorn workers: the same default here.
    return not shared_cache and env.int("WEB_CONCURRENCY", default=2) > 1


def page_cache_seconds(*, shared_cache: bool) -> int:
    """Return how long anonymous pages stay cached (``PAGE_CACHE_SECONDS``, default 600; 0 turns it off).

    With more than one web process and no shared cache (no Redis) the page cache is off, with a warning.
    """
    seconds = env.int("PAGE_CACHE_SECONDS", default=600)
    if seconds > 0 and _cache_is_per_process_among_several(shared_cache):
        warnings.warn(
            "The page cache is off: WEB_CONCURRENCY is above 1 and REDIS_URL is not set, so a cache "
            "cleared in one process would stay stale in the others. Set REDIS_URL to cache pages.",
            stacklevel=2,
        )
        return 0
    return max(seconds, 0)


def page_cache_query_bytes() -> int:
    """Return how many bytes of pages with a query string the page cache stores per window (``PAGE_CACHE_QUERY_BYTES``).

    Default 4 MiB per ``PAGE_CACHE_SECONDS``: at most 8 MiB of such pages at once, a third of the
    smallest Heroku Redis (25 MB; ``docs/security.rst``). Raise it with a larger Redis.
    """
    return max(env.int("PAGE_CACHE_QUERY_BYTES", default=4 * 1024 * 1024), 0)


def fragment_cache_seconds(*, shared_cache: bool) -> int:
    """Return how long rendered listing cards stay cached (``FRAGMENT_CACHE_SECONDS``, default a day; 0: off).

    Off without a shared cache: a card kept a day in one process's memory would miss the changes
    of every other process (several web processes, a scheduled job, ``heroku run``).
    """
    if not shared_cache:
        return 0
    return max(env.int("FRAGMENT_CACHE_SECONDS", default=86400), 0)


def generation_memo(*, shared_cache: bool) -> bool:
    """Tell whether values derived from content may be kept per generation in each process.

    Only while every process that changes content advances the generation the web processes read:
    with Redis. Without it even one web process would miss the changes of a scheduled job or a
    ``heroku run`` (their own local caches). The page cache may be off (``PAGE_CACHE_SECONDS=0``):
    the generation is advanced all the same.
    """
    return shared_cache


def media_root(default: Path) -> Path:
    """Return where uploads are kept when no object store is configured, from ``MEDIA_ROOT``."""
    return Path(env.str("MEDIA_ROOT", default=str(default)))


def log_level() -> str:
    """Return the log level of the project's own loggers, from ``LOG_LEVEL`` (default INFO)."""
    return env.str("LOG_LEVEL", default="INFO").upper()


def redis_url() -> str | None:
    """Return the Redis URL (``REDIS_URL``, or Heroku's ``REDIS_TLS_URL``), or None."""
    return env.str("REDIS_URL", default="") or env.str("REDIS_TLS_URL", default="") or None


def cache_config(redis: str | None, *, key_prefix: str, ignore_exceptions: bool = True) -> dict:
    """Return a cache backend: Redis through django-redis when a URL is given, else local memory.

    With ``ignore_exceptions`` a Redis error is a miss, so the site keeps serving when Redis is
    down; the page cache turns it off, because it must know when an invalidation fails. Every
    alias goes through a circuit breaker (:mod:`pagecache.redis_client`): after a failure, Redis is
    left alone for ``REDIS_CIRCUIT_SECONDS`` (default 5), so a hung Redis costs one short wait, not
    one per cache call. Heroku Redis speaks TLS (``rediss://``) with a self-signed certificate,
    which is accepted there.
    """
    if not redis:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": key_prefix}
    pool = {}
    if urlparse(redis).scheme == "rediss":
        pool["ssl_cert_reqs"] = None
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "CLIENT_CLASS": "pagecache.redis_client.CircuitBreakerClient",
            "IGNORE_EXCEPTIONS": ignore_exceptions,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "CIRCUIT_OPEN_SECONDS": env.float("REDIS_CIRCUIT_SECONDS", default=5.0),
            "CONNECTION_POOL_KWARGS": pool,
        },
    }


def media_storage() -> dict | None:
    """Return the S3 media storage when ``AWS_STORAGE_BUCKET_NAME`` is set, else None.

    Credentials come from ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` (boto3 reads them);
    ``AWS_S3_ENDPOINT_URL`` names an S3-compatible service other than AWS.
    """
    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        return None
    endpoint = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path" if endpoint else "auto"),
        "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
        "file_overwrite": False,
        "default_acl": None,
        "object_parameters": {"CacheControl": "max-age=86400, public"},
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def sentry_options() -> dict | None:
    """Return Sentry's settings when a DSN is set (``SENTRY_DSN``, or ``DSN`` as the old pipeline named it)."""
    dsn = env.str("SENTRY_DSN", default="") or env.str("DSN", default="")
    if not dsn:
        return None
    return {
        "dsn": dsn,
        "environment": env.str("SENTRY_ENVIRONMENT", default="production"),
        "release": release(),
        "traces_sample_rate": env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    }


def release() -> str | None:
    """Return the release name: the commit SHA baked into the image (``RELEASE``), or Heroku's."""
    return env.str("RELEASE", default="") or env.str("HEROKU_SLUG_COMMIT", default="") or None


def email_settings() -> dict:
    """Return Django's e-mail settings from ``EMAIL_URL``: ``smtp+tls://user:password@host:587``, or the console.

    Without it, mail is written to the console (the process log), which suits a laptop; production
    sets it to its mail service's SMTP address (a Heroku add-on gives one).
    """
    return env.email_url("EMAIL_URL", default="consolemail://")


def default_from_email() -> str:
    """Return the sender of the site's e-mails (``DEFAULT_FROM_EMAIL``)."""
    return env.str("DEFAULT_FROM_EMAIL", default="Orange County Lettings <no-reply@oc-lettings.example>")


def enquiry_email() -> str:
    """Return where enquiries are mailed unless an editor set another address (``ENQUIRY_EMAIL``)."""
    return env.str("ENQUIRY_EMAIL", default="enquiries@oc-lettings.example")
