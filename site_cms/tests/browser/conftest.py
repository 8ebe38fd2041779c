"""The site under test (``bin/start`` with production settings on PostgreSQL), the browser, and failure evidence.

The server runs as a separate process, so the tests drive it only through the browser and HTTP, as a
user would. Each failing test leaves a screenshot and the page's console log in
``test-results/browser/`` (ignored by git).
"""

import contextlib
import os
import re
import secrets
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from testing.servers import PROJECT_DIR, fresh_postgres_database, manage, production_env, running_server

# Debian's Chromium here; CI images without it set CHROMIUM_PATH=playwright to use Playwright's own build.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EVIDENCE_DIR = PROJECT_DIR / "test-results" / "browser"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

CREATE_ACCOUNTS = """
import os
from django.contrib.auth.models import Group, User
for name, group in (("e2e-editor", "Editors"), ("e2e-moderator", "Moderators")):
    user = User.objects.create_user(name, f"{name}@example.com", os.environ["E2E_PASSWORD"])
    user.groups.add(Group.objects.get(name=group))
User.objects.create_superuser("e2e-admin", "e2e-admin@example.com", os.environ["E2E_PASSWORD"])
"""


REDIS_URL = "redis://127.0.0.1:6379/12"  # the browser tests' own Redis database, flushed before use


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Start the site on a fresh PostgreSQL database with the demo data; yield its base URL and logins."""
    work = tmp_path_factory.mktemp("browser-site")
    password = "E2e-" + secrets.token_urlsafe(12)
    with fresh_postgres_database("oc_e2e") as database:
        env = production_env(
            f"postgres://postgres@127.0.0.1:5432/{database}",
            work,
            SITE_HTTPS="false",
            WEB_CONCURRENCY="3",
            E2E_PASSWORD=password,
            # As in production: the page cache in Redis, shared by the three workers.
            REDIS_URL=REDIS_URL,
        )
        redis.Redis.from_url(REDIS_URL).flushdb()
        manage("collectstatic", "--noinput", env=env)
        manage("migrate", "--noinput", env=env)
        manage("load_demo_data", "--force", env=env)
        manage("shell", "-c", CREATE_ACCOUNTS, env=env)
        log_path = work / "server.log"
        with running_server(["web"], env, log_path) as server:
            yield {"url": server.base_url, "password": password, "env": env, "log": log_path}


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's Chromium once for the whole run."""
    if CHROMIUM != "playwright" and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: install it with 'apt-get install -y chromium' "
            "(or set CHROMIUM_PATH to another Chromium)."
        )
    with sync_playwright() as playwright:
        try:
            executable = None if CHROMIUM == "playwright" else CHROMIUM
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}")
        yield launched
        launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test item, so fixtures know whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


class PageWatch:
    """What went wrong on a page: console errors, failed requests, error responses, CSP reports."""

    def __init__(self, page):
        self.console: list[str] = []
        self.errors: list[str] = []
        self.allowed_statuses: set[tuple[str, int]] = set()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        """Keep every console line; errors and warnings about the CSP count as problems."""
        self.console.append(f"[{message.type}] {message.text}")
        if message.text.startswith("Failed to load resource"):
            return  # the response itself is checked, against the statuses the test expects
        if message.type == "error" or "Content Security Policy" in message.text:
            self.errors.append(f"console {message.type}: {message.text}")

    def _on_request_failed(self, request) -> None:
        """Count a failed request, except navigations the test itself abandoned."""
        if request.failure and "ERR_ABORTED" in request.failure:
            return
        self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response) -> None:
        """Count responses of 400 and above, unless the test expects that one."""
        path = re.sub(r"^https?://[^/]+", "", response.url)
        if response.status == 400 and path.startswith("/cms/") and response.request.resource_type in ("fetch", "xhr"):
            return  # Wagtail's autosave posting a half-filled form: a validation answer the editor sees inline
        if response.status >= 400 and (path, response.status) not in self.allowed_statuses:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def allow(self, path: str, status: int) -> None:
        """Expect ``status`` for ``path`` (a deliberate 404, for example)."""
        self.allowed_statuses.add((path, status))

    def assert_clean(self) -> None:
        """Fail if anything went wrong so far."""
        assert not self.errors, "\n".join(self.errors)


def _open_page(browser, site, request, viewport, *, bypass_csp=False):
    """Open a page in a fresh context; on failure, save a screenshot and the console log."""
    context = browser.new_context(viewport=viewport, base_url=site["url"], bypass_csp=bypass_csp)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.watch = PageWatch(page)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        EVIDENCE_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for index, open_page in enumerate(context.pages):
            with contextlib.suppress(PlaywrightError):
                open_page.screenshot(path=str(EVIDENCE_DIR / f"{name}-{index}.png"), full_page=True)
        (EVIDENCE_DIR / f"{name}.console.log").write_text("\n".join(page.watch.console + page.watch.errors))
    context.close()


@pytest.fixture
def page(browser, site, request):
    """Yield a desktop-sized page."""
    yield from _open_page(browser, site, request, DESKTOP)


@pytest.fixture
def audit_page(browser, site, request):
    """Yield a desktop-sized page that lets the test inject axe-core (the site's CSP forbids inline scripts)."""
    yield from _open_page(browser, site, request, DESKTOP, bypass_csp=True)


@pytest.fixture
def second_page(browser, site, request):
    """Yield another desktop-sized page in its own context (another person)."""
    yield from _open_page(browser, site, request, DESKTOP)


@pytest.fixture
def phone_page(browser, site, request):
    """Yield a phone-sized page."""
    yield from _open_page(browser, site, request, PHONE)


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def any_page(browser, site, request):
    """Yield a page at phone size, then at desktop size."""
    yield from _open_page(browser, site, request, request.param)
