# Two commands for a new machine: `make serve` and `make test`. Everything else they need is set up here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

NODE_TOOLS := tests/node/node_modules/.package-lock.json

.PHONY: serve build check test mutants browser clients proxies observe screenshots bench loc clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

serve: $(STAMP)
	$(PY) build.py serve

build: $(STAMP)
	$(PY) build.py build

check: $(STAMP)
	$(PY) build.py check $(CODE)

browser: $(STAMP)
	$(PY) -m tests.browser --install

$(NODE_TOOLS): tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund --loglevel=error

clients: $(STAMP)
	$(PY) -m tests.observe --install

proxies: $(STAMP)
	$(PY) -m tests.observe_proxies --install

test: $(STAMP) browser clients proxies $(NODE_TOOLS)
	$(PY) -m pytest

observe: $(STAMP) browser clients proxies $(NODE_TOOLS)
	$(PY) -m tests.observe --write
	$(PY) -m tests.observe_proxies --write

mutants: $(STAMP) browser $(NODE_TOOLS)
	$(PY) -m tests.mutants

screenshots: $(STAMP) browser
	$(PY) -m tests.screenshots

bench: $(STAMP) browser $(NODE_TOOLS)
	$(PY) bench/page_weight.py --lighthouse
	$(PY) bench/build_speed.py
	$(PY) bench/build_scaling.py
	$(PY) bench/reload_latency.py

loc:
	@wc -l build.py httpref/*.py templates/* static/*.css static/*.js | sort -n

clean:
	rm -rf _site $(VENV) tests/node/node_modules
