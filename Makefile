# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DEMO_ADDR ?= 127.0.0.1:8000

.PHONY: install demo test lint format fuzz bench lock worker clean backup restore messages

$(INSTALLED): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(INSTALLED)

install: $(INSTALLED)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
		echo "Starting a Celery worker with beat on $$CELERY_BROKER_URL"; \
		$(VENV)/bin/celery -A config worker --beat --loglevel=info --concurrency=2 & \
		trap 'kill $$!' EXIT INT TERM; \
		$(PY) manage.py runserver $(DEMO_ADDR); \
	else \
		$(PY) manage.py runserver $(DEMO_ADDR); \
	fi

# The whole suite with media on a local folder, then the video tests (upload, tus, processing,
# media serving, two web processes) again with STORAGES on a local S3 server (moto, loopback).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)
	$(PY) -m pytest tests/episodes --media-storage=s3 $(PYTEST_ARGS)

# The API fuzz suite with many examples per operation, fresh randomness and schemathesis's
# coverage phase (make test runs a few fixed examples). FUZZ_EXAMPLES sets the number.
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} FUZZ_RANDOM=1 FUZZ_COVERAGE=1 \
		$(PY) -m pytest tests/attacks/test_api_fuzz.py $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py translations --check
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY=lint-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
	DJANGO_ALLOWED_HOSTS=clinic.example \
	DATABASE_URL=sqlite:///var/lint.sqlite3 \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	$(PY) manage.py check --deploy --fail-level WARNING

# Extract every translatable string into locale/<lang>/LC_MESSAGES/django.po (makemessages)
# and compile the catalogues (compilemessages); then translate what is new. `make lint` fails on a
# caregiver string without a translation (manage.py translations --check). Needs GNU gettext.
messages: install
	$(PY) manage.py translations

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Starts PostgreSQL/Redis if needed, generates the 100k-infant network once (resumable); bench/README.md
bench: install
	$(PY) bench/run.py

worker: install
	$(VENV)/bin/celery -A config worker --beat --loglevel=info

# requirements.lock: everything, for development and CI. requirements-prod.lock: what the
# Docker image installs, without the dev extra, every file pinned by its hash.
lock: install
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements-prod.lock pyproject.toml

# make backup [BACKUP_DIR=...]: database (pg_dump custom format), media and a checksummed
# manifest. make restore BACKUP_DIR=... RESTORE_DATABASE_URL=postgres://.../new_db restores into
# a new database and verifies every table's row count and every media checksum.
backup: install
	$(PY) manage.py backup $(BACKUP_DIR)

restore: install
	@test -n "$(BACKUP_DIR)" || { echo "set BACKUP_DIR=var/backups/<time>"; exit 2; }
	@test -n "$(RESTORE_DATABASE_URL)" || { echo "set RESTORE_DATABASE_URL=postgres://..."; exit 2; }
	$(PY) manage.py restore $(BACKUP_DIR) --database-url $(RESTORE_DATABASE_URL) \
		$(if $(RESTORE_MEDIA_ROOT),--media-root $(RESTORE_MEDIA_ROOT))

clean:
	rm -rf $(VENV) var/test-media .pytest_cache .mypy_cache
