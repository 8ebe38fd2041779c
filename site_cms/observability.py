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
   cookie, auth, e-mail, phone, name, address, who...; short ones such as ``pw`` or ``pin`` only as
   a whole word; case-insensitive, at any depth) has its value replaced by ``[Filtered]``. In free
   text it replaces ``key=value`` and ``'key': 'value'`` pairs with such keys, the value of an
   ``Authorization`` header whatever its scheme, ``Bearer``/``Basic``/``Token``/``Digest``
   credentials, Django password-reset tokens, database error details (``Key (email)=(...)``,
   ``Failing row contains (...)``), e-mail addresses, phone numbers, and the secret key and other
   secrets of the environment wherever they appear.

Query strings (the request's, and those of URLs in free text) are read decoded (``%40`` is ``@``,
``+`` a space): a parameter whose name is private loses its value, and e-mails, phone numbers and
the other patterns are replaced in every value. The request's query string is then sent decoded,
redacted and encoded again (``page=2&q=[Filtered]&next=%2Fdone%2F``).

Log records of ``django.security.DisallowedHost`` are not sent at all: anyone can send a bad Host
header, as often as they like, with text of their choice.
"""

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote_plus, unquote_plus

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration, ignore_logger

REDACTED = "[Filtered]"

_SECRET_WORDS = (
    "pass|pwd|secret|token|key|csrf|xsrf|session|cookie|auth|credential|signature|jwt|bearer|otp|salt|private|"
    "dsn|sid|params"
)
_PERSONAL_WORDS = (
    "mail|phone|mobile|fax|name|addr|birth|ssn|passport|iban|card|cvv|forwarded|remote|login|"
    "who|person|tenant|applicant|contact|owner|recipient|customer"
)
# Words too short to be looked for inside other words (``shipping`` holds ``pin``): only whole.
_SHORT_WORDS = "ip|pw|pin|pincode"
# A key (form field, header, query parameter, variable, dict key) whose value must never be sent.
PRIVATE_KEY = re.compile(
    rf"{_SECRET_WORDS}|{_PERSONAL_WORDS}|(?:^|[^a-z])(?:{_SHORT_WORDS})(?:$|[^a-z])|real-?ip|client-?ip|"
    r"^user(?:[_-]?id)?$",
    re.IGNORECASE,
)
# The patterns below scan a long string (a log message, a repr) in linear time: they start at the
# start of a token, never backtrack into one (possessive quantifiers) and bound what they look ahead.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
# The value of an ``Authorization`` header written in free text, whatever its scheme: up to its closing
# quote when quoted, else up to the end of the line.
AUTHORIZATION = re.compile(
    r"""(?P<head>(?<![a-z])(?:proxy[_-])?authori[sz]ation["']?\s*+[:=]\s*+)"""
    r"""(?:(?P<quote>["'])(?:(?<=")[^"\n]*+"|(?<=')[^'\n]*+')|[^\r\n]*+)""",
    re.IGNORECASE,
)
# Credentials after a scheme name: ``Bearer <token>``, ``Basic <base64>``, ``Digest username="...",
# response="..."`` (every parameter), and ``Token <key>`` when the key looks like one (a digit, or 16
# characters or more), so that "CSRF token missing" stays readable.
CREDENTIAL = r"[\w.~+/=-]++"
DIGEST_PARAMETER = r"""[\w-]++\s*+=\s*+(?:"[^"\n]*+"|[^\s,"]*+)"""
CREDENTIALS = re.compile(
    rf"\b(?P<scheme>Digest)\s++{DIGEST_PARAMETER}(?:\s*+,\s*+{DIGEST_PARAMETER})*+"
    rf"|\b(?P<scheme2>Bearer|Basic|Digest)\s++{CREDENTIAL}"
    rf"|\b(?P<scheme3>Token)\s++(?=[\w.~+/=-]{{0,200}}?\d|[\w.~+/=-]{{16}}){CREDENTIAL}",
    re.IGNORECASE,
)
# ``password=...``, ``"api_token": "..."``, ``'password1': ['...']`` in free text (a repr, a log message);
# the key is private when it contains a private word (checked by ``_redact_assignments``).
ASSIGNMENT = re.compile(r"""(?<![\w.-])(?P<key>[\w.-]++)(?P<sep>["']?\s*+[:=]\s*+[\[(]?\s*+)""")
ASSIGNED_VALUE = re.compile(r"""("[^"]*+"|'[^']*+'|[^\s,;&)\]}"']++)""")
# A query parameter in a URL written in free text (``?token=...&email=...``).
QUERY_PARAMETER = re.compile(r"(?P<lead>[?&;])(?P<key>[^=&;#?\s]++)=(?P<value>[^&;#\s]*+)")
# A Django password-reset (or similar) token in a URL path: ``<timestamp in base 36>-<hex digest>``.
RESET_TOKEN = re.compile(r"\b[0-9a-z]{1,13}-[0-9a-f]{20,}+\b")
# PostgreSQL's detail of a constraint error: ``Key (email)=(jo@example.com) already exists``; the key
# may be an expression (``Key (lower(email::text))=(...)``).
DATABASE_DETAIL = re.compile(
    r"(Key \([^\n]{0,300}?\)=\()[^\n]*?(\)(?: already exists| is not present)|$)", re.MULTILINE
)
# PostgreSQL's detail of a check, not-null or partition error: ``Failing row contains (7, 1 Secret Lane,
# ...).`` A value may hold a bracket or a line break, so the values go up to the end of the detail: a
# closing ``).`` at the end of the text or before the next field of the error (``HINT:  ...``), else
# up to the end of the text.
FAILING_ROW = re.compile(
    r"(failing row contains \(?)[\s\S]*?(?=\)\.?[ \t]*+(?:\Z|\n[A-Z][A-Z ]{0,30}:  )|\Z)", re.IGNORECASE
)
# A run of digits, spaces and phone punctuation; ``_phone`` decides whether it is a phone number.
PHONE = re.compile(r"(?<![\w+/:.=-])\+?\d[\d\s().-]*+")
PHONE_MIN_DIGITS = 9
MAX_DEPTH = 20
# How many times a URL inside a query parameter's value (``next=%2Fa%3Fq%3D...``) is decoded in turn.
MAX_DECODINGS = 3
# Keys of a query string (``a=1&b=2``) in the SDK's data (the request's, a span's or a breadcrumb's).
QUERY_KEYS = frozenset({"query_string", "http.query"})
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


def _authorization(match: re.Match) -> str:
    """Replace the value of an ``Authorization`` header (keeping its quotes)."""
    quote = match.group("quote") or ""
    return f"{match.group('head')}{quote}{REDACTED}{quote}"


def _credentials(match: re.Match) -> str:
    """Replace the credentials that follow an authorization scheme's name (keeping the name)."""
    scheme = match.group("scheme") or match.group("scheme2") or match.group("scheme3")
    return f"{scheme} {REDACTED}"


def _encode(text: str) -> str:
    """Percent-encode a query parameter's name or value, as ``urlencode`` does, leaving ``[Filtered]`` readable."""
    return quote_plus(text, safe="[]")


def _redact_parameter(name: str, value: str, secrets: tuple[str, ...], decodings: int) -> tuple[str, str]:
    """Return a query parameter's decoded name and value, redacted (the whole value when the name is private)."""
    name = _redact(unquote_plus(name), secrets, decodings - 1)
    if value and is_private_key(name):
        return name, REDACTED
    return name, _redact(unquote_plus(value), secrets, decodings - 1)


def _query_parameter(match: re.Match, secrets: tuple[str, ...], decodings: int) -> str:
    """Redact a query parameter of a URL in free text, read decoded; leave it as written when nothing is private."""
    key, value = match.group("key"), match.group("value")
    name, cleaned = _redact_parameter(key, value, secrets, decodings)
    if name == unquote_plus(key) and cleaned == unquote_plus(value):
        return match.group(0)
    return f"{match.group('lead')}{_encode(name)}={_encode(cleaned)}"


def _redact(text: str, secrets: tuple[str, ...], decodings: int) -> str:
    """Redact ``text``; read the query parameters of URLs in it decoded, ``decodings`` levels deep."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    text = AUTHORIZATION.sub(_authorization, text)
    text = CREDENTIALS.sub(_credentials, text)
    text = _redact_assignments(text)
    if decodings > 0:
        text = QUERY_PARAMETER.sub(lambda match: _query_parameter(match, secrets, decodings), text)
    text = RESET_TOKEN.sub(REDACTED, text)
    text = DATABASE_DETAIL.sub(rf"\1{REDACTED}\2", text)
    text = FAILING_ROW.sub(rf"\1{REDACTED}", text)
    text = EMAIL.sub(REDACTED, text)
    return PHONE.sub(_phone, text)


def redact_text(text: str, secrets: tuple[str, ...]) -> str:
    """Return ``text`` with secrets, credentials, private pairs and parameters, e-mails and phone numbers replaced."""
    return _redact(text, secrets, MAX_DECODINGS)


def scrub(value: Any, secrets: tuple[str, ...], depth: int = 0) -> Any:
    """Return ``value`` scrubbed at any depth: private keys' values replaced, every string redacted.

    Deeper than ``MAX_DEPTH`` (far deeper than sentry-sdk sends), a value is replaced whole.
    """
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, Mapping | list | tuple) and depth >= MAX_DEPTH:
        return REDACTED
    if isinstance(value, Mapping):
        return {key: _scrub_item(key, item, secrets, depth) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item, secrets, depth + 1) for item in value]
    return value


def _scrub_item(key: Any, item: Any, secrets: tuple[str, ...], depth: int) -> Any:
    """Return the value under ``key`` of a mapping, scrubbed (replaced whole when the key is private)."""
    if is_private_key(key):
        return REDACTED
    if key in QUERY_KEYS and isinstance(item, str):
        return scrub_query_string(item, secrets)
    return scrub(item, secrets, depth + 1)


def scrub_query_string(query: str, secrets: tuple[str, ...]) -> str:
    """Return a query string (``a=1&b=2``) read decoded, redacted, and encoded again.

    A private parameter loses its value; e-mails, phone numbers, credentials and the like are replaced
    in every other value (and name). A parameter without ``=`` stays without.
    """
    parameters = []
    for parameter in query.split("&"):
        key, equals, value = parameter.partition("=")
        name, cleaned = _redact_parameter(key, value, secrets, MAX_DECODINGS)
        parameters.append(f"{_encode(name)}{equals}{_encode(cleaned)}")
    return "&".join(parameters)


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
    # Each request with a Host header the site does not answer to is logged as an error, with the
    # attacker's text: not worth the Sentry quota (the 400 answer is enough).
    ignore_logger("django.security.DisallowedHost")
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
