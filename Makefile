# SKM-Pool: `make run` serves the app with demo data, `make test` runs the whole suite.
VENV      ?= .venv
PY        := $(VENV)/bin/python
FLASK     := $(VENV)/bin/flask --app wsgi
STAMP     := $(VENV)/.installed
PG_URL    ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?= -n 2  # both cores; every test is verified under xdist
SCHEDULER ?= 1

.PHONY: install install-prod translations run run-scheduler test test-sqlite test-postgres lint format i18n-extract clean

install: $(STAMP) translations

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Production (deploy/README.md): the runtime requirements only, no test tools or browsers,
# then the compiled catalogs. Uses $(VENV) like `install`; never run both on one venv.
install-prod:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pybabel compile --statistics -f -d translations 2>&1 | grep -v "^compiling" || true

translations: $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -f -d translations 2>&1 | grep -v "^compiling" || true

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@if [ "$(SCHEDULER)" = "1" ]; then \
	  $(FLASK) scheduler run --no-wait & sched=$$!; \
	  trap 'kill $$sched 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host 127.0.0.1 --port 5000; \
	else $(FLASK) run --host 127.0.0.1 --port 5000; fi

run-scheduler: install
	$(FLASK) scheduler run

test: install test-sqlite test-postgres

test-sqlite:
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres:
	SKM_TEST_POSTGRES_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

# ruff (style, and no `flask.request` in services/models) and the layer contracts in
# pyproject.toml (blueprints over services over models, no import cycles): docs/architecture.md
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .

# extract and update every catalog the way the catalog tests expect (English filled from the
# source, the five mediator languages told where each message appears); then `check` lists
# what still needs a translation
i18n-extract: install
	$(PY) tools/i18n.py update
	$(PY) tools/i18n.py check || true

clean:
	rm -rf $(VENV) .pytest_cache

# Benchmark: a state-wide data set on PostgreSQL, then measurements through gunicorn.
BENCH_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/skm_bench
BENCH_SQLITE ?= sqlite:///$(CURDIR)/instance/skm_bench.sqlite

.PHONY: bench bench-data bench-run bench-curve bench-sqlite bench-import

bench: bench-data bench-run bench-curve

bench-data: install
	$(PY) -m bench.generate --url $(BENCH_URL)

bench-run: install
	$(PY) -m bench.run --url $(BENCH_URL)

# candidates, dashboard and feed at scale 0.01, 0.1 and 1.0 (generated beside BENCH_URL):
# the points go into bench/results.json, the chart into bench/cost-curve.svg
bench-curve: install
	$(PY) -m bench.curve --url $(BENCH_URL)

# the import_5000_s metric alone (bench-run measures it too, on $(BENCH_URL)_import)
bench-import: install
	$(PY) -m bench.import_bench --url $(BENCH_URL)

bench-sqlite: install
	mkdir -p instance
	$(PY) -m bench.generate --url $(BENCH_SQLITE) --scale 0.1
	$(PY) -m bench.run --url $(BENCH_SQLITE) --out bench/results-sqlite.json

# Resilience: load, faults and recovery with real processes on a throwaway PostgreSQL
# cluster (never the machine's main one); bounded to a few minutes.
.PHONY: test-resilience audit

test-resilience: install
	$(PY) -m pytest resilience -s

# Known vulnerabilities in the pinned requirements; --strict fails when a package cannot be
# checked (e.g. without access to the vulnerability service), so a skip never passes as clean.
audit: install
	$(VENV)/bin/pip-audit -r requirements.txt --no-deps --disable-pip --strict --progress-spinner off

# KERN UX (docs/ui.md): the one pin of the vendored @kern-ux/native; the tests compare it with
# static/vendor/kern/VERSION and the served stylesheet's checksum.
KERN_VERSION ?= 2.7.2

.PHONY: kern-refresh

kern-refresh:
	tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	  (cd $$tmp && npm pack --silent @kern-ux/native@$(KERN_VERSION) >/dev/null) && \
	  $(PY) tools/kern_vendor.py $$tmp/kern-ux-native-$(KERN_VERSION).tgz
