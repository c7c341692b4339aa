# The two commands: `make run` (set up and start the demo) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements-dev.lock | cut -c1-12)
DEV_ENV := DEBUG=true
# Production-like values for `check --deploy` (a throwaway key, never used to serve).
DEPLOY_ENV := DEBUG=false ALLOWED_HOSTS=ist.example DATABASE_URL=postgres://ist@db:5432/ist \
	CELERY_BROKER_URL=redis://redis:6379/0 SECRET_KEY=check-deploy-$(shell head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

# pytest-xdist processes per run; each has its own test database, Celery queue and media folder.
# Two cores here: 2 is the measured best (docs/performance.md, "Test suite").
PYTEST_WORKERS ?= 2
# --durations: the slowest tests of each run are in every CI log, where a regression shows first.
PYTEST := $(DEV_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) --durations=15

.PHONY: run install system-deps migrate seed shell lint format checks pytest pytest-app pytest-browser soak screenshots test lock clean

PORT ?= 8000

run: install migrate seed  ## web, Celery worker and beat on the embedded default at http://127.0.0.1:$(PORT)
	@echo "Starting web, worker and beat. Open http://127.0.0.1:$(PORT) (Ctrl-C stops all three)."
	$(DEV_ENV) PORT=$(PORT) IST_BASE_URL=http://127.0.0.1:$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/python scripts/run_embedded.py

install: $(STAMP) var/dev.env

# DEBUG=true and a random key for `.venv/bin/python manage.py …` (read by manage.py only; git-ignored).
var/dev.env: | $(STAMP)
	$(BIN)/python -m ist.devenv

# uv installs the lock: pip first installs uv alone, at the version and hashes the lock pins, then uv
# the rest, with the same hashes required. On a fresh clone that is 18 s instead of pip's 92 s (the
# start of every CI run; docs/performance.md, "Test suite").
UV_PIN := $(VENV)/uv-pin.txt
$(STAMP): requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@awk '/^uv==/ {pin = 1} pin {print} pin && !/\\$$/ {exit}' requirements-dev.lock > $(UV_PIN)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(UV_PIN)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements-dev.lock
	@rm -f $(VENV)/.installed-* && touch $@

system-deps:
	@scripts/system-deps.sh

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

seed: install
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

shell: install migrate  ## a Django shell on the development database
	$(BIN)/python manage.py shell

# mypy with django-stubs over the whole project ([tool.mypy] in pyproject.toml); the plugin loads ist.settings.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

checks: install
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

# Two runs: the app's tests and the browser tests (Chromium + axe), each spread over the workers,
# at the same time: both wait a lot (PostgreSQL, the live server, Chromium), so together they fill
# the two cores better than one after the other (docs/performance.md, "Test suite"). The browser
# run's test databases and Celery queues carry its name (IST_TEST_RUN=browser, tests/conftest.py),
# so the two runs never share one. Its output goes to $(BROWSER_LOG) and is printed after the app run's.
# Each takes PYTEST_ARGS, e.g. `make pytest-app PYTEST_ARGS="tests/referrals -x"`.
# The embedded broker's soak (tests/soak, docs/decisions/0014) runs beside both, not after them:
# started in the background, waited for at the end, its two tests side by side (-n 2: they mostly
# wait). It lasts IST_SOAK_SECONDS (20 by default, CI 180).
# With PYTEST_ARGS (a chosen part of the suite) it does not run; `make soak` runs it alone.
SOAK_LOG := var/soak.log
BROWSER_LOG := var/browser-run.log
NOT_SOAK := -m "not soak" --ignore=tests/soak

pytest: install system-deps
	@mkdir -p var
	@if [ -z "$(PYTEST_ARGS)" ]; then $(DEV_ENV) $(BIN)/pytest -m soak -p no:cacheprovider -n 2 tests/soak \
		>$(SOAK_LOG) 2>&1 & fi; soak=$$!; \
	$(PYTEST_BROWSER) >$(BROWSER_LOG) 2>&1 & browser=$$!; \
	$(PYTEST_APP); app=$$?; \
	wait $$browser; browser=$$?; \
	echo "--- browser run, beside the app run (log: $(BROWSER_LOG)) ---"; cat $(BROWSER_LOG); \
	soaked=0; if [ -n "$$soak" ]; then wait $$soak; soaked=$$?; \
		echo "--- embedded broker soak (full log: $(SOAK_LOG)) ---"; tail -n 25 $(SOAK_LOG); fi; \
	test $$app -eq 0 -a $$browser -eq 0 -a $$soaked -eq 0

# --dist load keeps each worker's tests in pytest-django's order (tests in a transaction first, then
# the transactional ones, whose flush empties the database); loadscope would mix them and fail.
# The app run uses loadgroup (tests/scheduling.py): every test a unit of its own, dealt in that same
# order, as load does, except tests/demo (no transactional test in it), which goes whole to one
# worker, so the demo is seeded once per run instead of once per worker (tests/demo/conftest.py).
PYTEST_APP = $(PYTEST) --dist loadgroup $(NOT_SOAK) --ignore=tests/browser $(PYTEST_ARGS)
PYTEST_BROWSER = IST_TEST_RUN=browser $(PYTEST) --dist load $(NOT_SOAK) tests/browser $(PYTEST_ARGS)

pytest-app: install system-deps
	$(PYTEST_APP)

pytest-browser: install system-deps
	$(PYTEST_BROWSER)

soak: install  ## the embedded broker's soak alone: real worker, beat and producers (IST_SOAK_SECONDS)
	$(DEV_ENV) $(BIN)/pytest -m soak -p no:cacheprovider -s tests/soak

screenshots: install system-deps  ## refresh the tracked screenshots in docs/screenshots
	$(PYTEST) tests/browser --update-screenshots $(PYTEST_ARGS)

# Lint and checks run beside the tests, not before them: mypy alone is ~45 s of one core that the
# tests' start (one worker migrating the template database while the others wait) leaves idle.
# --output-sync prints each target's output whole when it ends, so the logs do not interleave.
test: install system-deps  ## everything CI runs
	@$(MAKE) --no-print-directory --output-sync=target -j3 lint checks pytest

lock: install  ## re-pin after editing pyproject.toml
	$(BIN)/uv pip compile pyproject.toml -q --python-version 3.11 --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml -q --python-version 3.11 --generate-hashes --extra dev -o requirements-dev.lock

clean:
	rm -rf $(VENV) var
