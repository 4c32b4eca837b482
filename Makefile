# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DEMO_ADDR ?= 127.0.0.1:8000

.PHONY: install demo test lint format fuzz bench lock worker clean

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

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The API fuzz suite with many examples per operation, fresh randomness and schemathesis's
# coverage phase (make test runs a few fixed examples). FUZZ_EXAMPLES sets the number.
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50} FUZZ_RANDOM=1 FUZZ_COVERAGE=1 \
		$(PY) -m pytest tests/attacks/test_api_fuzz.py $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY=lint-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
	DJANGO_ALLOWED_HOSTS=clinic.example \
	DATABASE_URL=sqlite:///var/lint.sqlite3 \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	$(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Starts PostgreSQL/Redis if needed, generates the 100k-infant network once (resumable); bench/README.md
bench: install
	$(PY) bench/run.py

worker: install
	$(VENV)/bin/celery -A config worker --beat --loglevel=info

lock: install
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var/test-media .pytest_cache
