"""Error and log reporting to Sentry, with personal data and secrets kept out of every payload.

Sentry starts only when a DSN is configured. Django errors become events; log records of level
ERROR become events and INFO records become breadcrumbs. Nothing personal is sent: no default PII,
cookies and authorisation headers removed, password-like fields scrubbed by sentry-sdk's scrubber,
e-mail addresses and the secret key replaced wherever they appear in the event.
"""

import logging
import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
REDACTED = "[Filtered]"
EXTRA_DENYLIST = ["email", "e-mail", "username", "csrfmiddlewaretoken", "sessionid", "csrftoken", "secret_key"]


def _redact(value: Any, secrets: tuple[str, ...]) -> Any:
    """Return ``value`` with e-mail addresses and secret strings replaced, through dicts and lists."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return EMAIL.sub(REDACTED, value)
    if isinstance(value, dict):
        return {key: _redact(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(item, secrets) for item in value]
    return value


def make_before_send(secrets: tuple[str, ...]):
    """Return a ``before_send`` hook that drops cookies and headers that identify a person, then redacts."""

    def before_send(event: dict, hint: dict) -> dict:
        """Strip the request's cookies and identifying headers and redact e-mails and secrets."""
        request = event.get("request") or {}
        request.pop("cookies", None)
        headers = request.get("headers") or {}
        for name in list(headers):
            if name.lower() in ("cookie", "authorization", "x-csrftoken", "x-forwarded-for"):
                headers.pop(name)
        event.pop("user", None)
        return _redact(event, secrets)

    return before_send


def init_sentry(options: dict | None, *, secret_key: str) -> bool:
    """Start sentry-sdk with ``options`` (from the environment); do nothing and return False without a DSN."""
    if not options:
        return False
    sentry_sdk.init(
        **options,
        integrations=[
            DjangoIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        send_default_pii=False,
        event_scrubber=EventScrubber(denylist=[*DEFAULT_DENYLIST, *EXTRA_DENYLIST], recursive=True),
        before_send=make_before_send(tuple(secret for secret in (secret_key,) if secret)),
        before_breadcrumb=lambda crumb, hint: _redact(crumb, (secret_key,) if secret_key else ()),
    )
    return True
