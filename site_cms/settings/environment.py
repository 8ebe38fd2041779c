"""The one place where the process environment is read.

Every setting that depends on an environment variable gets its value through this module, so a
reader can see at a glance which variables the site understands (the docs' settings page lists
them). ``django-environ`` parses the values (booleans, lists, database URLs) so that no settings
module parses strings by hand.
"""

import warnings
from pathlib import Path
from urllib.parse import urlparse

import environ
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
    if persistent and "postgresql" in config["ENGINE"]:
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
        config["CONN_HEALTH_CHECKS"] = True
        options = config.setdefault("OPTIONS", {})
        options["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        sslmode = env.str("DATABASE_SSLMODE", default="require" if env.str("DYNO", default="") else "")
        if sslmode:
            options["sslmode"] = sslmode
    return config


def secret_key(*, required: bool, fallback: str = "") -> str:
    """Return ``SECRET_KEY`` from the environment.

    Where ``required`` is true (production) a missing or empty key stops the process with a message
    that says what to set; elsewhere ``fallback`` is used.
    """
    value = env.str("SECRET_KEY", default="")
    if value:
        return value
    if required:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random secret key in the SECRET_KEY "
            "environment variable, for example: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return fallback


def heroku_host() -> str | None:
    """Return the Heroku app's default host name from ``HEROKU_APP_NAME``, if given."""
    name = env.str("HEROKU_APP_NAME", default="")
    return f"{name}.herokuapp.com" if name else None


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


def admin_base_url(default: str) -> str:
    """Return the public base URL used in admin e-mails and links: ``WAGTAILADMIN_BASE_URL``, else the Heroku URL."""
    if (host := heroku_host()) and not env.str("WAGTAILADMIN_BASE_URL", default=""):
        return f"https://{host}"
    return env.str("WAGTAILADMIN_BASE_URL", default=default)


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
    return not shared_cache and env.int("WEB_CONCURRENCY", default=1) > 1


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


def fragment_cache_seconds(*, shared_cache: bool) -> int:
    """Return how long rendered listing cards stay cached (``FRAGMENT_CACHE_SECONDS``, default a day; 0: off).

    Off, like the page cache, with more than one web process and no shared cache.
    """
    if _cache_is_per_process_among_several(shared_cache):
        return 0
    return max(env.int("FRAGMENT_CACHE_SECONDS", default=86400), 0)


def media_root(default: Path) -> Path:
    """Return where uploads are kept when no object store is configured, from ``MEDIA_ROOT``."""
    return Path(env.str("MEDIA_ROOT", default=str(default)))


def log_level() -> str:
    """Return the log level of the project's own loggers, from ``LOG_LEVEL`` (default INFO)."""
    return env.str("LOG_LEVEL", default="INFO").upper()


def redis_url() -> str | None:
    """Return the Redis URL (``REDIS_URL``, or Heroku's ``REDIS_TLS_URL``), or None."""
    return env.str("REDIS_URL", default="") or env.str("REDIS_TLS_URL", default="") or None


def cache_config(redis: str | None, *, key_prefix: str) -> dict:
    """Return a cache backend: Redis through django-redis when a URL is given, else local memory.

    Redis errors are ignored (a miss), so the site keeps serving when Redis is down. Heroku Redis
    speaks TLS (``rediss://``) with a self-signed certificate, which is accepted there.
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
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
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
