"""Two web processes ("dynos") of one release sharing PostgreSQL, Redis and S3, and the check that they agree.

Used by ``site_cms/tests/test_scale_out.py`` and by ``bench/scale.py``; everything goes over HTTP or
through ``manage.py`` in a subprocess, so importing this module sets nothing up.
"""

import contextlib
import json
import re
import secrets
import time
from contextlib import ExitStack
from pathlib import Path

import redis
import requests

from .servers import (
    build_site,
    free_port,
    fresh_postgres_database,
    manage,
    production_env,
    running_s3,
    running_server,
    s3_env,
)

BUCKET = "oc-lettings-scale-check"
EDITOR = "scale-editor"
LETTING_TITLE = "A Scale-Out Letting"  # sorts before "Bench Letting ...": first page of the listing
REDIS_URL = "redis://127.0.0.1:6379/13"  # the scale check's own Redis database, flushed before use


class ScaleCheckError(AssertionError):
    """One of the shared-state checks failed; the message says which and what was seen."""


def shared_environment(database: str, work: Path, s3_endpoint: str, **overrides: str) -> dict[str, str]:
    """Return the environment both dynos share: one database, one Redis, one bucket."""
    return production_env(
        f"postgres://postgres@127.0.0.1:5432/{database}",
        work,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_HTTPS="false",
        LOG_LEVEL="WARNING",
        REDIS_URL=REDIS_URL,
        WEB_CONCURRENCY="1",
        **s3_env(s3_endpoint, BUCKET),
        **overrides,
    )


IDS_SCRIPT = """
import json
from wagtail.images import get_image_model
from lettings.models import Address, LettingIndexPage
print(json.dumps({
    "image": get_image_model().objects.get(title="Scale check photo").pk,
    "address": Address.objects.get(street="Scale Street").pk,
    "index": LettingIndexPage.objects.get().pk,
}))
"""


def created_ids(env: dict[str, str]) -> dict[str, int]:
    """Return the ids of the photo and address the editor created, and of the lettings index."""
    return json.loads(manage("shell", "-c", IDS_SCRIPT, env=env).stdout.strip().splitlines()[-1])


def admin_session(base_url: str, password: str) -> requests.Session:
    """Log in to the Wagtail admin of one dyno and return the session."""
    session = requests.Session()
    session.get(f"{base_url}/cms/login/", timeout=10).raise_for_status()
    response = session.post(
        f"{base_url}/cms/login/",
        data={"username": EDITOR, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        timeout=10,
    )
    if "sessionid" not in session.cookies:
        raise ScaleCheckError(f"could not log in to {base_url}/cms/ (status {response.status_code})")
    return session


def post_form(session: requests.Session, url: str, data: dict, files: dict | None = None) -> requests.Response:
    """POST an admin form with the session's CSRF token; fail unless the admin redirects (saved)."""
    response = session.post(
        url,
        data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files=files,
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise ScaleCheckError(f"POST {url} answered {response.status_code}, not a redirect: the form was refused")
    return response


def check_shared_state(dyno_a: str, dyno_b: str, env: dict[str, str], password: str) -> dict:
    """Publish a letting with a new photo through ``dyno_a``; check that ``dyno_b`` serves both at once."""
    results = {}
    listing_before = requests.get(f"{dyno_b}/lettings/", timeout=10)
    listing_cached = requests.get(f"{dyno_b}/lettings/", timeout=10)
    results["listing cached on B before the publish"] = listing_cached.headers.get("X-Page-Cache") == "hit"
    if LETTING_TITLE in listing_before.text:
        raise ScaleCheckError("the letting is listed before it was published")

    from wagtail.images.tests.utils import get_test_image_file_jpeg
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    editor = admin_session(dyno_a, password)
    photo = get_test_image_file_jpeg(filename="porch.jpg", size=(1200, 800)).file.getvalue()
    post_form(
        editor,
        f"{dyno_a}/cms/images/add/",
        {"title": "Scale check photo"},
        files={"file": ("porch.jpg", photo, "image/jpeg")},
    )
    post_form(
        editor,
        f"{dyno_a}/cms/snippets/lettings/address/add/",
        {"number": "7", "street": "Scale Street", "city": "Twin Falls", "state": "ID", "zip_code": "83301",
         "country_iso_code": "USA"},
    )  # fmt: skip
    ids = created_ids(env)
    published = time.monotonic()
    post_form(
        editor,
        f"{dyno_a}/cms/pages/add/lettings/lettingpage/{ids['index']}/",
        nested_form_data(
            {
                "title": LETTING_TITLE,
                "slug": "a-scale-out-letting",
                "address": ids["address"],
                "summary": "Published through one dyno, served by the other.",
                "body": rich_text("<p>Shared database, cache and media.</p>"),
                "gallery_images": inline_formset([{"image": ids["image"], "alt_text": "The porch", "caption": ""}]),
                "action-publish": "publish",
            }
        ),
    )

    listing_after = requests.get(f"{dyno_b}/lettings/", timeout=10)
    results["B lists the letting on the next request"] = LETTING_TITLE in listing_after.text
    results["seconds from publish to B listing it"] = round(time.monotonic() - published, 2)
    letting = requests.get(f"{dyno_b}/lettings/a-scale-out-letting/", timeout=30)
    results["B serves the letting page"] = letting.status_code == 200
    media_urls = sorted(set(re.findall(r"(http://127\.0\.0\.1:\d+/" + BUCKET + r'/[^"\s,]+)', letting.text)))
    fetched = [requests.get(url, timeout=10) for url in media_urls]
    results["photo renditions made by B, served from S3"] = len(media_urls)
    results["renditions that answer 200 with an image"] = sum(
        1
        for response in fetched
        if response.status_code == 200 and response.headers["Content-Type"].startswith("image/")
    )
    failed = [name for name, value in results.items() if value is False]
    if failed or not media_urls or results["renditions that answer 200 with an image"] != len(media_urls):
        raise ScaleCheckError(f"shared state not seen on the other dyno: {json.dumps(results, indent=2)}")
    return results


@contextlib.contextmanager
def two_dynos(work: Path, lettings: int, **overrides: str):
    """Seed a fresh database, start S3 and two dynos on it; yield (environment, [dyno A, dyno B], password)."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    password = secrets.token_urlsafe(16)
    with ExitStack() as stack:
        database = stack.enter_context(fresh_postgres_database("oc_scale"))
        s3_endpoint = stack.enter_context(running_s3(BUCKET))
        env = shared_environment(database, work, s3_endpoint, **overrides)
        build_site(env, lettings)
        manage("createsuperuser", "--noinput", "--username", EDITOR, "--email", "scale@example.com",
               env={**env, "DJANGO_SUPERUSER_PASSWORD": password})  # fmt: skip
        dynos = [
            stack.enter_context(running_server(["web"], {**env, "PORT": str(free_port())}, work / f"dyno-{name}.log"))
            for name in ("a", "b")
        ]
        yield env, dynos, password
