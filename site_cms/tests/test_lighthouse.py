"""Lighthouse's SEO audits score 100 on the home page, the lettings listing and a letting page.

Lighthouse (the npm package pinned in ``package.json``) drives Chromium against the production
start script on PostgreSQL with the demo data. The public address is the server's own, as the
release phase would set it: Lighthouse fails a canonical link that points at another host.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

from testing.servers import PROJECT_DIR, free_port, fresh_postgres_database, manage, production_env, running_server

pytestmark = pytest.mark.system  # real processes: run once, on PostgreSQL (make test-system)

LIGHTHOUSE = PROJECT_DIR / "node_modules" / ".bin" / "lighthouse"
# Debian's Chromium here; CI sets CHROMIUM_PATH=playwright to use Playwright's own build.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run"
)
PAGES = ["/", "/lettings/", "/lettings/oceanview-retreat/"]


def chromium_path() -> str:
    """Return the Chromium that Lighthouse starts; fail with the way to install it when there is none."""
    if CHROMIUM == "playwright":
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            return playwright.chromium.executable_path
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: install it with 'apt-get install -y chromium'.")
    return CHROMIUM


@pytest.fixture(scope="module")
def public_site(tmp_path_factory):
    """Start the site with the demo data, its public address being the server's own; yield that address."""
    if not LIGHTHOUSE.exists():
        pytest.fail("Lighthouse is missing: run 'npm ci' (make install-dev does)")
    work = tmp_path_factory.mktemp("lighthouse-site")
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    with fresh_postgres_database("oc_seo") as database:
        env = production_env(
            f"postgres://postgres@127.0.0.1:5432/{database}",
            work,
            PORT=str(port),
            SITE_HTTPS="false",
            PUBLIC_URL=public_url,
        )
        manage("collectstatic", "--noinput", env=env)
        release = subprocess.run(["bin/start", "release"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
        assert release.returncode == 0, release.stdout + release.stderr
        manage("load_demo_data", "--force", env=env)
        with running_server(["web"], env, work / "server.log") as server:
            assert server.base_url == public_url
            yield public_url


def seo_report(url: str, chrome: str) -> dict:
    """Run Lighthouse's SEO category on ``url`` and return its JSON report."""
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--only-categories=seo",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            # Not --throttling-method=provided: it waits 5 s of network and CPU quiet instead of 1 s.
            "--disable-full-page-screenshot",
        ],
        env={**os.environ, "CHROME_PATH": chrome},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"Lighthouse failed on {url}:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout)


def failing_audits(report: dict) -> list[str]:
    """Return one line per SEO audit that did not pass: its id, title and what it found."""
    lines = []
    for ref in report["categories"]["seo"]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            items = (audit.get("details") or {}).get("items", [])
            found = "; ".join(json.dumps(item, default=str)[:300] for item in items[:5])
            lines.append(f"{audit['id']} ({audit['title']}): {audit.get('explanation') or found}")
    return lines


@pytest.fixture(scope="module")
def chrome() -> str:
    """Return the path of the Chromium Lighthouse runs."""
    return chromium_path()


@pytest.mark.parametrize("path", PAGES)
def test_lighthouse_seo_score_is_100(public_site, chrome, path):
    report = seo_report(public_site + path, chrome)
    assert report["finalDisplayedUrl"] == public_site + path
    score = report["categories"]["seo"]["score"]
    assert score == 1, f"SEO score {score} on {path}:\n" + "\n".join(failing_audits(report))
