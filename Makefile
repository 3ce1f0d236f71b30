# Dandang. `make run` serves the demo on http://127.0.0.1:8000; `make test` runs the suite.
# Without DATABASE_URL the database is a SQLite file; without REDIS_URL Celery runs tasks
# in-process. See README.md for the rest.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
LDCONFIG := $(shell command -v ldconfig || echo /sbin/ldconfig)

.PHONY: help venv install sysdeps compiled-messages run test worker beat messages bench

help:
	@echo "make run       install, migrate, load the demo and serve it on http://127.0.0.1:8000"
	@echo "make test      install, check the import layers (lint-imports), then run the whole test suite"
	@echo "               (PYTEST_ARGS='-k jobs' to narrow it)"
	@echo "make worker    a Celery worker (needs REDIS_URL); make beat: the scheduler"
	@echo "make messages  refresh and compile the English catalog in locale/"
	@echo "make bench     the benchmarks in bench/"
	@echo "make sysdeps   the system packages: CJK font, pango, chromium, gettext"

$(PY):
	$(PYTHON) -m venv $(VENV)

venv: $(PY)

# Re-installs only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(STAMP)

# System packages, installed through apt-get only when a check finds one missing:
# a CJK font and pango for WeasyPrint's PDFs, Debian's chromium for the browser tests,
# gettext for the message catalogs, poppler-utils (pdftotext, pdffonts) for the notices' PDF tests. SYSDEPS_STRICT=1 (make test) fails without chromium.
# grep reads to the end (no -q): an early exit would kill the writer and, under pipefail,
# turn a match into a failure.
sysdeps:
	@missing=(); \
	{ command -v fc-list >/dev/null && fc-list | grep -i "Noto Sans CJK" >/dev/null; } || missing+=(fontconfig fonts-noto-cjk); \
	$(LDCONFIG) -p | grep 'libpangoft2-1.0.so.0' >/dev/null || missing+=(libpango-1.0-0 libpangoft2-1.0-0); \
	$(LDCONFIG) -p | grep 'libharfbuzz-subset.so.0' >/dev/null || missing+=(libharfbuzz-subset0); \
	test -x /usr/bin/chromium || missing+=(chromium); \
	command -v msgfmt >/dev/null || missing+=(gettext); \
	command -v pdftotext >/dev/null && command -v pdffonts >/dev/null || missing+=(poppler-utils); \
	if [ $${#missing[@]} -eq 0 ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing system packages: $${missing[*]}"; \
		apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$${missing[@]}" >/dev/null; \
	else \
		echo "Missing system packages: $${missing[*]}"; \
		echo "Install them as root: apt-get install --no-install-recommends $${missing[*]}"; \
		if [ "$(SYSDEPS_STRICT)" = 1 ] && [ ! -x /usr/bin/chromium ]; then \
			echo "The browser tests need Debian's chromium at /usr/bin/chromium." >&2; exit 1; \
		fi; \
	fi

# The English catalog is compiled from locale/*.po; nothing to do without gettext or catalogs.
compiled-messages: install
	@if command -v msgfmt >/dev/null && compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then \
		$(MANAGE) compilemessages --ignore=$(VENV) -v 0; \
	fi

run: install
	-@$(MAKE) --no-print-directory sysdeps
	@$(MAKE) --no-print-directory compiled-messages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

test: install
	@$(MAKE) --no-print-directory sysdeps SYSDEPS_STRICT=1
	@$(MAKE) --no-print-directory compiled-messages
	@# The layers contract (pyproject.toml, [tool.importlinter]) first: a wrong arrow fails the run.
	$(VENV)/bin/lint-imports
	@rc=0; $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure, not a pass." >&2; fi; \
	exit $$rc

worker: install
	$(VENV)/bin/celery -A config worker -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info

messages: install
	cd $(CURDIR) && $(MANAGE) makemessages -l en --ignore=$(VENV) --ignore=staticfiles --ignore=media
	cd $(CURDIR) && $(MANAGE) compilemessages --ignore=$(VENV)

# bench/api_floor.py drives gunicorn with wrk: installed through apt-get when missing, as sysdeps does.
bench: install
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing system packages: wrk"; \
			apt-get update -qq; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; \
		else \
			echo "Missing system package: wrk (bench/api_floor.py needs it). Install it as root: apt-get install --no-install-recommends wrk"; \
		fi; \
	fi
	@if [ -f bench/run_all.py ]; then \
		$(PY) bench/run_all.py; \
	else \
		echo "bench/run_all.py is not there yet: nothing to run."; \
	fi
