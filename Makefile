# Silver Portal. `make run` and `make test` work on a fresh clone with Python 3.11 and pip.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
MAKEMESSAGES := $(PY) manage.py makemessages -l zh_Hans -l en --no-location \
	--ignore=.venv --ignore=var --ignore=tests --ignore=bench

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint check messages translations worker beat bench clean

help:  ## Show this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed  ## Create .venv and install the portal with its test tools
	$(PY) -m portal.i18n compile

run: install  ## Set up, load the demo content and serve on http://127.0.0.1:$(PORT)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Browser tests need Debian's Chromium: sudo apt-get install chromium"; exit 1; fi

test: install $(CHROMIUM)  ## Run every test, browser tests included (PYTEST_ARGS narrows them)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_ARGS)

test-fast: install  ## Run the tests that need no browser
	$(PY) -m pytest -m "not browser"

lint: install  ## ruff, and the import boundaries of docs/architecture.md
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: install  ## Django's checks and migrations up to date
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

messages: install  ## Update the .po catalogues after changing user-facing text (needs gettext)
	$(MAKEMESSAGES)

translations: install  ## Fail when a Chinese translation is missing (needs gettext)
	$(MAKEMESSAGES)
	$(PY) -m portal.i18n check
	$(PY) -m portal.i18n compile

# The queue names, from portal/queues.py (worked out only when a recipe uses them).
QUEUES = $(shell $(PY) -c 'from portal.queues import ALL; print(",".join(ALL))')

worker: install  ## A Celery worker for every queue (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A portal worker -Q $(QUEUES) -l info

beat: install  ## Celery beat, for scheduled jobs (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A portal beat -l info

bench: install $(CHROMIUM)  ## Run every benchmark in bench/
	for script in $(filter-out bench/benchkit.py,$(wildcard bench/*.py)); do $(PY) $$script || exit 1; done

clean:  ## Remove the virtualenv and local data
	rm -rf $(VENV) var
