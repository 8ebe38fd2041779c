"""The CircleCI pipeline's job graph, and the Heroku deploy script run against fake docker and curl."""

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from testing.servers import PROJECT_DIR

CONFIG = yaml.safe_load((PROJECT_DIR / ".circleci" / "config.yml").read_text())
WORKFLOW_JOB_KEYS = {"requires", "filters", "context", "name", "matrix", "type", "pre-steps", "post-steps"}
OLD_PIPELINE_VARIABLES = {
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "DSN",
    "HEROKU_APP_NAME",
    "HEROKU_TOKEN",
    "IMAGE_NAME",
    "SECRET_KEY",
}


def workflow_jobs() -> dict[str, dict]:
    """Return the workflow's jobs as name -> settings."""
    (workflow,) = CONFIG["workflows"].values()
    jobs = {}
    for entry in workflow["jobs"]:
        if isinstance(entry, str):
            jobs[entry] = {}
        else:
            ((name, settings),) = entry.items()
            jobs[name] = settings or {}
    return jobs


def test_job_graph_tests_every_branch_and_ships_main_only():
    jobs = workflow_jobs()
    assert list(jobs) == ["build-and-test", "containerize", "deploy"]
    assert jobs["build-and-test"] == {}
    assert jobs["containerize"]["requires"] == ["build-and-test"]
    assert jobs["deploy"]["requires"] == ["containerize"]
    for name in ("containerize", "deploy"):
        assert jobs[name]["filters"] == {"branches": {"only": "main"}}


def test_workflow_entries_use_only_known_keys_and_real_jobs():
    for name, settings in workflow_jobs().items():
        assert name in CONFIG["jobs"], f"{name} is not a job"
        assert set(settings) <= WORKFLOW_JOB_KEYS, f"{name} has unknown keys {set(settings) - WORKFLOW_JOB_KEYS}"
        for required in settings.get("requires", []):
            assert required in CONFIG["jobs"]


def test_build_and_test_runs_make_test_on_postgres_and_stores_reports():
    job = CONFIG["jobs"]["build-and-test"]
    executor = CONFIG["executors"][job["executor"]]
    images = [container["image"] for container in executor["docker"]]
    assert images[0].startswith("cimg/python:3.14")
    assert any(image.startswith("cimg/postgres") for image in images)
    assert executor["docker"][0]["environment"]["DATABASE_URL"].startswith("postgres://")
    steps = json.dumps(job["steps"])
    assert "make test" in steps
    assert "store_test_results" in steps
    assert "store_artifacts" in steps
    dockerfile_python = (PROJECT_DIR / "Dockerfile").read_text().split("python:", 1)[1].split("-", 1)[0]
    assert images[0] == f"cimg/python:{dockerfile_python}"


def test_containerize_tags_with_the_sha_and_latest_and_logs_in_through_stdin():
    steps = json.dumps(CONFIG["jobs"]["containerize"]["steps"])
    assert '--build-arg COMMIT_SHA=\\"$CIRCLE_SHA1\\"' in steps
    assert "$DOCKER_USERNAME/$IMAGE_NAME:$CIRCLE_SHA1" in steps
    assert "$DOCKER_USERNAME/$IMAGE_NAME:latest" in steps
    assert "--password-stdin" in steps
    assert "-p " not in steps
    assert "--password " not in steps


def test_deploy_uses_the_sha_image_and_only_the_old_pipeline_variables():
    steps = json.dumps(CONFIG["jobs"]["deploy"]["steps"])
    assert 'bin/heroku-deploy \\"$DOCKER_USERNAME/$IMAGE_NAME:$CIRCLE_SHA1\\"' in steps
    assert "docker build" not in steps
    script = (PROJECT_DIR / "bin" / "heroku-deploy").read_text()
    text = (PROJECT_DIR / ".circleci" / "config.yml").read_text() + script
    used = {name for name in OLD_PIPELINE_VARIABLES if name in text}
    assert used == OLD_PIPELINE_VARIABLES


FAKE_CURL = r"""#!/usr/bin/env bash
log="$FAKE_LOG"
url=""
body=""
for arg in "$@"; do
  case "$arg" in
    http*) url="$arg" ;;
    @-) body="$(cat)" ;;
  esac
done
echo "curl $url" >> "$log"
[ -n "$body" ] && echo "$body" > "$FAKE_DIR/body-$(basename "$url")"
case "$url" in
  */apps/demo-app) echo '{"web_url": "https://demo-app-1234.herokuapp.com/"}' ;;
  */releases) echo "[{\"status\": \"$FAKE_RELEASE_STATUS\"}]" ;;
  */healthz) echo '{"status": "ok", "database": "ok"}' ;;
  https://demo-app-1234.herokuapp.com/) echo '<link rel="stylesheet" href="/static/css/site.0123456789ab.css">' ;;
  *) : ;;
esac
"""
FAKE_DOCKER = r"""#!/usr/bin/env bash
echo "docker $*" >> "$FAKE_LOG"
[ "$1" = "login" ] && cat > /dev/null
[ "$1" = "inspect" ] && echo "sha256:feedface"
exit 0
"""


def run_deploy(tmp_path: Path, release_status: str = "succeeded", **env_overrides) -> subprocess.CompletedProcess:
    """Run bin/heroku-deploy with fake docker and curl on PATH; return the finished process."""
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    for name, script in (("curl", FAKE_CURL), ("docker", FAKE_DOCKER)):
        path = fakes / name
        path.write_text(script)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    env = {
        "PATH": f"{fakes}{os.pathsep}{os.environ['PATH']}",
        "FAKE_LOG": str(tmp_path / "calls.log"),
        "FAKE_DIR": str(tmp_path),
        "FAKE_RELEASE_STATUS": release_status,
        "HEROKU_APP_NAME": "demo-app",
        "HEROKU_TOKEN": "heroku-token-secret",
        "SECRET_KEY": "django-secret-value",
        "DSN": "https://key@sentry.example.com/1",
    }
    env.update(env_overrides)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        ["bin/heroku-deploy", "someone/oc-lettings:abc123"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_script_releases_the_pulled_image_and_checks_the_site(tmp_path):
    result = run_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert "docker pull someone/oc-lettings:abc123" in calls
    assert "docker push registry.heroku.com/demo-app/web" in calls
    assert "docker push registry.heroku.com/demo-app/release" in calls
    assert not any(call.startswith("docker build") for call in calls)
    order = [calls.index(call) for call in calls if "config-vars" in call or "formation" in call or "healthz" in call]
    assert order == sorted(order)
    assert calls[-1] == "curl https://demo-app-1234.herokuapp.com/static/css/site.0123456789ab.css"
    formation = json.loads((tmp_path / "body-formation").read_text())
    assert formation["updates"] == [
        {"type": "web", "docker_image": "sha256:feedface"},
        {"type": "release", "docker_image": "sha256:feedface"},
    ]
    config = json.loads((tmp_path / "body-config-vars").read_text())
    assert config["SECRET_KEY"] == "django-secret-value"
    assert config["SENTRY_DSN"] == "https://key@sentry.example.com/1"
    assert config["ALLOWED_HOSTS"] == "demo-app-1234.herokuapp.com"
    for secret in ("django-secret-value", "heroku-token-secret", "sentry.example.com"):
        assert secret not in result.stdout + result.stderr
        assert secret not in "\n".join(calls)


def test_deploy_script_fails_when_the_release_phase_fails(tmp_path):
    result = run_deploy(tmp_path, release_status="failed")
    assert result.returncode == 1
    assert "The release ended as 'failed'" in result.stderr


@pytest.mark.parametrize("missing", ["HEROKU_APP_NAME", "HEROKU_TOKEN", "SECRET_KEY"])
def test_deploy_script_names_a_missing_variable(tmp_path, missing):
    result = run_deploy(tmp_path, **{missing: None})
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
