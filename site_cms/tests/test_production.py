"""The production settings, and the production smoke test: the start script on PostgreSQL and Redis, over HTTP.

The first tests reload ``site_cms.settings.production`` in this process with a given environment.
The smoke test builds a fresh PostgreSQL database, runs the release phase (migrations, then the
public address into the Site record) and the demo data, then starts ``bin/start web`` (gunicorn,
production settings) with the database behind a TCP proxy that the test can cut, Redis as the
cache and a local Sentry receiver as the DSN's host.
"""

import contextlib
import copy
import importlib
import re
import secrets
import subprocess
import time
from urllib.parse import urlparse

import pytest
import redis
import requests
from django.core.checks.security.base import check_secret_key
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from site_cms.settings import base as base_settings
from testing.servers import (
    PROJECT_DIR,
    SentryReceiver,
    TcpProxy,
    fresh_postgres_database,
    manage,
    production_env,
    running_server,
)

REDIS_URL = "redis://127.0.0.1:6379/14"
SECRET_KEY = "smoke-" + secrets.token_urlsafe(40)
SUPERUSER = ("smoke-admin", "smoke-admin@example.com", "Smoke-Pass-4321")
# The tests that start bin/start (and a browser or a container's demo site) run once, on PostgreSQL.
SYSTEM = pytest.mark.system
HTTPS = {"X-Forwarded-Proto": "https"}
PUBLIC_HOST = "www.oc-lettings.example"
PUBLIC_URL = f"https://{PUBLIC_HOST}"
PUBLIC_VARIABLES = ("PUBLIC_URL", "WAGTAILADMIN_BASE_URL", "HEROKU_APP_NAME")
# Variables of this machine's environment that would change what the production settings do.
PRODUCTION_VARIABLES = (
    *PUBLIC_VARIABLES, "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_HTTPS",
    "AWS_STORAGE_BUCKET_NAME", "AWS_S3_CUSTOM_DOMAIN", "AWS_S3_ENDPOINT_URL", "REDIS_URL", "REDIS_TLS_URL",
    "SENTRY_DSN", "DSN", "WEB_CONCURRENCY", "PAGE_CACHE_SECONDS", "DYNO",
)  # fmt: skip


def production_settings(monkeypatch, **env: str):
    """Reload the production settings with a strong secret key and ``env`` (one web process), and return them."""
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    for name in PRODUCTION_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in {"WEB_CONCURRENCY": "1", **env}.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(importlib.import_module("site_cms.settings.production"))


def test_production_settings_leave_the_base_content_security_policy_alone(monkeypatch):
    before = copy.deepcopy(base_settings.CONTENT_SECURITY_POLICY)
    media = {"AWS_STORAGE_BUCKET_NAME": "media", "AWS_S3_CUSTOM_DOMAIN": "media.example.com", "SITE_HTTPS": "true"}
    production_settings(monkeypatch, **media)
    production = production_settings(monkeypatch, **media)
    assert before == base_settings.CONTENT_SECURITY_POLICY
    directives = production.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["img-src"].count("https://media.example.com") == 1
    assert directives["upgrade-insecure-requests"] is True
    assert "upgrade-insecure-requests" not in before["DIRECTIVES"]


# What Django's ``check --deploy`` calls weak (security.W009), one reason each.
WEAK_KEYS = {
    "49 characters": secrets.token_hex(25)[:49],
    "4 unique characters": "abcd" * 20,
    "django-insecure- prefix": "django-insecure-" + secrets.token_urlsafe(50),
}


@pytest.mark.parametrize("weak_key", WEAK_KEYS.values(), ids=WEAK_KEYS.keys())
def test_production_refuses_a_secret_key_that_check_deploy_calls_weak(monkeypatch, weak_key):
    with pytest.raises(ImproperlyConfigured, match=r"SECRET_KEY is weak") as refused:
        production_settings(monkeypatch, SECRET_KEY=weak_key)
    message = str(refused.value)
    assert "secrets.token_urlsafe(50)" in message
    assert weak_key not in message


BORDERLINE_KEYS = {
    **WEAK_KEYS,
    "random": secrets.token_urlsafe(50),
    "50 characters, 5 unique": "abcde" * 10,
    "50 times the same character": "x" * 50,
    "the alphabet twice": "abcdefghijklmnopqrstuvwxyz" * 2,
}


@pytest.mark.parametrize("key", BORDERLINE_KEYS.values(), ids=BORDERLINE_KEYS.keys())
def test_production_refuses_exactly_the_keys_check_deploy_warns_about(monkeypatch, key):
    with override_settings(SECRET_KEY=key):
        django_calls_it_weak = [warning.id for warning in check_secret_key(None)] == ["security.W009"]
    try:
        production = production_settings(monkeypatch, SECRET_KEY=key)
    except ImproperlyConfigured:
        refused = True
    else:
        refused = False
        assert key == production.SECRET_KEY
    assert refused == django_calls_it_weak


def test_the_public_address_is_one_setting_used_by_the_admin_and_allowed(monkeypatch):
    production = production_settings(
        monkeypatch, PUBLIC_URL="https://www.oc-lettings.com/", HEROKU_APP_NAME="oc-lettings"
    )
    assert production.PUBLIC_BASE_URL == "https://www.oc-lettings.com"
    assert production.WAGTAILADMIN_BASE_URL == production.PUBLIC_BASE_URL
    assert production.ALLOWED_HOSTS == ["oc-lettings.herokuapp.com", "www.oc-lettings.com"]
    assert production.CSRF_TRUSTED_ORIGINS == ["https://oc-lettings.herokuapp.com", "https://www.oc-lettings.com"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HEROKU_APP_NAME": "oc-lettings"}, "https://oc-lettings.herokuapp.com"),
        (
            {"WAGTAILADMIN_BASE_URL": "https://oc-lettings-4f2a9c.herokuapp.com/"},
            "https://oc-lettings-4f2a9c.herokuapp.com",
        ),
        (
            {"PUBLIC_URL": "https://www.oc-lettings.com", "WAGTAILADMIN_BASE_URL": "https://x.herokuapp.com"},
            "https://www.oc-lettings.com",
        ),
    ],
)
def test_the_public_address_comes_from_the_custom_domain_or_heroku(monkeypatch, env, expected):
    production = production_settings(monkeypatch, **env)
    assert expected == production.PUBLIC_BASE_URL == production.WAGTAILADMIN_BASE_URL
    assert urlparse(expected).hostname in production.ALLOWED_HOSTS


def test_without_a_public_address_production_says_localhost_and_allows_only_what_it_is_told(monkeypatch):
    production = production_settings(monkeypatch, ALLOWED_HOSTS="example.com")
    assert production.PUBLIC_BASE_URL == "http://localhost:8000"
    assert production.ALLOWED_HOSTS == ["example.com"]


class Browser:
    """A minimal HTTPS-behind-a-proxy client: keeps cookies itself, since they are marked Secure."""

    def __init__(self, base_url: str):
        """Talk to ``base_url`` as if through Heroku's HTTPS router."""
        self.base_url = base_url
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """Send a request with the forwarded-HTTPS header and the kept cookies; keep new cookies."""
        headers = {**HTTPS, **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(
            method, self.base_url + path, headers=headers, allow_redirects=False, timeout=20, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        """GET ``path``."""
        return self.request("GET", path, **kwargs)

    def login_to_django_admin(self, username: str, password: str) -> None:
        """Log in through the Django admin's login form."""
        page = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
            headers={"Referer": f"https://{urlparse(self.base_url).netloc}/admin/login/"},
        )
        assert response.status_code == 302, response.text[:500]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Start the production site; yield its base URL, proxy, Sentry receiver, log file and start time."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        pytest.fail(f"The production smoke test needs Redis at {REDIS_URL}: {error}")
    work = tmp_path_factory.mktemp("production")
    with contextlib.ExitStack() as stack:
        database = stack.enter_context(fresh_postgres_database("oc_smoke"))
        proxy = TcpProxy(("127.0.0.1", 5432)).start()
        stack.callback(proxy.close)
        sentry = SentryReceiver()
        stack.callback(sentry.close)
        env = production_env(
            f"postgres://postgres@127.0.0.1:{proxy.port}/{database}",
            work,
            DATABASE_CONNECT_TIMEOUT="3",
            SECRET_KEY=SECRET_KEY,
            REDIS_URL=REDIS_URL,
            SENTRY_DSN=sentry.dsn,
            SENTRY_ENVIRONMENT="smoke",
            RELEASE="smoke-release-1",
            DJANGO_SUPERUSER_PASSWORD=SUPERUSER[2],
            PUBLIC_URL=PUBLIC_URL,
        )
        redis.Redis.from_url(REDIS_URL).flushdb()
        manage("collectstatic", "--noinput", env=env)
        release = subprocess.run(
            ["bin/start", "release"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
        )
        assert release.returncode == 0, release.stdout + release.stderr
        manage("load_demo_data", "--force", env=env)
        manage("createsuperuser", "--noinput", "--username", SUPERUSER[0], "--email", SUPERUSER[1], env=env)
        log_path = work / "server.log"
        server = stack.enter_context(running_server(["web"], env, log_path))
        yield {
            "url": server.base_url,
            "proxy": proxy,
            "sentry": sentry,
            "log": log_path,
            "started_in": server.started_in,
            "release": release.stdout + release.stderr,
        }


@pytest.fixture
def browser(production) -> Browser:
    """Return a client for the production site."""
    return Browser(production["url"])


@SYSTEM
def test_every_public_page_and_both_admin_logins_answer(browser):
    paths = [
        "/",
        "/lettings/",
        "/lettings/?state=GA",
        "/lettings/oceanview-retreat/",
        "/profiles/",
        "/profiles/AirWow/",
        "/search/?q=brunswick",
        "/sitemap.xml",
        "/robots.txt",
        "/cms/login/",
        "/admin/login/",
    ]
    for path in paths:
        response = browser.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    assert browser.get("/lettings/1/").headers["Location"] == "/lettings/joshua-tree-green-haus-w-hot-tub/"
    demo_photo = re.search(r'src="(/media/images/[^"]+)"', browser.get("/lettings/").text).group(1)
    assert browser.get(demo_photo).status_code == 200


@SYSTEM
def test_the_release_phase_sets_the_public_address_and_absolute_urls_use_it(browser, production):
    assert f"{PUBLIC_HOST}:443" in production["release"]
    visitor = {"Host": PUBLIC_HOST}
    index = browser.get("/sitemap.xml", headers=visitor)
    pages = browser.get("/sitemap-pages.xml", headers=visitor)
    assert index.status_code == pages.status_code == 200
    urls = re.findall(r"<loc>([^<]+)</loc>", index.text + pages.text)
    assert f"{PUBLIC_URL}/sitemap-pages.xml" in urls
    assert f"{PUBLIC_URL}/lettings/oceanview-retreat/" in urls
    assert all(url.startswith(f"{PUBLIC_URL}/") for url in urls), urls


@SYSTEM
def test_plain_http_is_redirected_to_https(production):
    response = requests.get(production["url"] + "/lettings/", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


@SYSTEM
def test_security_headers(browser):
    headers = browser.get("/").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'self'" in csp
    assert "object-src 'none'" in csp


@SYSTEM
def test_hashed_static_file_is_compressed_and_cached_for_a_year(browser):
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', browser.get("/").text).group(1)
    response = browser.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert "--brand" in response.text


@SYSTEM
def test_404_and_500_pages_are_in_the_sites_look(browser, production):
    missing = browser.get("/no/such/page/")
    assert missing.status_code == 404
    assert "Page not found" in missing.text
    assert "/static/css/site." in missing.text
    browser.login_to_django_admin(SUPERUSER[0], SUPERUSER[2])
    failing = browser.get("/admin/sentry-check/")
    assert failing.status_code == 500
    assert "Something went wrong" in failing.text
    assert "/static/css/site." in failing.text


@SYSTEM
def test_error_reaches_sentry_without_personal_data_or_secrets(browser, production):
    sentry = production["sentry"]
    browser.login_to_django_admin(SUPERUSER[0], SUPERUSER[2])
    assert browser.get("/admin/sentry-check/").status_code == 500
    event = sentry.wait_for_event()
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "Sentry check requested by" in event["exception"]["values"][-1]["value"]
    assert event["environment"] == "smoke"
    assert event["release"] == "smoke-release-1"
    payload = "\n".join(sentry.envelopes)
    for private in (SUPERUSER[1], SUPERUSER[2], SECRET_KEY, browser.cookies.get("sessionid", "no-session")):
        assert private not in payload
    assert "cookies" not in event.get("request", {})
    # A 404 is not an error. Let events of earlier requests arrive first (the SDK sends from a thread).
    time.sleep(3)
    before = len(sentry.events())
    browser.get("/still/not/here/")
    browser.get("/healthz")
    time.sleep(3)
    assert len(sentry.events()) == before


@SYSTEM
def test_healthz_follows_the_database_without_a_restart(production):
    url = production["url"] + "/healthz"
    healthy = requests.get(url, timeout=10)
    assert healthy.status_code == 200
    assert healthy.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in healthy.headers["Cache-Control"]
    production["proxy"].cut()
    try:
        for _ in range(4):  # each worker notices on its own
            down = requests.get(url, timeout=20)
            assert down.status_code == 503
            assert down.json()["database"] == "unavailable"
    finally:
        production["proxy"].restore()
    for _ in range(4):
        assert requests.get(url, timeout=20).status_code == 200


@SYSTEM
def test_starts_quickly_and_logs_to_stdout(production):
    assert production["started_in"] < 30
    log = production["log"].read_text()
    assert "Listening at: http://0.0.0.0:" in log
    assert "GET /healthz" in log
