# The one image for web, worker, beat and migrate (see docker-compose.yml).

# Stage 1: the source tree without local state, secrets or tooling. Only the
# cleaned copy reaches the final image, even without a .dockerignore.
FROM python:3.11-slim-bookworm AS source
WORKDIR /src
COPY . .
RUN rm -rf .git .venv .ci var tests docs .env .env.local \
    && find . -name "__pycache__" -type d -prune -exec rm -rf {} +

# Stage 2: the runtime.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=ist.settings \
    IST_VAR_DIR=/var/lib/ist \
    STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=3 \
    GUNICORN_THREADS=4

# WeasyPrint's native libraries (Pango, HarfBuzz subsetting) and a fallback font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 ist \
    && useradd --system --uid 10001 --gid ist --home-dir /app --no-create-home --shell /usr/sbin/nologin ist

WORKDIR /app

# Locked, hashed dependencies first, so the layer is reused while they do not change.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

# Code belongs to root and is read-only for the app user.
COPY --from=source /src /app

# Writable places for the app user. Named volumes mounted on /var/lib/ist and
# /var/lib/ist/media start as copies of these directories, owner included.
# Static files are collected into the image at build time, so web, worker and
# beat (which renders PDFs with {% static %} fonts) all have the same manifest.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /var/lib/ist/celery /var/lib/ist/media \
    && chown -R ist:ist /var/lib/ist

USER ist
EXPOSE 8000

CMD ["gunicorn", "ist.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
