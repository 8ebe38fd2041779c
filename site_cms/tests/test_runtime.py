"""Runtime pieces against real local servers: S3 (moto's server), Redis; the settings the environment drives."""

import importlib
import secrets
import time

import boto3
import pytest
import requests
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from pagecache import cache as page_cache
from site_cms.observability import init_sentry, make_before_send
from site_cms.settings import environment
from testing.servers import S3_CREDENTIALS, free_port, running_s3

STRONG_KEY = secrets.token_urlsafe(50)

BUCKET = "oc-lettings-test-media"
CREDENTIALS = S3_CREDENTIALS


def production_settings(monkeypatch, **env):
    """Reload the production settings module with ``env`` (and a secret key) and return it.

    One web process unless ``env`` says otherwise (``WEB_CONCURRENCY=None`` leaves it unset).
    """
    env = {"WEB_CONCURRENCY": "1", **env}
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    for name in (
        "AWS_STORAGE_BUCKET_NAME",
        "REDIS_URL",
        "REDIS_TLS_URL",
        "HEROKU_APP_NAME",
        "DYNO",
        "SENTRY_DSN",
        "DSN",
        "WEB_CONCURRENCY",
        "PAGE_CACHE_SECONDS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        if value is not None:
            monkeypatch.setenv(name, value)
    return importlib.reload(importlib.import_module("site_cms.settings.production"))


@pytest.fixture(scope="module")
def s3_server():
    """Start moto's S3 server on a free port and create the media bucket; yield its endpoint URL."""
    with running_s3(BUCKET) as endpoint:
        yield endpoint


@pytest.fixture
def s3_media(s3_server, monkeypatch):
    """Point media storage at the local S3 server, as production does from its environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    production = production_settings(
        monkeypatch, AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ENDPOINT_URL=s3_server, AWS_S3_REGION_NAME="us-east-1"
    )
    storages_setting = {
        **production.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages_setting):
        yield boto3.client("s3", endpoint_url=s3_server, **CREDENTIALS)


@pytest.mark.django_db
def test_uploaded_images_go_to_s3_and_are_served_from_it(client, superuser, s3_media):
    client.force_login(superuser)
    png = get_test_image_file(filename="porch.png", size=(800, 600)).file.getvalue()
    for _ in range(2):
        response = client.post(
            reverse("wagtailimages:add"),
            {"title": "Porch", "file": SimpleUploadedFile("porch.png", png, content_type="image/png")},
        )
        assert response.status_code == 302, response.context["form"].errors
    images = list(get_image_model().objects.filter(title="Porch"))
    keys = {item["Key"] for item in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"]}
    # Same file name twice: two objects, the first never overwritten.
    assert len({image.file.name for image in images}) == 2
    assert {image.file.name for image in images} <= keys
    rendition = images[0].get_rendition("fill-200x100")
    assert rendition.file.name in {item["Key"] for item in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"]}
    served = requests.get(rendition.url, timeout=10)
    assert served.status_code == 200
    assert served.headers["Content-Type"].startswith("image/")


@pytest.mark.django_db
def test_documents_go_to_s3(s3_media):
    name = storages["default"].save("documents/terms.txt", ContentFile(b"Terms of letting"))
    again = storages["default"].save("documents/terms.txt", ContentFile(b"New terms"))
    assert name != again
    body = s3_media.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    assert body == b"Terms of letting"


def test_redis_cache_is_used_when_configured(monkeypatch):
    # Database 9: no system test flushes it (they may run beside this suite).
    production = production_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/9")
    assert production.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert production.CACHES["renditions"]["LOCATION"] == "redis://127.0.0.1:6379/9"
    with override_settings(CACHES=production.CACHES):
        cache = caches["default"]
        cache.set("probe", "value", 30)
        assert cache.get("probe") == "value"
        cache.delete("probe")


def test_heroku_redis_tls_accepts_its_certificate(monkeypatch):
    production = production_settings(monkeypatch, REDIS_TLS_URL="rediss://:pw@example.com:6380")
    pool = production.CACHES["default"]["OPTIONS"]["CONNECTION_POOL_KWARGS"]
    assert pool == {"ssl_cert_reqs": None}


@pytest.mark.django_db
def test_site_keeps_serving_when_redis_is_down(client, home_page, lettings_index):
    dead = environment.cache_config(f"redis://127.0.0.1:{free_port()}/0", key_prefix="oc")
    with override_settings(CACHES={"default": dead, "renditions": dead, "pages": dead}, PAGE_CACHE_SECONDS=600):
        started = time.monotonic()
        assert caches["default"].get("anything") is None
        for path in ("/", "/lettings/", "/profiles/", "/search/?q=x"):
            assert client.get(path).status_code == 200
            assert client.get(path).status_code == 200  # nothing was stored, so nothing is served stale
        page_cache.invalidate_all("a publish while Redis is down")  # logged, never an error for the editor
        assert time.monotonic() - started < 10


def test_local_memory_cache_without_redis(monkeypatch):
    production = production_settings(monkeypatch)
    assert production.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert production.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    assert production.SERVE_MEDIA is True


def test_page_cache_is_shared_through_redis_or_off_with_several_processes(monkeypatch):
    with_redis = production_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/13", WEB_CONCURRENCY="2")
    assert with_redis.CACHES["pages"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert with_redis.PAGE_CACHE_SECONDS == 600
    assert (with_redis.GENERATION_MEMO, with_redis.FRAGMENT_CACHE_SECONDS) == (True, 86400)
    one_process = production_settings(monkeypatch, WEB_CONCURRENCY="1")
    assert one_process.CACHES["pages"]["BACKEND"].endswith("LocMemCache")
    assert one_process.PAGE_CACHE_SECONDS == 600
    # A scheduled job's publish is not seen in one process's memory: no menu memo, no day-long cards.
    assert (one_process.GENERATION_MEMO, one_process.FRAGMENT_CACHE_SECONDS) == (False, 0)
    with pytest.warns(UserWarning, match="Set REDIS_URL to cache pages"):
        several = production_settings(monkeypatch, WEB_CONCURRENCY="2")
    assert several.PAGE_CACHE_SECONDS == 0
    assert several.GENERATION_MEMO is False  # nor is the main menu kept per generation
    # With Redis the generation is shared even when pages are not cached: the menu is kept per generation.
    assert production_settings(monkeypatch, REDIS_URL="redis://x:6379/0", PAGE_CACHE_SECONDS="0").GENERATION_MEMO
    # No WEB_CONCURRENCY: bin/start runs two workers, so two local caches: off as well.
    with pytest.warns(UserWarning, match="Set REDIS_URL to cache pages"):
        assert production_settings(monkeypatch, WEB_CONCURRENCY=None).PAGE_CACHE_SECONDS == 0
    assert (
        production_settings(monkeypatch, REDIS_URL="redis://x:6379/0", PAGE_CACHE_SECONDS="0").PAGE_CACHE_SECONDS == 0
    )


def test_heroku_app_name_gives_hosts_origins_and_admin_url(monkeypatch):
    production = production_settings(monkeypatch, HEROKU_APP_NAME="oc-lettings", ALLOWED_HOSTS="www.example.com")
    assert production.ALLOWED_HOSTS == ["www.example.com", "oc-lettings.herokuapp.com"]
    assert production.CSRF_TRUSTED_ORIGINS == ["https://oc-lettings.herokuapp.com"]
    assert production.WAGTAILADMIN_BASE_URL == "https://oc-lettings.herokuapp.com"


def test_heroku_postgres_connections_persist_with_checks_and_ssl(monkeypatch):
    production = production_settings(
        monkeypatch, DATABASE_URL="postgres://user:pw@db.example.com:5432/oc", DYNO="web.1"
    )
    database = production.DATABASES["default"]
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["sslmode"] == "require"


def test_laptop_container_serves_plain_http(monkeypatch):
    production = production_settings(monkeypatch, SITE_HTTPS="false")
    assert production.SECURE_SSL_REDIRECT is False
    assert production.SESSION_COOKIE_SECURE is False
    assert production.SECURE_HSTS_SECONDS == 0


def test_sentry_reads_the_old_pipeline_variable(monkeypatch):
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    monkeypatch.setenv("DSN", "https://key@sentry.example.com/7")
    monkeypatch.setenv("RELEASE", "abc123")
    monkeypatch.setenv("SENTRY_TRACES_SAMPLE_RATE", "0.25")
    options = environment.sentry_options()
    assert options == {
        "dsn": "https://key@sentry.example.com/7",
        "environment": "production",
        "release": "abc123",
        "traces_sample_rate": 0.25,
    }


def test_sentry_stays_off_without_a_dsn(monkeypatch):
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    monkeypatch.delenv("DSN", raising=False)
    assert environment.sentry_options() is None
    assert init_sentry(None, secret_key="x") is False


def test_before_send_removes_cookies_emails_and_the_secret_key():
    before_send = make_before_send(("the-secret-key",))
    event = {
        "request": {"cookies": {"sessionid": "abc"}, "headers": {"Cookie": "sessionid=abc", "User-Agent": "UA"}},
        "user": {"email": "a@b.com"},
        "exception": {"values": [{"value": "failed for jane.doe@example.com with the-secret-key"}]},
    }
    cleaned = before_send(event, {})
    assert "cookies" not in cleaned["request"]
    assert cleaned["request"]["headers"] == {"User-Agent": "UA"}
    assert "user" not in cleaned
    assert cleaned["exception"]["values"][0]["value"] == "failed for [Filtered] with [Filtered]"


def test_check_deploy_finds_nothing_with_production_settings():
    from testing.servers import manage, project_env

    env = project_env(
        DJANGO_SETTINGS_MODULE="site_cms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="www.example.com",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert "System check identified no issues" in result.stdout


def test_production_without_a_bucket_warns_that_uploads_are_lost(caplog):
    from django.apps import apps

    with override_settings(IS_PRODUCTION=True), caplog.at_level("WARNING", logger="site_cms"):
        apps.get_app_config("site_cms").ready()
    assert "lost when the container restarts" in caplog.text


def test_only_a_heroku_dyno_trusts_the_routers_forwarded_for(monkeypatch):
    """Heroku sets DYNO on every dyno (no labs feature needed): only there is the last forwarded hop the visitor."""
    assert production_settings(monkeypatch, DYNO="web.1").BEHIND_HEROKU_ROUTER is True
    assert production_settings(monkeypatch).BEHIND_HEROKU_ROUTER is False
    assert production_settings(monkeypatch, HEROKU_APP_NAME="oc-lettings").BEHIND_HEROKU_ROUTER is False
