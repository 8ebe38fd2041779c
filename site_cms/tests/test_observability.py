"""Nothing secret or personal reaches Sentry, whatever a field, header, parameter or variable is called.

The end-to-end tests run sentry-sdk for real (the project's ``init_sentry`` with the real Django and
logging integrations) against a local ingest server, post forms through Django's WSGI handler (the
one gunicorn calls) to views that fail, then read the envelopes the SDK sent: none of the submitted
secret or personal values may be in them, while the exception, its stack trace, the URL path and the
method are. The unit tests feed the scrubbing hooks events shaped like the SDK's.
"""

import contextlib
import json
import logging
import secrets
import time
from urllib.parse import quote, quote_plus, urlencode

import pytest
import sentry_sdk
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import Client, RequestFactory
from django.urls import path
from django.utils.crypto import get_random_string

from site_cms import observability, views
from site_cms.observability import make_before_send, redact_text, scrub, scrub_query_string
from site_cms.settings import environment
from testing.servers import SentryReceiver, sentry_reporting_to_receiver

logger = logging.getLogger("site_cms.tests.observability")
SECRET_KEY = "sentry-test-" + secrets.token_urlsafe(50)
CLIENT_IP = "203.0.113.79"


def token(label: str) -> str:
    """Return a random value, labelled so that a failure says which value leaked."""
    return f"{label}-{secrets.token_hex(12)}"


def signup(request):
    """Validate Django's user-creation form, log the submission by mistake, then fail."""
    form = UserCreationForm(request.POST)
    submitted = request.POST.dict()
    password = form.cleaned_data["password1"] if form.is_valid() else submitted.get("password1")
    logger.info("Sign-up posted: %s (password %r)", submitted, password)
    raise RuntimeError("sign-up exploded")


def change_password(request):
    """Validate Django's password-change form for a known user, leave a breadcrumb with the session, then fail."""
    user = get_user_model().objects.get(username="olga")
    form = PasswordChangeForm(user, request.POST)
    valid = form.is_valid()
    sentry_sdk.add_breadcrumb(
        category="auth",
        message=f"password change, sessionid={request.COOKIES.get('sessionid')}",
        data={"session_key": request.COOKIES.get("sessionid"), "new_password1": request.POST.get("new_password1")},
    )
    raise RuntimeError(f"password change exploded (form valid: {valid})")


class ContactForm(forms.Form):
    """A form of our own whose fields are named neither 'password' nor 'secret' exactly."""

    full_name = forms.CharField()
    email = forms.EmailField()
    phone = forms.CharField()
    api_token = forms.CharField()
    x_secret = forms.CharField()
    private_key = forms.CharField()


def contact(request):
    """Put the submission everywhere a developer might (context, extra, tag, user, logs, message), then fail."""
    form = ContactForm(request.POST)
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    sentry_sdk.set_context("contact", dict(data))
    sentry_sdk.set_extra("submission", dict(data))
    sentry_sdk.set_tag("api_token", data["api_token"])
    sentry_sdk.set_user({"email": data["email"], "username": data["full_name"]})
    logger.info("Contact posted: %s", data)
    logger.error("Contact form could not be sent for %s: %s", data["email"], data)
    raise RuntimeError(f"contact form failed for {data['email']}")


urlpatterns = [
    path("observability/signup/", signup),
    path("observability/password/", change_password),
    path("observability/contact/", contact),
    path("admin/sentry-check/", views.sentry_check),
]


@pytest.fixture
def sentry():
    """Start sentry-sdk the way production does, pointed at a local ingest; stop it afterwards."""
    with sentry_reporting_to_receiver(SECRET_KEY, environment="observability-test", traces_sample_rate=1.0) as receiver:
        yield receiver


def post_through_wsgi(url: str, data: dict[str, str], headers: dict[str, str], method: str = "POST") -> str:
    """Send ``data`` (url-encoded) to ``url`` through Django's WSGI handler; return the response status line.

    This is the handler gunicorn calls, wrapped by sentry-sdk's Django integration. As in Django's
    test client, the connection is not closed at the end of the request (the test's transaction
    holds it). ``url`` is sent as written: its query string is not encoded again.
    """
    environ = (
        RequestFactory()
        .generic(method, url, urlencode(data), content_type="application/x-www-form-urlencoded", **headers)
        .environ
    )
    status = []
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda line, _headers, _exc_info=None: status.append(line))
        try:
            b"".join(response)
        finally:
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return status[0]


def secret_request(path: str, form: dict[str, str]) -> tuple[str, dict[str, str], list[str]]:
    """Return a URL, headers and the private values they carry: a query string, cookies, credentials, an IP."""
    values = {name: token(name) for name in ("query_token", "session", "bearer", "api_key", "auth_token")}
    values["csrf"] = get_random_string(32)  # Django's CSRF middleware checks the length and the alphabet
    values["query_email"] = "query.person@example.net"
    values["referer_token"] = token("referer")
    query = urlencode({"next": "/done/", "token": values["query_token"], "email": values["query_email"]})
    headers = {
        "HTTP_COOKIE": f"csrftoken={values['csrf']}; sessionid={values['session']}",
        "HTTP_X_CSRFTOKEN": values["csrf"],
        "HTTP_AUTHORIZATION": f"Bearer {values['bearer']}",
        "HTTP_X_API_KEY": values["api_key"],
        "HTTP_X_AUTH_TOKEN": values["auth_token"],
        "HTTP_X_FORWARDED_FOR": CLIENT_IP,
        "HTTP_REFERER": f"https://www.example.com/welcome/?token={values['referer_token']}",
        "HTTP_USER_AGENT": "observability-test-agent",
    }
    form["csrfmiddlewaretoken"] = values["csrf"]
    return f"{path}?{query}", headers, [*values.values(), CLIENT_IP]


def assert_nothing_private_sent(sentry: SentryReceiver, private: list[str]) -> str:
    """Flush, then check that no private value is in any envelope, in clear or URL-encoded; return the payload."""
    sentry_sdk.flush(timeout=10)
    payload = b"\n".join(sentry.raw_envelopes)
    assert payload, "Sentry received nothing"
    for value in private:
        for form in {value, quote(value), quote_plus(value)}:
            assert form.encode() not in payload, f"{value!r} reached Sentry"
    return payload.decode()


def envelope_items(sentry: SentryReceiver) -> list[dict]:
    """Return every JSON object of every envelope received (headers, events, transactions...)."""
    items = []
    for envelope in sentry.envelopes:
        for line in envelope.splitlines():
            with contextlib.suppress(ValueError):
                item = json.loads(line)
                if isinstance(item, dict):
                    items.append(item)
    return items


def the_error(sentry: SentryReceiver, message: str, timeout: float = 15.0) -> dict:
    """Return the error event whose exception message starts with ``message``, waiting for it to arrive.

    The transaction can arrive before the error on a busy machine, even after a flush: wait a while.
    """
    deadline = time.monotonic() + timeout
    while True:
        for event in sentry.events():
            exception = event["exception"]["values"][-1]
            if exception["type"] == "RuntimeError" and exception["value"].startswith(message):
                return event
        if time.monotonic() >= deadline:
            raise AssertionError(f"no RuntimeError event {message!r} among {len(sentry.events())} events")
        sentry_sdk.flush(timeout=1)
        time.sleep(0.1)


def assert_useful(event: dict, path: str, view: str) -> None:
    """Check that the event still says what failed, where in the code, and on which URL and method."""
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"].endswith(path)
    frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
    assert frames[-1]["function"] == view
    assert frames[-1]["filename"].endswith("test_observability.py")


pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_user_creation_form_passwords_never_reach_sentry(sentry):
    form = {"username": "new-person", "password1": token("password1"), "password2": ""}
    form["password2"] = form["password1"]
    url, headers, private = secret_request("/observability/signup/", form)
    assert post_through_wsgi(url, form, headers).startswith("500")
    # Wait for the error first, so that the privacy check reads every envelope, the error's included.
    assert_useful(the_error(sentry, "sign-up exploded"), "/observability/signup/", "signup")
    payload = assert_nothing_private_sent(sentry, [form["password1"], *private])
    assert "observability-test-agent" in payload


def test_password_change_form_passwords_never_reach_sentry(sentry):
    olga = get_user_model()(username="olga")
    old_password = token("old_password")
    olga.set_password(old_password)
    olga.save()
    form = {"old_password": old_password, "new_password1": token("new_password1"), "new_password2": ""}
    form["new_password2"] = form["new_password1"]
    url, headers, private = secret_request("/observability/password/", form)
    assert post_through_wsgi(url, form, headers).startswith("500")
    assert_useful(the_error(sentry, "password change exploded"), "/observability/password/", "change_password")
    assert_nothing_private_sent(sentry, [old_password, form["new_password1"], *private])


def test_own_form_secrets_and_personal_data_never_reach_sentry(sentry):
    form = {
        "full_name": "Jolene Quimby-Ravensworth",
        "email": "jolene.quimby@example.org",
        "phone": "+1 555 0100 7788",
        "api_token": token("api_token"),
        "x_secret": token("x_secret"),
        "private_key": token("private_key"),
    }
    url, headers, private = secret_request("/observability/contact/", dict(form))
    assert post_through_wsgi(url, form, headers).startswith("500")
    event = the_error(sentry, "contact form failed for")
    assert_nothing_private_sent(sentry, [*form.values(), "Quimby", "0100 7788", *private])
    assert_useful(event, "/observability/contact/", "contact")
    assert event["exception"]["values"][-1]["value"] == "contact form failed for [Filtered]"
    assert event["request"]["query_string"].startswith("next=%2Fdone%2F&")
    assert event["contexts"]["contact"]["api_token"] == "[Filtered]"
    logged = [item for item in envelope_items(sentry) if "logentry" in item]
    assert len(logged) == 1, "the logged error did not reach Sentry as an event"
    assert logged[0]["logentry"]["formatted"].startswith("Contact form could not be sent for [Filtered]: {")


def test_the_secret_key_and_secrets_from_the_environment_are_redacted_everywhere():
    database_password = token("db")
    before_send = make_before_send((SECRET_KEY, database_password))
    event = {
        "exception": {"values": [{"type": "ValueError", "value": f"bad {SECRET_KEY} and {database_password}"}]},
        "extra": {"note": f"connecting with {database_password}"},
    }
    cleaned = before_send(event, {})
    assert SECRET_KEY not in str(cleaned)
    assert database_password not in str(cleaned)
    assert cleaned["exception"]["values"][0]["type"] == "ValueError"


def test_secrets_of_the_environment_are_known_to_the_scrubber(monkeypatch):
    database_password, aws_secret, sentry_token = token("dbpass"), token("aws"), token("sentry")
    monkeypatch.setenv("DATABASE_URL", f"postgres://app:{database_password}@db.example.com:5432/app")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", aws_secret)
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", sentry_token)
    monkeypatch.setenv("SITE_HTTPS", "true")
    monkeypatch.setenv("OTHER_TOKEN", "short")
    found = environment.secret_values()
    assert {database_password, aws_secret, sentry_token} <= set(found)
    assert "true" not in found
    assert "short" not in found  # too short to be a secret worth replacing in every text


def test_before_send_scrubs_by_pattern_through_every_part_of_an_event():
    event = {
        "request": {
            "url": "https://site.example/cms/password_reset/confirm/MQ/c2h8k0-0123456789abcdef0123456789abcdef/",
            "method": "POST",
            "query_string": "page=2&Auth_Token=qs-token&user_email=qs%40example.com&state=GA",
            "data": {"new_password1": "data-secret", "NAME": "data-name"},
            "cookies": {"sessionid": "cookie-session"},
            "headers": {
                "Cookie": "sessionid=header-cookie",
                "Authorization": "Basic aGVhZGVyOmF1dGg=",
                "X-Custom-Token": "header-token",
                "X-Forwarded-For": "198.51.100.7",
                "User-Agent": "UA",
            },
            "env": {"REMOTE_ADDR": "198.51.100.8", "SERVER_PORT": "443"},
        },
        "user": {"email": "user@example.com", "ip_address": "198.51.100.9"},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": "duplicate\nDETAIL:  Key (username)=(frame-person) already exists. tel +44 20 7946 0958",
                    "stacktrace": {
                        "frames": [
                            {
                                "function": "view",
                                "vars": {
                                    "OLD_PASSWORD": "frame-secret",
                                    "payload": {"nested": {"Api-Key": "frame-key"}, "full_name": "frame-name"},
                                    "raw": "password2=frame-raw&ok=1",
                                    "request": "<WSGIRequest: POST '/path/'>",
                                },
                            }
                        ]
                    },
                }
            ]
        },
        "breadcrumbs": {
            "values": [
                {
                    "category": "http",
                    "data": {"url": "https://api.example/x?apikey=crumb-key&q=1", "mySessionId": "c-s"},
                },
                {"category": "log", "message": "login with {'password': 'crumb-secret', 'email': 'crumb@example.com'}"},
            ]
        },
        "extra": {"deep": [{"credentials": {"user": "x"}}, "Authorization: Bearer extra-bearer"]},
        "contexts": {"form": {"Phone_Number": "ctx-phone", "csrf_token": "ctx-csrf"}, "runtime": {"name": "CPython"}},
        "tags": {"client_secret": "tag-secret", "section": "lettings"},
        "logentry": {"message": "failed: %s", "params": ["log-param"], "formatted": "failed: secret_key=log-secret"},
        "spans": [{"description": "GET /x?token=span-token", "data": {"db.params": ["span-param"]}}],
    }
    cleaned = make_before_send(())(event, {})
    text = str(cleaned)
    for private in (
        "qs-token", "qs%40example.com", "data-secret", "data-name", "cookie-session", "header-cookie",
        "aGVhZGVyOmF1dGg=", "header-token", "198.51.100", "user@example.com", "frame-person", "7946 0958",
        "frame-secret", "frame-key", "frame-name", "frame-raw", "crumb-key", "c-s", "crumb-secret",
        "crumb@example.com", "extra-bearer", "ctx-phone", "ctx-csrf", "tag-secret", "log-param", "log-secret",
        "span-token", "span-param", "0123456789abcdef0123456789abcdef",
    ):  # fmt: skip
        assert private not in text, private
    request = cleaned["request"]
    assert request["method"] == "POST"
    assert request["url"].startswith("https://site.example/cms/password_reset/confirm/")
    assert "page=2" in request["query_string"]
    assert "state=GA" in request["query_string"]
    assert request["headers"]["User-Agent"] == "UA"
    assert "cookies" not in request
    assert "user" not in cleaned
    assert cleaned["exception"]["values"][0]["type"] == "IntegrityError"
    assert cleaned["exception"]["values"][0]["stacktrace"]["frames"][0]["function"] == "view"
    assert cleaned["contexts"]["runtime"] == {"name": "CPython"}
    assert cleaned["tags"]["section"] == "lettings"


def test_before_breadcrumb_scrubs_messages_and_data():
    crumb = {
        "category": "query",
        "message": "UPDATE auth_user SET password = 'x' WHERE email = 'jo@example.com'",
        "data": {"db.params": ["pbkdf2$hash"], "headers": {"X-Session-Token": "t"}, "status_code": 500},
    }
    cleaned = observability.make_before_breadcrumb(())(crumb, {})
    assert "jo@example.com" not in cleaned["message"]
    assert "pbkdf2$hash" not in str(cleaned)
    assert cleaned["data"]["headers"] == {"X-Session-Token": "[Filtered]"}
    assert cleaned["data"]["status_code"] == 500


def superuser_cookie(username: str, email: str) -> dict[str, str]:
    """Create a superuser, log them in, and return the request headers that carry their session."""
    user = get_user_model().objects.create_superuser(username=username, email=email, password=token("pw"))
    client = Client()
    client.force_login(user)
    return {"HTTP_COOKIE": f"sessionid={client.cookies['sessionid'].value}", "HTTP_USER_AGENT": "check-agent"}


def sent_items(sentry: SentryReceiver, kind: str) -> list[dict]:
    """Return the items of type ``kind`` ("event", "transaction") received, after a flush."""
    sentry_sdk.flush(timeout=10)
    items = envelope_items(sentry)
    if kind == "event":
        return [item for item in items if "exception" in item or "logentry" in item]
    return [item for item in items if item.get("type") == kind and "event_id" in item]  # not the item headers


def test_percent_encoded_query_strings_are_decoded_then_redacted_in_errors_and_transactions(sentry):
    """An e-mail, a phone number and a name in an encoded query string reach neither the error nor the transaction."""
    headers = superuser_cookie("qs-admin", "qs-admin@example.org")
    url = "/admin/sentry-check/?page=2&q=jo%40example.com&tel=%2B1+555+123+4567&who=Jo+Smith&next=%2Fdone%2F"
    assert post_through_wsgi(url, {}, headers, method="GET").startswith("500")
    the_error(sentry, "Sentry check requested by")
    assert_nothing_private_sent(sentry, ["jo@example.com", "+1 555 123 4567", "555 123 4567", "Jo Smith", "Smith"])
    [error] = sent_items(sentry, "event")
    [trace] = sent_items(sentry, "transaction")
    for event in (error, trace):
        assert event["request"]["method"] == "GET"
        assert event["request"]["url"].endswith("/admin/sentry-check/")
        assert event["request"]["query_string"] == "page=2&q=[Filtered]&tel=[Filtered]&who=[Filtered]&next=%2Fdone%2F"
    assert error["exception"]["values"][-1]["type"] == "RuntimeError"
    assert error["exception"]["values"][-1]["stacktrace"]["frames"][-1]["function"] == "sentry_check"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=jo%40example.com&tel=%2B1+555+123+4567&who=Jo+Smith", "q=[Filtered]&tel=[Filtered]&who=[Filtered]"),
        ("page=2&state=GA&next=%2Fdone%2F", "page=2&state=GA&next=%2Fdone%2F"),
        ("q=call+me+on+%2B44+20+7946+0958", "q=call+me+on+[Filtered]"),
        ("next=%2Fa%3Ftoken%3Dt0k3n%26mail%3Djo%2540example.com", "next=%2Fa%3Ftoken%3D[Filtered]%26mail%3D[Filtered]"),
        ("jo%40example.com=1&flag&empty=", "[Filtered]=1&flag&empty="),
        ("E%2DMail=jo%2Bx%40example.com&tenant=Jo+Smith", "E-Mail=[Filtered]&tenant=[Filtered]"),
    ],
)
def test_query_strings_are_redacted_after_decoding(query, expected):
    """Values are read decoded: private names, e-mails and phone numbers go, the rest is re-encoded consistently."""
    assert scrub_query_string(query, ()) == expected


def test_encoded_query_parameters_in_free_text_are_redacted():
    """A URL in a log message or a span is redacted after decoding its parameters, in the same way."""
    text = "GET /search/?q=jo%40example.com&tel=%2B1+555+123+4567&who=Jo+Smith&page=2 failed"
    assert redact_text(text, ()) == "GET /search/?q=[Filtered]&tel=[Filtered]&who=[Filtered]&page=2 failed"
    span = scrub({"http.query": "q=jo%40example.com&page=2", "url.full": "http://x/?tel=%2B1+555+123+4567"}, ())
    assert span == {"http.query": "q=[Filtered]&page=2", "url.full": "http://x/?tel=[Filtered]"}


FAILING_ROW_ERRORS = [
    'new row for relation "lettings_letting" violates check constraint "rent_positive"\n'
    "DETAIL:  Failing row contains (7, 10000, 1 Secret Lane, Springfield, null).",
    'null value in column "town" of relation "lettings_address" violates not-null constraint\n'
    "DETAIL:  Failing row contains (8, 1 Secret Lane, null, Jo Smith).",
    # A text value may hold a bracket or a line break: everything up to the end of the detail goes.
    'new row for relation "t" violates check constraint "c"\n'
    "DETAIL:  Failing row contains (9, 1 Secret Lane (back), Flat 2\nSpringfield, Jo Smith).\n"
    "HINT:  a hint",
    'duplicate key value violates unique constraint "t_lower_idx"\n'
    "DETAIL:  Key (lower(street::text))=(1 secret lane) already exists.",
    'no partition of relation "t" found for row\n'
    "DETAIL:  Partition key of the failing row contains (town) = (Springfield).",
]


@pytest.mark.parametrize("message", FAILING_ROW_ERRORS)
def test_postgresql_failing_row_details_are_redacted(message):
    """The values of a row PostgreSQL rejected are replaced; what failed, and on which constraint, is kept."""
    cleaned = make_before_send(())({"exception": {"values": [{"type": "IntegrityError", "value": message}]}}, {})
    value = cleaned["exception"]["values"][0]["value"]
    for private in ("Secret Lane", "secret lane", "Springfield", "Jo Smith", "10000", "Flat 2"):
        assert private not in value, private
    assert value.split("\n")[0] == message.split("\n")[0]
    assert "[Filtered]" in value


def test_real_postgresql_integrity_errors_are_redacted():
    """The messages PostgreSQL really sends for check, not-null and unique-index violations are redacted."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (SQLite's constraint errors name the constraint, not the values)")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE observability_row (id int, rent int CHECK (rent < 5000), street text, "
            "town text NOT NULL)"
        )
        cursor.execute("CREATE UNIQUE INDEX ON observability_row (lower(street))")
        cursor.execute("INSERT INTO observability_row VALUES (1, 100, '1 Secret Lane', 'Springfield')")
        messages = []
        for values in ("(7, 10000, '2 Secret Lane', 'Springfield')", "(8, 100, '3 Secret Lane', NULL)",
                       "(9, 100, '1 SECRET LANE', 'Springfield')"):  # fmt: skip
            with pytest.raises(IntegrityError) as error, transaction.atomic():
                cursor.execute(f"INSERT INTO observability_row VALUES {values}")
            messages.append(str(error.value))
    assert any("Failing row contains" in message for message in messages)
    for message in messages:
        cleaned = redact_text(message, ())
        for private in ("Secret Lane", "secret lane", "SECRET LANE", "Springfield", "10000"):
            assert private not in cleaned, (private, cleaned)
        assert cleaned.split("\n")[0] == message.split("\n")[0]


def test_requests_with_a_bad_host_header_send_no_event(sentry):
    """A bad Host header (any scanner can send one) answers 400 without using the Sentry quota."""
    bad_host = {"HTTP_HOST": "quota-burner-" + secrets.token_hex(8) + ".example", "HTTP_USER_AGENT": "scanner"}
    assert post_through_wsgi("/observability/signup/", {}, bad_host, method="GET").startswith("400")
    assert sent_items(sentry, "event") == []
    # The SDK does send events: the next failure arrives, and nothing of the bad request came with it.
    assert post_through_wsgi("/observability/signup/", {}, {}, method="GET").startswith("500")
    events = sent_items(sentry, "event")
    assert [event["exception"]["values"][-1]["type"] for event in events] == ["RuntimeError"]
    assert bad_host["HTTP_HOST"] not in json.dumps(events)


def test_the_sentry_check_names_no_one(sentry):
    """The check's error says a superuser asked for it, not which one (neither username nor e-mail)."""
    headers = superuser_cookie("jolene.quimby-ravensworth", "")  # without an e-mail, the username was sent
    assert post_through_wsgi("/admin/sentry-check/", {}, headers, "GET").startswith("500")
    the_error(sentry, "Sentry check requested by")
    assert_nothing_private_sent(sentry, ["jolene.quimby-ravensworth", "quimby"])
    [error] = sent_items(sentry, "event")
    assert error["exception"]["values"][-1]["value"] == "Sentry check requested by a superuser"


@pytest.mark.parametrize(
    ("text", "private"),
    [
        ("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "9944b0"),
        ("headers {'Authorization': 'Token tk-7f3a9', 'Host': 'site.example'}", "tk-7f3a9"),
        ('{"Authorization": "ApiKey k-12345", "Accept": "*/*"}', "k-12345"),
        ("proxy-authorization=Custom s3cr3t-value", "s3cr3t-value"),
        ("retrying with Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b upstream", "9944b0"),
        ("sent Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "eyJhbGci"),
        ("basic aGVhZGVyOmF1dGg= rejected", "aGVhZGVyOmF1dGg="),
        (
            'Authorization: Digest username="jo", realm="site", nonce="dcd98b", response="6629fae49393a0539745"',
            "6629fae",
        ),
        ('auth header was Digest username="jo", nonce="dcd98b", response="6629fae49393a0539745", qop=auth', "6629fae"),
        ("login failed: pw=hunter2-pw, pin=4821, otp=913042", "hunter2-pw"),
        ("login failed: pw=hunter2-pw, pin=4821, otp=913042", "4821"),
        ("login failed: pw=hunter2-pw, pin=4821, otp=913042", "913042"),
        ("{'pwd': 'pwd-value', 'pass': 'pass-value', 'new_pw': 'np-value', 'user_pin': 'up-value'}", "-value"),
    ],
)
def test_credentials_and_short_password_keys_in_free_text_are_redacted(text, private):
    """Credentials of any authorization scheme and short password-like keys are replaced in free text."""
    cleaned = redact_text(text, ())
    assert private not in cleaned
    assert observability.REDACTED in cleaned


def test_short_password_keys_are_private_and_useful_words_are_not():
    """Short password-like keys are private at any depth; words that merely contain them, and messages, are kept."""
    data = {"pw": "a", "PWD": "b", "pass": "c", "passwd": "d", "pin": "e", "otp": "f", "new_pw": "g", "PIN_code": "h"}
    assert scrub({"form": data}, ()) == {"form": dict.fromkeys(data, observability.REDACTED)}
    kept = {"p": "2", "shipping": "post", "mapping": "x", "spinner": "y", "pinned": "z", "pwa": "w"}
    assert scrub(kept, ()) == kept
    for message in ("CSRF token missing.", "CSRF token from POST incorrect.", "Token expired for this request"):
        assert redact_text(message, ()) == message
