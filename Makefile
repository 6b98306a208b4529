# Two entry points for people: `make run` and `make test`. Everything else is set-up they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := postgresql postgresql-contrib postgresql-postgis chromium chromium-driver gdal-bin
STAMP := $(VENV)/.installed

.PHONY: install system-packages translations run test bench clean-db

install: system-packages $(STAMP) translations

# The gettext catalogues of the pages (mapper/translations/*/LC_MESSAGES/messages.po), compiled.
translations: $(STAMP)
	$(BIN)/pybabel --quiet compile -d mapper/translations

# PostgreSQL + PostGIS (server binaries and the extension), Chromium for browser tests and
# GDAL's ogrinfo (the OGC API client tests), from the distribution, only when missing.
system-packages:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	   || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 \
	   || ! command -v chromium >/dev/null 2>&1 \
	   || ! command -v ogrinfo >/dev/null 2>&1; then \
	  echo "Installing system packages: $(APT_PACKAGES)"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends \
	    $(APT_PACKAGES) python3-venv; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

run: install
	$(BIN)/mapper db upgrade
	$(BIN)/mapper demo
	$(BIN)/mapper serve --host 127.0.0.1 --port 5000

# The suite runs on every core (pytest-xdist); a module's tests stay on one worker, so a world
# a module builds once is built once.
test: install
	$(BIN)/pytest -q -n auto --dist loadfile

bench: install
	$(BIN)/python -m tests.benchmarks.run

clean-db:
	-$(BIN)/mapper db stop
	rm -rf data/pg
