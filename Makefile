# Orange County Lettings: the two commands of the README, and their helpers.
# `make run` serves the demo site; `make test` runs every check CI runs: lint, the migration and config checks,
# the suite on SQLite and on PostgreSQL, the system tests (real processes, a browser) once, coverage, the docs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
COVERAGE_MIN ?= 90
PYTEST_ARGS ?=
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/oc_lettings
# The system tests' own database name (their test database must not be the PostgreSQL run's: they run beside it).
POSTGRES_SYSTEM_URL ?= $(POSTGRES_TEST_URL)_system
# The image test (build the production image and run it): CircleCI's unprivileged test container cannot
# mount the image, so it passes IMAGE_TESTS=no and its containerize job starts the image it built instead.
IMAGE_TESTS ?= yes
PYTEST := $(BIN)/python -m pytest --cov --cov-report= $(PYTEST_ARGS)

.PHONY: image test-image test-postgres-then-image bench bench-scale help run install install-dev prerequisites migrate demo lint format migrations-check check-config docs test test-suite test-sqlite test-postgres test-system test-sqlite-then-system coverage lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

# axe-core for the accessibility tests, from the npm registry at the version package-lock.json pins.
node_modules/.installed: package.json package-lock.json
	@command -v npm > /dev/null || { echo "npm is needed for the accessibility tests (apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.runtime-installed  ## Create the virtual environment with the runtime requirements

install-dev: $(VENV)/.dev-installed node_modules/.installed  ## Add the development and test tools

migrate: install  ## Migrate the local SQLite database
	$(BIN)/python manage.py migrate --noinput

demo: migrate  ## Load the demo data (safe to run again); absolute URLs say http://$(HOST):$(PORT)
	PUBLIC_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py sync_site
	$(BIN)/python manage.py load_demo_data

run: demo  ## Serve the demo site on http://127.0.0.1:8000 (make run PORT=8123 for another port)
	@echo "Serving Orange County Lettings on http://$(HOST):$(PORT)/ (Wagtail admin /cms/, Django admin /admin/; Ctrl+C stops)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-dev  ## Lint and format checks: Python (ruff), templates (djLint), CSS (stylelint)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint . --lint --check
	npx --no-install stylelint "static/**/*.css"

format: install-dev  ## Apply the fixes and formatting of ruff, djLint and stylelint
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint . --reformat
	npx --no-install stylelint --fix "static/**/*.css"

migrations-check: install-dev  ## Fail when a model change has no migration
	DJANGO_SETTINGS_MODULE=site_cms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

check-config: install-dev  ## Validate the CircleCI and Read the Docs files offline, lint the Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.circle-ci .circleci/config.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.readthedocs .readthedocs.yaml
	$(BIN)/hadolint Dockerfile

image:  ## Build the production image (Docker, or podman on a debootstrapped stand-in base): localhost/oc-lettings
	bin/build-image localhost/oc-lettings:latest

prerequisites:  ## Install (as root) or name the system packages the tests need; check PostgreSQL and Redis
	@bin/test-prerequisites

docs: install-dev  ## Build the documentation (warnings are errors)
	@command -v dot > /dev/null || { echo "Graphviz's dot is needed for the docs' diagrams: apt-get install graphviz"; exit 1; }
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "Documentation built in docs/_build/html/index.html"

# Each run keeps its own coverage data (a stale file of an earlier run is removed first); `coverage` combines
# them. The system tests start bin/start on PostgreSQL and a browser whatever the run's database: run once.
test-sqlite: install-dev  ## The suite without the system tests, on SQLite
	@rm -f .coverage.sqlite
	env -u DATABASE_URL COVERAGE_FILE=.coverage.sqlite $(PYTEST) -m "not system" --junitxml=test-results/pytest/sqlite.xml

test-postgres: install-dev  ## The suite without the system tests, on PostgreSQL (POSTGRES_TEST_URL)
	@rm -f .coverage.postgresql
	DATABASE_URL=$(POSTGRES_TEST_URL) COVERAGE_FILE=.coverage.postgresql $(PYTEST) -m "not system" \
		--junitxml=test-results/pytest/postgresql.xml

test-system: install-dev  ## The system tests: production start script, browser, two dynos (PostgreSQL)
	@rm -f .coverage.system
	DATABASE_URL=$(POSTGRES_SYSTEM_URL) COVERAGE_FILE=.coverage.system $(PYTEST) -m "system and not image" \
		--junitxml=test-results/pytest/system.xml

# It runs no project code in the test's process (the image runs its own copy), so it keeps no coverage.
test-image: install-dev  ## Build the production image and run it in laptop and Heroku modes (root; podman or Docker)
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m image --junitxml=test-results/pytest/image.xml

coverage: install-dev  ## Combine the runs' coverage; fail under COVERAGE_MIN % (branch coverage)
	$(BIN)/coverage combine --keep --quiet $(wildcard .coverage.sqlite .coverage.postgresql .coverage.system)
	$(BIN)/coverage report --fail-under=$(COVERAGE_MIN)
	$(BIN)/coverage xml --quiet
	$(BIN)/coverage html --quiet

# Two lines side by side (one core each; each line's output is printed when it ends), about as long as each
# other: the PostgreSQL run followed by the image test, and the SQLite run followed by the system tests
# (which start processes of their own).
test-suite: install-dev  ## The suite on SQLite and PostgreSQL, the system and image tests, then the combined coverage
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-postgres-then-image test-sqlite-then-system
	@$(MAKE) --no-print-directory coverage

test-postgres-then-image: install-dev
	@$(MAKE) --no-print-directory test-postgres
	@if [ "$(IMAGE_TESTS)" != no ]; then $(MAKE) --no-print-directory test-image; fi

test-sqlite-then-system: install-dev
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-system

test: prerequisites lint migrations-check check-config test-suite docs  ## Everything CI checks

bench: install-dev  ## Load-test the production start script at 10 to 100,000 lettings, then the scale-out check (PostgreSQL, Redis, wrk)
	@command -v wrk > /dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
	$(BIN)/python bench/run.py --sizes $${BENCH_SIZES:-10,1000,10000,100000} --duration $${BENCH_SECONDS:-5}
	$(BIN)/python bench/scale.py --lettings 1000 --duration $${BENCH_SECONDS:-5}

bench-scale: install-dev  ## Two web processes sharing PostgreSQL, Redis and S3: shared state and throughput
	@command -v wrk > /dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
	$(BIN)/python bench/scale.py --lettings 1000 --duration $${BENCH_SECONDS:-5}

# uv compiles the .in files into exact pins. -o reads the existing file as preferences, so no pin moves unless
# asked: make lock LOCK_ARGS="--upgrade-package NAME". The runtime lock first: the dev lock is held to it
# (-c requirements.txt). The same options as COMPILE in site_cms/tests/test_requirements.py, which fails when
# the committed files are not what this gives.
UV_COMPILE := $(BIN)/uv pip compile --quiet --python-version 3.11.7 --python-platform linux \
	--custom-compile-command "make lock"

lock: $(VENV)/.dev-installed  ## Compile requirements.in and requirements-dev.in into the pinned requirements files
	$(UV_COMPILE) $(LOCK_ARGS) requirements.in -o requirements.txt
	$(UV_COMPILE) $(LOCK_ARGS) requirements-dev.in -o requirements-dev.txt

clean:  ## Remove the virtual environment, the local database and build output
	rm -rf $(VENV) db.sqlite3 media staticfiles .coverage .coverage.* coverage.xml htmlcov test-results docs/_build \
		.pytest_cache .ruff_cache
