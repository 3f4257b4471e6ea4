# Cities #WithRefugees platform. The README's two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Runtime files (database, static files, secret key); settings read the same variable.
VAR_DIR ?= $(CURDIR)/var
export VAR_DIR
# An IPv6 address is bracketed in addresses and URLs ([::1]:8000).
ADDRESS := $(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)):$(PORT)
# Links in emails point at the server started here unless SITE_URL is set; a wildcard
# address (0.0.0.0, ::) is reached at 127.0.0.1 / [::1] on this machine.
SITE_URL ?= http://$(subst [::],[::1],$(subst 0.0.0.0,127.0.0.1,$(ADDRESS)))
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

# Scripts bundled from npm packages (esbuild, package-lock.json) into build/bundles/, served as
# static/bundles/ (config/settings.py BUNDLE_DIR): the post counter uses X's own twitter-text.
BUNDLES := build/bundles/post-counter.js
build/bundles/post-counter.js: withrefugees/social/assets/post-counter.js node_modules/.installed
	@mkdir -p build/bundles
	node_modules/.bin/esbuild $< --bundle --format=iife --global-name=WithRefugeesCounter \
	  --target=es2020 --minify --legal-comments=eof --log-level=warning --outfile=$@

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

# What collectstatic leaves out (package.json files, unused font weights...) is listed in
# withrefugees/core/staticfiles.py, so that a bare `manage.py collectstatic` does the same.
STATIC_IGNORE :=

$(VAR_DIR)/static/.collected: $(STATIC_FILES) node_modules/.installed $(BUNDLES) config/settings.py \
		withrefugees/core/staticfiles.py
	$(MANAGE) collectstatic --noinput -v0 $(STATIC_IGNORE)
	touch $@

# The release step (README, "Releasing"): upgrade an old database, migrate, load data, sync
# staff roles; once per deploy, safe when started twice. Servers and workers never migrate.
release: $(VENV)/.installed
	@mkdir -p $(VAR_DIR)
	$(MANAGE) release

setup: $(VENV)/.installed node_modules/.installed var/.messages $(VAR_DIR)/static/.collected release

# gunicorn and the task worker side by side (config/gunicorn.conf.py: logging, no control
# socket). Ctrl-C reaches both (same process group); the shell waits until both have
# stopped, then make exits 130. If one of them stops by itself, the other is stopped too,
# the log says which one stopped, and make fails (exit status 1 or the server's own).
run: setup
	@echo "Cities #WithRefugees: $(SITE_URL)/  (staff account: make superuser)"
	@export SITE_URL='$(SITE_URL)'; \
	$(MANAGE) run_huey --workers 2 & huey=$$!; \
	$(BIN)/gunicorn -c config/gunicorn.conf.py --bind '$(ADDRESS)' --workers 2 --threads 4 & \
	web=$$!; \
	trap 'stopping=1; kill -TERM $$web $$huey 2>/dev/null' INT TERM; \
	while kill -0 $$web 2>/dev/null && kill -0 $$huey 2>/dev/null; do sleep 1; done; \
	if [ -z "$$stopping" ]; then \
	  kill -0 $$huey 2>/dev/null || echo "make run: the task worker stopped; stopping the web server too" >&2; \
	  kill -0 $$web 2>/dev/null || echo "make run: the web server stopped; stopping the task worker too" >&2; \
	fi; \
	kill -TERM $$web $$huey 2>/dev/null; wait $$web; status=$$?; wait; \
	if [ -z "$$stopping" ] && [ $$status -eq 0 ]; then status=1; fi; exit $$status

# Asks for the email address (the sign-in identifier) and a password.
superuser: release
	$(MANAGE) createsuperuser

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser download).
.chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

test: $(VENV)/.installed node_modules/.installed $(BUNDLES) var/.messages .chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks (not part of the test run): see bench/README.md. The public pages against a bare
# view with wrk (from Debian's packages, installed when absent), on SQLite, and on PostgreSQL
# too with BENCH_POSTGRES_URL (+ BENCH_REDIS_URL); BENCH_ARGS e.g. "--seconds 5 --uncached".
bench: $(VENV)/.installed node_modules/.installed $(BUNDLES) var/.messages $(VAR_DIR)/static/.collected
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l ja -l en --ignore=.venv --ignore=node_modules --no-obsolete --no-wrap
	$(MANAGE) makemessages -d djangojs -l ja -l en --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete --no-wrap
	# English is the source language: its catalogue copies each msgid (GNU gettext msgen).
	for f in locale/en/LC_MESSAGES/*.po; do msgfilter --keep-header --no-wrap -i "$$f" sed -e d | msgen --no-wrap - | msgattrib --no-wrap --clear-fuzzy --clear-previous -o "$$f"; done

clean:
	rm -rf $(VENV) node_modules build $(VAR_DIR)/static
