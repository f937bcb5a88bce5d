# Lượt — two commands: `make demo` and `make test`. Everything installs into .venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
NODE_BIN := node_modules/.bin
# What `npm ci` last installed, compared by content (a release's files may be older).
NPM_LOCK_COPY := node_modules/.luot-package-lock.json
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# PostgreSQL for the second test pass (CI has it on this address, trust auth).
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
export LUOT_CHROMIUM ?= /usr/bin/chromium
# `make demo PORT=5001` (and `make serve`) serve on another port.
PORT ?= 5000
# Installing from Debian waits, up to APT_LOCK_WAIT seconds, for another apt or dpkg
# (unattended-upgrades, say) instead of failing. `apt-get install` waits by itself
# (DPkg::Lock::Timeout); `apt-get update` does not wait for its lists lock, so it is tried
# again every 2 s while another apt holds that lock (its words read in the C locale).
APT_LOCK_WAIT ?= 600
APT_GET = $(SUDO) env LC_ALL=C apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_WAIT)
apt_install = tries=$$(($(APT_LOCK_WAIT) / 2 + 1)); \
	  for try in $$(seq $$tries); do \
	    out=$$($(APT_GET) update 2>&1) && break; \
	    case "$$out" in *"Could not get lock"*) ;; *) echo "$$out" >&2; exit 1;; esac; \
	    [ $$try -lt $$tries ] || { echo "$$out" >&2; exit 1; }; \
	    echo "Another apt is running; waiting for it"; sleep 2; \
	  done; \
	  $(APT_GET) install -y $(1)

# Test processes in parallel (pytest-xdist); each has its own SQLite files, ports and, on
# PostgreSQL, its own database (test_gw0, ...).
WORKERS ?= 4
# Exact versions, with hashes, resolved from pyproject.toml's ranges by `make lock`: the
# runtime's and the runtime's plus the test tools' (the same versions where they overlap).
LOCK      := requirements/lock.txt
TEST_LOCK := requirements/test-lock.txt
# One resolution for every platform and Python from 3.11 up, from PyPI only (no local index
# or cache address lands in the files); `make lock UPGRADE=1` moves every pin to the newest
# release the ranges allow, plain `make lock` keeps the pins that still fit.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
  --generate-hashes --no-config --quiet $(if $(UPGRADE),--upgrade)

.PHONY: demo test screenshots serve upgrade lint lock vendor system-python system-node chromium nginx clean

demo: $(VENV)/.installed vendor
	$(BIN)/luot demo --port $(PORT)

serve: $(VENV)/.installed vendor
	$(BIN)/luot init-db
	$(BIN)/luot serve --port $(PORT)

test: $(VENV)/.test-installed vendor chromium nginx
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(NODE_BIN)/biome lint static/js
	@# Byte code for every process the tests start, also where PYTHONDONTWRITEBYTECODE is set.
	$(BIN)/python -m compileall -q -j 0 server kiosk display printer tests > /dev/null
	@# Worksteal: an idle worker takes half the longest queue (tests/conftest.py deals the
	@# long tests first). The passes run one after the other: side by side they pushed slow
	@# tests past their time limits on a loaded 2-core box.
	LUOT_PG_PASS_FOLLOWS=1 $(BIN)/pytest -n $(WORKERS) --dist worksteal
	LUOT_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n $(WORKERS) --dist worksteal -m "not browser"

# The browser tests with the views they name saved under tests/artifacts/screenshots/ (a
# failed test's pages are saved in every run).
screenshots: $(VENV)/.test-installed vendor chromium
	LUOT_SCREENSHOTS=1 $(BIN)/pytest -n $(WORKERS) -m browser

# After `git pull` (or a release unpacked over the checkout): the locked Python packages and
# browser files whatever their files' dates say, then `luot upgrade` (a backup into the
# instance folder, the migrations in one transaction, file modes; it says what to restart).
# Run it with the server's own environment (DATABASE_URL, LUOT_INSTANCE_PATH).
upgrade: | $(BIN)/python system-node
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(VENV)/.installed
	@cmp -s package-lock.json $(NPM_LOCK_COPY) || { \
	  npm ci --no-audit --no-fund && cp package-lock.json $(NPM_LOCK_COPY); }
	touch node_modules/.installed
	$(BIN)/python deploy/copy_vendor.py
	$(BIN)/luot upgrade

lint: $(VENV)/.test-installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(NODE_BIN)/biome lint static/js

# A fresh Debian has Python 3.11 but may lack venv/pip (python3-venv).
system-python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed"'
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  echo "Installing python3-venv (needs root)"; \
	  $(call apt_install,python3-venv); }

$(BIN)/python: | system-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The locked versions (pip checks every hash), then the project itself without resolving
# anything again.
$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(TEST_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r $(TEST_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# After a change to pyproject.toml's dependencies: the test lock first, then the runtime's
# held to it, so what runs in production is what the tests ran.
lock: $(VENV)/.test-installed
	$(UV_COMPILE) --extra test -o $(TEST_LOCK)
	$(UV_COMPILE) --constraint $(TEST_LOCK) -o $(LOCK)

# Browser libraries and the JS linter come from npm, pinned by package-lock.json; the pages
# are served from static/vendor/, so the box needs no internet once installed.
node_modules/.installed: package.json package-lock.json | system-node
	npm ci --no-audit --no-fund
	cp package-lock.json $(NPM_LOCK_COPY)
	touch $@

vendor: node_modules/.installed | $(BIN)/python
	$(BIN)/python deploy/copy_vendor.py

# Debian packages npm (and Node.js) as `npm`.
system-node:
	@command -v npm >/dev/null || { \
	  echo "Installing npm from Debian (needs root)"; \
	  $(call apt_install,npm); }

# Browser tests drive Debian's Chromium through Playwright (no browser download); apt runs
# only when it is missing.
chromium:
	@[ -x "$(LUOT_CHROMIUM)" ] || { \
	  echo "Installing chromium from Debian (needs root)"; \
	  $(call apt_install,chromium); }

# The reverse-proxy test runs the nginx configuration deploy/install.sh writes (test ports,
# its own prefix; nothing of the system's nginx is used or started).
nginx:
	@[ -x /usr/sbin/nginx ] || { \
	  echo "Installing nginx-light from Debian (needs root)"; \
	  $(call apt_install,nginx-light); }

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
