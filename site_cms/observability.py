"""Error and log reporting to Sentry, with personal data and secrets kept out of every payload.

Sentry starts only when a DSN is configured. Django errors become events; log records of level
ERROR become events and INFO records become breadcrumbs.

What leaves the site is decided in two layers, so that a mistake in one is caught by the other:

1. What the SDK collects at all (``DATA_COLLECTION``): no user, no cookies, no request body (form
   fields are never sent, whatever they are called), no local variables of stack frames, no SQL
   parameters; only harmless request headers (user agent, content type...). What is kept is what
   makes an error useful: the exception, its stack trace with source lines, the URL path, the
   method, the query string without private parameters, breadcrumbs.
2. A scrubber run on every event, transaction and breadcrumb (``scrub_event``, ``scrub_breadcrumb``)
   that goes through the request (URL, query string, headers, environment), exception messages,
   frame variables, breadcrumbs, extra data, contexts, tags, log messages and spans. Any key whose
   name *contains* a private word (``PRIVATE_KEY``: password, token, secret, key, csrf, session,
   cookie, auth, e-mail, phone, name, address...; case-insensitive, at any depth) has its value
   replaced by ``[Filtered]``. In free text it replaces ``key=value`` and ``'key': 'value'`` pairs with
   such keys, private URL query parameters, ``Bearer``/``Basic`` credentials, Django password-reset
   tokens, database error details (``Key (email)=(...)``), e-mail addresses, phone numbers, and the
   secret key and other secrets of the environment wherever they appear.
"""

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote_plus

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

REDACTED = "[Filtered]"

_SECRET_WORDS = (
    "pass|pwd|secret|token|key|csrf|xsrf|session|cookie|auth|credential|signature|jwt|bearer|otp|salt|private|"
    "dsn|sid|params"
)
_PERSONAL_WORDS = "mail|phone|mobile|fax|name|addr|birth|ssn|passport|iban|card|cvv|forwarded|remote|login"
# A key (form field, header, query parameter, variable, dict key) whose value must never be sent.
PRIVATE_KEY = re.compile(
    rf"{_SECRET_WORDS}|{_PERSONAL_WORDS}|(?:^|[^a-z])ip(?:$|[^a-z])|real-?ip|client-?ip|^user(?:[_-]?id)?$",
    re.IGNORECASE,
)
# The patterns below scan a long string (a log message, a repr) in linear time: they start at the
# start of a token, never backtrack into one (possessive quantifiers) and bound what they look ahead.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
# ``Authorization: Bearer <token>`` and the like.
CREDENTIALS = re.compile(r"\b(Bearer|Basic|Digest)\s++[\w.~+/=-]++", re.IGNORECASE)
# ``password=...``, ``"api_token": "..."``, ``'password1': ['...']`` in free text (a repr, a log message);
# the key is private when it contains a private word (checked by ``_redact_assignments``).
ASSIGNMENT = re.compile(r"""(?<![\w.-])(?P<key>[\w.-]++)(?P<sep>["']?\s*+[:=]\s*+[\[(]?\s*+)""")
ASSIGNED_VALUE = re.compile(r"""("[^"]*+"|'[^']*+'|[^\s,;&)\]}"']++)""")
# A query parameter in a URL written in free text (``?token=...&email=...``).
QUERY_PARAMETER = re.compile(r"(?P<lead>[?&;])(?P<key>[^=&;#?\s]++)=(?P<value>[^&;#\s]*+)")
# A Django password-reset (or similar) token in a URL path: ``<timestamp in base 36>-<hex digest>``.
RESET_TOKEN = re.compile(r"\b[0-9a-z]{1,13}-[0-9a-f]{20,}+\b")
# PostgreSQL's detail of a constraint error: ``Key (email)=(jo@example.com) already exists``.
DATABASE_DETAIL = re.compile(
    r"(Key \([^)\n]{0,300}+\)=\()[^\n]*?(\)(?: already exists| is not present)|$)", re.MULTILINE
)
# A run of digits, spaces and phone punctuation; ``_phone`` decides whether it is a phone number.
PHONE = re.compile(r"(?<![\w+/:.=-])\+?\d[\d\s().-]*+")
PHONE_MIN_DIGITS = 9
MAX_DEPTH = 20
# What follows ``key=`` without being a value: an SQL placeholder, or a value already replaced.
NOT_A_VALUE = frozenset({"%s", "?", REDACTED, REDACTED.strip("[]")})

# Contexts the SDK fills with facts about the machine, where "name" is a runtime's name, not a person's.
SDK_CONTEXTS = frozenset({"runtime", "os", "device"})

# What sentry-sdk collects in the first place (its ``data_collection`` option): nothing personal.
DATA_COLLECTION = {
    "user_info": False,
    "cookies": {"mode": "off"},
    # Only headers that say nothing about the visitor; every other value is replaced.
    "http_headers": {
        "request": {
            "mode": "allowlist",
            "terms": ["user-agent", "content-type", "content-length", "accept", "host", "origin", "x-request-id"],
        }
    },
    "http_bodies": [],
    "url_query_params": {"mode": "denylist", "terms": [*_PERSONAL_WORDS.split("|"), "pass", "secret", "private"]},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
    "frame_context_lines": 5,
}


def is_private_key(key: Any) -> bool:
    """Tell whether the value under ``key`` must not be sent (its name contains a private word)."""
    return isinstance(key, str) and bool(PRIVATE_KEY.search(key))


def _phone(match: re.Match) -> str:
    """Replace a run of at least 9 digits (with spaces, dots, dashes, brackets) that is not part of a word."""
    run = match.group(0)
    number = run.rstrip(" \t\r\n().-")
    following = match.string[match.start() + len(number) : match.start() + len(number) + 1]
    part_of_a_word = bool(following) and (following.isalnum() or following in "/:_")
    if sum(char.isdigit() for char in number) < PHONE_MIN_DIGITS or part_of_a_word:
        return run
    return REDACTED + run[len(number) :]


def _redact_assignments(text: str) -> str:
    """Replace the values of ``key=value`` pairs whose key is private (the value is read only then)."""
    parts, position = [], 0
    while match := ASSIGNMENT.search(text, position):
        parts.append(text[position : match.end()])
        position = match.end()
        if not is_private_key(match.group("key")):
            continue
        value = ASSIGNED_VALUE.match(text, position)
        if value and value.group().strip("\"'") not in NOT_A_VALUE:
            parts.append(REDACTED)
            position = value.end()
    parts.append(text[position:])
    return "".join(parts)


def _query_parameter(match: re.Match) -> str:
    """Replace the value of a URL query parameter whose name is private."""
    if not is_private_key(unquote_plus(match.group("key"))):
        return match.group(0)
    return f"{match.group('lead')}{match.group('key')}={REDACTED}"


def redact_text(text: str, secrets: tuple[str, ...]) -> str:
    """Return ``text`` with secrets, credentials, private pairs and parameters, e-mails and phone numbers replaced."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    text = CREDENTIALS.sub(rf"\1 {REDACTED}", text)
    text = _redact_assignments(text)
    text = QUERY_PARAMETER.sub(_query_parameter, text)
    text = RESET_TOKEN.sub(REDACTED, text)
    text = DATABASE_DETAIL.sub(rf"\1{REDACTED}\2", text)
    text = EMAIL.sub(REDACTED, text)
    return PHONE.sub(_phone, text)


def scrub(value: Any, secrets: tuple[str, ...], depth: int = 0) -> Any:
    """Return ``value`` scrubbed at any depth: private keys' values replaced, every string redacted.

    Deeper than ``MAX_DEPTH`` (far deeper than sentry-sdk sends), a value is replaced whole.
    """
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, Mapping | list | tuple) and depth >= MAX_DEPTH:
        return REDACTED
    if isinstance(value, Mapping):
        return {
            key: REDACTED if is_private_key(key) else scrub(item, secrets, depth + 1) for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item, secrets, depth + 1) for item in value]
    return value


def scrub_query_string(query: str, secrets: tuple[str, ...]) -> str:
    """Return a query string (``a=1&b=2``) with the values of private parameters replaced."""
    return redact_text(f"?{query}", secrets)[1:]


def _scrub_request(request: dict, secrets: tuple[str, ...]) -> dict:
    """Scrub the request part of an event: no cookies, no body, no private header, private parameters replaced."""
    request.pop("cookies", None)
    if isinstance(request.get("data"), str | Mapping | list):
        request["data"] = REDACTED
    if isinstance(request.get("query_string"), str):
        request["query_string"] = scrub_query_string(request["query_string"], secrets)
    if isinstance(request.get("headers"), Mapping):
        headers = request["headers"].items()
        request["headers"] = {name: scrub(value, secrets) for name, value in headers if not is_private_key(name)}
    for part in ("url", "env"):
        if part in request:
            request[part] = scrub(request[part], secrets)
    return request


def _scrub_frames(stacktrace: Any, secrets: tuple[str, ...]) -> None:
    """Scrub the local variables of every frame of a stack trace, in place."""
    for frame in (stacktrace or {}).get("frames") or []:
        if "vars" in frame:
            frame["vars"] = scrub(frame["vars"], secrets)


def scrub_breadcrumb(crumb: dict, secrets: tuple[str, ...]) -> dict:
    """Return a breadcrumb with its message and data scrubbed."""
    for part in ("message", "data"):
        if part in crumb:
            crumb[part] = scrub(crumb[part], secrets)
    return crumb


def scrub_event(event: dict, secrets: tuple[str, ...]) -> dict:
    """Return an error event or a transaction scrubbed everywhere data about a request or a person can be."""
    event.pop("user", None)
    if isinstance(event.get("request"), dict):
        _scrub_request(event["request"], secrets)
    for container in ("exception", "threads"):
        for value in (event.get(container) or {}).get("values") or []:
            if isinstance(value.get("value"), str):
                value["value"] = redact_text(value["value"], secrets)
            _scrub_frames(value.get("stacktrace"), secrets)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        scrub_breadcrumb(crumb, secrets)
    for part in ("logentry", "message", "extra", "tags", "transaction"):
        if part in event:
            event[part] = scrub(event[part], secrets)
    contexts = event.get("contexts") or {}
    for name, context in contexts.items():
        if name not in SDK_CONTEXTS:
            contexts[name] = scrub(context, secrets)
    for span in event.get("spans") or []:
        for part in ("description", "data"):
            if part in span:
                span[part] = scrub(span[part], secrets)
    return event


def make_before_send(secrets: tuple[str, ...]):
    """Return a ``before_send`` (and ``before_send_transaction``) hook that scrubs the event, ``secrets`` included."""
    secrets = _ordered(secrets)

    def before_send(event: dict, hint: dict) -> dict:
        """Scrub the event before it leaves the process."""
        return scrub_event(event, secrets)

    return before_send


def make_before_breadcrumb(secrets: tuple[str, ...]):
    """Return a ``before_breadcrumb`` hook that scrubs the breadcrumb, ``secrets`` included."""
    secrets = _ordered(secrets)

    def before_breadcrumb(crumb: dict, hint: dict) -> dict:
        """Scrub the breadcrumb before it is kept."""
        return scrub_breadcrumb(crumb, secrets)

    return before_breadcrumb


def _ordered(secrets: Iterable[str]) -> tuple[str, ...]:
    """Return the non-empty secrets, longest first (so that a secret containing another goes first)."""
    return tuple(sorted({secret for secret in secrets if secret}, key=len, reverse=True))


def init_sentry(options: dict | None, *, secret_key: str, secrets: Iterable[str] = ()) -> bool:
    """Start sentry-sdk with ``options`` (from the environment); do nothing and return False without a DSN.

    ``secret_key`` and ``secrets`` (values of the environment that must never be sent) are replaced
    wherever they appear in an event or a breadcrumb.
    """
    if not options:
        return False
    known = (secret_key, *secrets)
    sentry_sdk.init(
        **options,
        integrations=[
            DjangoIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        data_collection=DATA_COLLECTION,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=make_before_send(known),
        before_send_transaction=make_before_send(known),
        before_breadcrumb=make_before_breadcrumb(known),
    )
    return True
