FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 clinic

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install -r requirements.lock
COPY . .
# collectstatic needs settings to import; these placeholders are never used at run time.
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.db \
    CELERY_BROKER_URL=redis://build:6379/0 python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R clinic:clinic /app/var

USER clinic
EXPOSE 8000
# config/gunicorn.conf.py: bind, workers, and an access log without query strings.
CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi:application"]
