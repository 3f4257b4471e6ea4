# Cities #WithRefugees platform. The README's two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test setup release superuser lint messages bench clean .gettext .chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-installs only when the lockfile changes (a second `make run` downloads nothing).
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GNU gettext (msgfmt) for the ja/en catalogues; installed from Debian's packages when absent.
.gettext:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)

PO_FILES     := $(wildcard locale/*/LC_MESSAGES/*.po)
STATIC_FILES := $(shell find withrefugees/static -type f 2>/dev/null)

# Catalogues and static files are rebuilt only when their sources change.
var/.messages: $(PO_FILES) | $(VENV)/.installed .gettext
	@mkdir -p var
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0
	touch $@

# Of the Noto Sans JP font package only the 400 and 700 weights are served (base.html).
STATIC_IGNORE := -i '*[1235689]00.css' -i '*-[1235689]00-normal.woff*' -i 'cyrillic*.css' \
	-i 'japanese*.css' -i 'latin*.css' -i 'vietnamese*.css' -i 'index.css' -i '*.scss' \
	-i '*.ts' -i 'metadata.json' -i 'unicode.json' -i 'CHANGELOG.md'

var/static/.collected: $(STATIC_FILES) node_modules/.installed config/settings.py
	$(MANAGE) collectstatic --noinput -v0 $(STATIC_IGNORE)
	touch $@

# The release step (README, "Releasing"): upgrade an old database, migrate, load data, sync
# staff roles; once per deploy, safe when started twice. Servers and workers never migrate.
release: $(VENV)/.installed
	@mkdir -p var
	$(MANAGE) release

setup: $(VENV)/.installed node_modules/.installed var/.messages var/static/.collected release

run: setup
	@echo "Cities #WithRefugees: http://$(HOST):$(PORT)/  (staff account: make superuser)"
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) run_huey --workers 2 & \
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - ; \
	wait

# Asks for the email address (the sign-in identifier) and a password.
superuser: release
	$(MANAGE) createsuperuser

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser download).
.chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

test: $(VENV)/.installed node_modules/.installed var/.messages .chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks (not part of the test run): see bench/README.md.
bench: $(VENV)/.installed
	$(BIN)/python bench/directory_search.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l ja -l en --ignore=.venv --ignore=node_modules --no-obsolete --no-wrap
	$(MANAGE) makemessages -d djangojs -l ja -l en --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete --no-wrap
	# English is the source language: its catalogue copies each msgid (GNU gettext msgen).
	for f in locale/en/LC_MESSAGES/*.po; do msgfilter --keep-header --no-wrap -i "$$f" sed -e d | msgen --no-wrap - | msgattrib --no-wrap --clear-fuzzy --clear-previous -o "$$f"; done

clean:
	rm -rf $(VENV) node_modules var/static
