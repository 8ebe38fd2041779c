"""The production image, built with ``bin/build-image`` and run the way Heroku and ``docker run`` run it.

There is no Docker engine on the test machines: the image is built with podman and its command run
in a chroot of its own filesystem as its own user (:mod:`testing.image`). Two modes, as in
``bin/start``: a laptop (no variable at all: a demo site on SQLite inside the container) and Heroku
(``heroku.yml``'s release command against PostgreSQL, then its web command with ``DATABASE_URL``,
``REDIS_URL`` and ``SECRET_KEY``). Both must start cleanly (no ``ERROR``, no traceback in the log)
as a user who cannot write the code, and the image holds no secret.
"""

import re
import secrets
from pathlib import Path

import pytest
import redis
import requests
import yaml

from home.demo import DEMO_PASSWORDS
from testing.image import ImageRoot, build_image, image_history
from testing.servers import PROJECT_DIR, free_port, fresh_postgres_database, wait_for_http

pytestmark = [pytest.mark.system, pytest.mark.image]

REDIS_URL = "redis://127.0.0.1:6379/12"  # this test's own Redis database, flushed before use
HTTPS = {"X-Forwarded-Proto": "https"}
# Environment variables whose names say they hold a secret, and lines of a build that would have baked one in.
SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|API_?KEY|_KEY$|DSN|DATABASE_URL|REDIS_URL")
SECRET_ASSIGNMENT = re.compile(r"\b[A-Z_]*(SECRET|TOKEN|PASSWORD|_KEY)[A-Z_]*=(?![\"']?\$)")
# Files that must never be in an image: environments, databases, keys, version control, the build's pip setup.
SECRET_FILES = r"\( -name '.env' -o -name '.env.*' -o -name '*.sqlite3' -o -name 'id_rsa*' -o -name '*.key' " + (
    r"-o -name '.git' -o -name 'pip.conf' -o -name '.netrc' -o -name '.pypirc' \)"
)


@pytest.fixture(scope="module")
def image() -> str:
    """Build the image from this checkout once for the module; return its tag."""
    return build_image()


def clean_start(log: str) -> None:
    """Fail when a start's output holds an error or a traceback."""
    problems = [line for line in log.splitlines() if "ERROR" in line or "Traceback" in line or "CRITICAL" in line]
    assert problems == [], "\n".join(problems)


def serves_as_the_image_user(root: ImageRoot, master_pid: int) -> None:
    """Fail unless gunicorn's master and every worker run as the image's user, not root."""
    pids = [master_pid, *map(int, Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split())]
    assert len(pids) >= 2  # the master and its workers
    expected_uid = root.user.split(":")[0]
    for pid in pids:
        uids = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:"))
        assert uids.split()[1:] == [expected_uid] * 4, f"process {pid} runs as {uids}"
    assert expected_uid != "0"


def test_the_image_holds_no_secret_and_its_user_cannot_change_the_code(image):
    with ImageRoot(image) as root:
        assert not [name for name in root.env() if SECRET_NAME.search(name)]
        history = image_history(image)
        assert [line for line in history if SECRET_ASSIGNMENT.search(line)] == []
        found = root.run(["sh", "-c", f"find / -xdev {SECRET_FILES} -print"], as_user="0:0")
        assert (found.returncode, found.stdout) == (0, "")
        keys = root.run(["sh", "-c", "grep -rlIE -e '-----BEGIN [A-Z ]*PRIVATE KEY-----' /app || true"], as_user="0:0")
        assert keys.stdout == ""
        writable = root.run(["sh", "-c", "find /app /venv -writable -not -path '/app/data*' -print | head -n 5"])
        assert (writable.returncode, writable.stdout) == (0, "")
        assert root.run(["sh", "-c", "touch /app/data/probe && rm /app/data/probe"]).returncode == 0
        assert root.run(["id", "-u"]).stdout.strip() == "10001"


def test_on_a_laptop_it_serves_the_demo_site_with_random_passwords(image, tmp_path):
    """``docker run -p 8000:8000 IMAGE``: no variable at all, SQLite inside, demo data, DEBUG off."""
    port = str(free_port())
    with ImageRoot(image) as root:
        server = root.start([], tmp_path / "laptop.log", PORT=port)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/healthz/live", timeout=180, process=server)
        home = requests.get(base + "/", timeout=10, allow_redirects=False)
        assert home.status_code == 200
        assert "Welcome to Holiday Homes" in home.text
        lettings = requests.get(base + "/lettings/", timeout=10).text
        assert "Underground Hygge" in lettings
        photo = re.search(r'src="(/media/images/[^"]+)"', lettings).group(1)
        assert requests.get(base + photo, timeout=10).status_code == 200
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home.text).group(1)
        css = requests.get(base + stylesheet, timeout=10)
        assert (css.status_code, css.headers["Content-Type"]) == (200, 'text/css; charset="utf-8"')
        missing = requests.get(base + "/nowhere/", timeout=10)
        assert missing.status_code == 404
        assert "Page not found" in missing.text  # DEBUG is off: the site's page, not Django's debug page
        # The site's public address is the container's: http://localhost:<port>.
        sitemap = requests.get(base + "/sitemap-pages.xml", timeout=10).text
        assert f"<loc>http://localhost:{port}/lettings/</loc>" in sitemap
        serves_as_the_image_user(root, server.pid)
        output = (tmp_path / "laptop.log").read_text()
        printed = dict(re.findall(r"^\s+\w+\s+(admin|editor|moderator) / (\S+)$", output, re.MULTILINE))
        assert printed.keys() == DEMO_PASSWORDS.keys()
        assert not set(printed.values()) & set(DEMO_PASSWORDS.values())
        with requests.Session() as browser:
            browser.get(base + "/admin/login/", timeout=10)
            token = browser.cookies["csrftoken"]
            answer = browser.post(
                base + "/admin/login/",
                {"username": "admin", "password": printed["admin"], "csrfmiddlewaretoken": token},
                headers={"Referer": base + "/admin/login/"},
                timeout=10,
                allow_redirects=False,
            )
            assert answer.status_code == 302
            assert browser.get(base + "/admin/", timeout=10, allow_redirects=False).status_code == 200
        root.stop(server)
        clean_start((tmp_path / "laptop.log").read_text())


def test_on_heroku_the_release_migrates_and_the_web_serves_from_postgres_and_redis(image, tmp_path):
    heroku = yaml.safe_load((PROJECT_DIR / "heroku.yml").read_text())
    release_command, web_command = heroku["release"]["command"][0], heroku["run"]["web"]
    redis.Redis.from_url(REDIS_URL).flushdb()
    port = str(free_port())
    with fresh_postgres_database("oc_image") as database, ImageRoot(image) as root:
        env = {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PUBLIC_URL": "https://www.oc-lettings.example",
            "PORT": port,
        }
        release = root.run(["/bin/sh", "-c", release_command], timeout=600, **env)
        assert release.returncode == 0, release.stdout + release.stderr
        clean_start(release.stdout + release.stderr)

        server = root.start(["/bin/sh", "-c", web_command], tmp_path / "web.log", **env)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/healthz/live", timeout=60, process=server)
        health = requests.get(base + "/healthz", headers=HTTPS, timeout=10)
        assert health.status_code == 200
        first = requests.get(base + "/", headers=HTTPS, timeout=10)
        again = requests.get(base + "/", headers=HTTPS, timeout=10)
        assert (first.status_code, again.status_code) == (200, 200)
        assert again.headers["X-Page-Cache"] == "hit"
        assert requests.get(base + "/cms/login/", headers=HTTPS, timeout=10).status_code == 200
        serves_as_the_image_user(root, server.pid)
        root.stop(server)
        clean_start((tmp_path / "web.log").read_text())
