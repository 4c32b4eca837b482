FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

# postgresql-client: pg_dump and pg_restore for manage.py backup and restore (README).
RUN apt-get update && apt-get install -y --no-install-recommends curl postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 clinic

WORKDIR /app
# The production lock: no dev extra, every file pinned by its hash (make lock writes it).
COPY requirements-prod.lock ./
RUN pip install --require-hashes --no-deps -r requirements-prod.lock
COPY . .
# collectstatic needs settings to import; these placeholders are never used at run time.
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.db \
    CELERY_BROKER_URL=redis://build:6379/0 python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/uploads-partial /app/var/backups \
    && chown -R clinic:clinic /app/var

USER clinic
EXPOSE 8000
# config/gunicorn.py: JSON access lines without query strings, metrics from every worker.
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
