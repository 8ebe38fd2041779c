# One image for Heroku (container stack) and for `docker run -p 8000:8000 IMAGE` on a laptop.
# Build: docker build --build-arg COMMIT_SHA="$(git rev-parse HEAD)" -t oc-lettings .
# No secret is needed to build, and none is baked in: SECRET_KEY and the rest come at run time.

ARG PYTHON_IMAGE=python:3.14-slim-trixie

# --- build stage: wheels for the pinned requirements --------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
COPY requirements.txt .
RUN python -m venv /venv \
    && /venv/bin/pip install --no-compile -r requirements.txt

# --- runtime stage --------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ARG COMMIT_SHA=""
ENV PATH="/venv/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=site_cms.settings.production \
    RELEASE=${COMMIT_SHA} \
    PORT=8000
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /venv /venv
# The code stays owned by root (read-only for the app); only /app/data (the laptop SQLite and media) is writable.
COPY . .
# Hashed, compressed static files at build time; a throwaway key because the settings demand one.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" python manage.py collectstatic --noinput \
    && mkdir -p /app/data \
    && chown app:app /app/data
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz/live' % os.environ.get('PORT', '8000'))"]
CMD ["bin/start"]
