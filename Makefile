# The two set-up commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install serve migrate seed lint messages check clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## make run: venv, install, migrate, demo data, serve on http://$(HOST) (SQLite by default)
run: seed
	@echo "Serving the CDF Portal on http://$(HOST)/  (admin: http://$(HOST)/admin/)"
	@# work after commit (e-mail, search indexing) runs in a worker beside the server
	$(PY) manage.py db_worker --backend effects --interval 2 --no-startup-delay & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST)

## make test: the whole suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise)
test: install
	$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

## make lint: ruff, and the import contracts that keep the apps' dependency direction
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

## Vietnamese catalogues (one per app, in <app>/locale): extract, then compile after translating
APPS := $(shell $(PY) -c "import sys; sys.path.insert(0, '.'); from portal.settings.base import LOCAL_APPS; print(' '.join(LOCAL_APPS))" 2>/dev/null || echo portal)
messages: install
	for app in $(APPS); do (cd $$app && ../$(PY) ../manage.py makemessages -l vi --ignore='*/tests/*') || exit 1; done
	$(PY) manage.py compilemessages -l vi --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .pytest_media .pytest_private_media
