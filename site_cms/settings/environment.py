"""The one place where the process environment is read.

Every setting that depends on an environment variable gets its value through this module, so a
reader can see at a glance which variables the site understands. ``django-environ`` parses the
values (booleans, lists, database URLs) so that no settings module parses strings by hand.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def database_config(default_sqlite_path: Path) -> dict:
    """Return the default database from ``DATABASE_URL``, or an SQLite file when it is unset."""
    return env.db_url("DATABASE_URL", default=f"sqlite:///{default_sqlite_path}")


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


def allowed_hosts(default: list[str]) -> list[str]:
    """Return the host names the site answers to, from ``ALLOWED_HOSTS`` (comma separated)."""
    return env.list("ALLOWED_HOSTS", default=default)


def csrf_trusted_origins() -> list[str]:
    """Return the origins trusted for unsafe requests, from ``CSRF_TRUSTED_ORIGINS``."""
    return env.list("CSRF_TRUSTED_ORIGINS", default=[])


def admin_base_url(default: str) -> str:
    """Return the public base URL used in admin e-mails and links, from ``WAGTAILADMIN_BASE_URL``."""
    return env.str("WAGTAILADMIN_BASE_URL", default=default)


def log_level() -> str:
    """Return the log level of the project's own loggers, from ``LOG_LEVEL`` (default INFO)."""
    return env.str("LOG_LEVEL", default="INFO").upper()
