"""What browser tests do as a person would: log in to either admin; where axe-core, the accessibility checker, is."""

import time

from testing.servers import PROJECT_DIR

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"


def _log_in(page, admin: str, submit: str, username: str, password: str) -> None:
    """Fill and send the login form of the admin at ``/<admin>/``; wait for its dashboard."""
    page.goto(f"/{admin}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click(submit)
    page.wait_for_url(f"**/{admin}/")


def log_in_to_wagtail(page, username: str, password: str) -> None:
    """Log in through the Wagtail admin's login form."""
    _log_in(page, "cms", "button[type=submit]", username, password)


def log_in_to_django_admin(page, username: str, password: str) -> None:
    """Log in through the Django admin's login form."""
    _log_in(page, "admin", "input[type=submit]", username, password)


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Wait until the JavaScript ``expression`` is true in ``page``, checking it every 100 ms.

    Playwright's ``wait_for_function`` polls by evaluating a string inside the page, which the
    site's Content-Security-Policy (no ``'unsafe-eval'``) forbids; ``page.evaluate`` is not subject to it.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def axe_violations(page) -> list:
    """Inject axe-core into ``page`` and return its WCAG 2.1 A and AA violations (none is the goal)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]});
            return results.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}));
        }"""
    )
