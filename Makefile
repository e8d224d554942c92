# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

# The shipped translations (English is the source): compiled from their .po by the set-up.
LOCALES := fr es ar
MO := $(foreach l,$(LOCALES),app/locale/$(l)/LC_MESSAGES/messages.mo)

.PHONY: catalogs run test bench bench-pages bench-search bench-search-1m bench-filing bench-notifications bench-statistics lint format openapi lock migrate fuzz mutation screenshots clean
CHROMIUM := /usr/bin/chromium

# The virtual environment is rebuilt whenever the lock file or the project metadata changes.
$(STAMP): requirements-dev.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "ombuds needs $(PYTHON) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

## Serve the API on $(PORT). Without DATABASE_URL an embedded PostgreSQL runs with its data in ./var/.
run: $(STAMP) $(MO)
	PORT=$(PORT) OMBUDS_PUBLIC_URL="$${OMBUDS_PUBLIC_URL:-http://127.0.0.1:$(PORT)}" \
		$(BIN)/ombuds serve --migrate --with-worker

## Lint, check formatting and types, then run the whole test suite against a real PostgreSQL
## (the pages in Debian's Chromium too).
test: lint $(MO) $(CHROMIUM)
	$(BIN)/python -m pytest

# The browser tests drive Debian's Chromium (Playwright never downloads one): installed when
# missing, which needs root (as on CI); otherwise the command to run is printed.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get install -y -q chromium >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
	else echo "The browser tests need Debian's Chromium: sudo apt-get install -y chromium"; exit 1; fi

## Retake the README's screenshots: the statistics pages (docs/*.png), and each residents' page
## in English and Arabic (docs/screenshots/<page>-<language>.png, the folder rewritten whole),
## and the console's inbox, case page, deadlines and department portal (docs/screenshots/console-*).
screenshots: $(STAMP) $(CHROMIUM)
	OMBUDS_SCREENSHOTS=docs $(BIN)/python -m pytest -n0 tests/web/test_statistics_browser.py
	rm -f docs/screenshots/*.png
	OMBUDS_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -n0 tests/web/test_residents_browser.py
	OMBUDS_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -n0 tests/web/test_console_browser.py

## Benchmarks (not part of the tests), each figure against a reference measured in the same run.
bench: bench-filing bench-statistics bench-pages bench-search bench-notifications

## Filing (worker on and off, two processes, rate limit on) against a raw INSERT, the statistics
## fold against filing, deliveries against a plain client (about 4 minutes).
bench-filing: $(STAMP)
	$(BIN)/python bench/filing.py

## The residents' pages against the JSON API: the form page against the taxonomy read, filing
## through the form against filing through the API, and the form page's weight (about 2 minutes).
bench-pages: $(STAMP) $(MO)
	$(BIN)/python bench/pages.py

## Search and lookup by reference at 10,000 and 100,000 complaints (a minute or two; --sizes or
## OMBUDS_BENCH_SEARCH_SIZES to change), against the lookup by reference and a plain ILIKE.
bench-search: $(STAMP)
	$(BIN)/python bench/search.py

## The same at 10,000, 100,000 and the issue's 1,000,000 complaints (about 8 minutes, 1.1 GB of
## disk while it runs; each database is dropped after its round).
bench-search-1m: $(STAMP)
	$(BIN)/python bench/search.py --sizes 10000,100000,1000000

## Emails per second of one worker to a local SMTP server against a plain SMTP client, and filing
## with the complainant's filing_received email on against off (about 2 minutes).
bench-notifications: $(STAMP)
	$(BIN)/python bench/notifications.py

## Statistics at 10,000 and 1,000,000 complaints: releases, reads, folding (about 10 minutes).
bench-statistics: $(STAMP)
	$(BIN)/python bench/statistics.py

## Long property-based run of the API against its own OpenAPI document.
fuzz: $(STAMP)
	OMBUDS_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest tests/test_contract_fuzz.py

## Mutation score of the rule modules (about 45 minutes on 2 cores; not part of `make test`).
## Each mutant of the modules in [tool.mutmut] runs the tests that reach it; see the README.
mutation: $(STAMP)
	rm -rf mutants
	PATH="$(CURDIR)/$(BIN):$$PATH" OMBUDS_VAR_DIR="$(CURDIR)/var" OMBUDS_KEEP_TEST_TEMPLATE=1 \
		$(BIN)/mutmut run
	$(BIN)/python .ci/mutation_score.py

app/locale/%/LC_MESSAGES/messages.mo: app/locale/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

# What marks a text for translation: the pages' helpers, and the refusals whose detail is a
# constant (the API answers them in the caller's language; an f-string detail stays English).
KEYWORDS := t texts plural:1,2 N_ _invalid:2 \
	BadRequest Unauthorized Forbidden NotFound InvalidTransition Conflict GuardFailed \
	PreconditionFailed PreconditionRequired Unprocessable:1 PayloadTooLarge UnsupportedMediaType \
	TooManyRequests ServiceUnavailable BudgetExhausted ReleaseExists NotClosed NotReleased

## Extract every translatable text (pages, problem titles, the taxonomy) into app/locale/messages.pot
## and merge it into each language's .po: new texts arrive empty, for a translator to fill.
catalogs: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg $(addprefix -k ,$(KEYWORDS)) --add-location=file \
		--sort-by-file --project=ombuds --copyright-holder="ombuds contributors" \
		-o app/locale/messages.pot .
	for l in $(LOCALES); do \
		test -f app/locale/$$l/LC_MESSAGES/messages.po || \
			$(BIN)/pybabel -q init -i app/locale/messages.pot -d app/locale -l $$l; \
		$(BIN)/pybabel -q update -i app/locale/messages.pot -d app/locale -l $$l \
			--no-fuzzy-matching --ignore-obsolete --init-missing; \
	done

migrate: $(STAMP)
	$(BIN)/ombuds migrate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Regenerate what is generated from the code: the OpenAPI contract and the README's diagram.
openapi: $(STAMP)
	$(BIN)/ombuds openapi > openapi/openapi.json
	$(BIN)/ombuds workflow --update README.md

## Re-resolve the pinned dependency locks from pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml -q --extra build --generate-hashes --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml -q --extra dev --extra build --generate-hashes --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) .ruff_cache mutants
