# The two commands: `make run` and `make test`. Both work on a fresh machine with only
# Python 3.11; with DATABASE_URL and REDIS_URL set they use PostgreSQL and Redis.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Where `make run` serves: `make run HOST=0.0.0.0 PORT=8080`. Only the command line changes them, not
# the environment: some shells export HOST, naming the machine.
HOST := 127.0.0.1
PORT := 8000

.PHONY: run test smoke install install-dev browser libreoffice lint format fixtures

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The browser tests drive Debian's chromium; without it (and without root to install it) they are skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)); } \
		|| echo "chromium is not installed: the browser tests will be skipped."

# A report's PDF is its DOCX converted by LibreOffice headless (Debian's writer, without the
# desktop), and its tests read the PDF back with pdftotext; without them (and without root to
# install them) the PDF answers 503 and those tests are skipped.
libreoffice:
	@command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get install -y -q libreoffice-writer-nogui poppler-utils >/dev/null 2>&1 \
			|| (apt-get update -q >/dev/null && apt-get install -y -q libreoffice-writer-nogui poppler-utils >/dev/null)); } \
		|| echo "LibreOffice is not installed: report PDFs answer 503 and their tests will be skipped."

run: export DEBUG ?= true
run: export HOST := $(HOST)
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_initial_data
	$(MANAGE) seed_demo_users
	$(MANAGE) seed_demo_followups
	$(MANAGE) create_admin
	@echo
	@echo "Tracker 06 is starting: log in at http://$(HOST):$(PORT)/ (the admin site: /admin/; Ctrl-C stops the web server and the worker)."
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile --port $(PORT)

# Two test processes (pytest-xdist): the suite waits on workers, browsers and servers as much
# as it computes, and the machines have two cores. --dist load hands each process its tests in
# the collection order, where pytest-django puts the transactional tests last: their flush
# empties the database, so no other test may run after one in the same process (worksteal
# would break that, handing an idle process tests from the middle of another's queue).
TEST_PROCESSES ?= 2

test: export DJANGO_SETTINGS_MODULE = tracker.test_settings
test: install-dev browser libreoffice
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist load

# The production install, started from deploy/Procfile and used through the API: see deploy/smoke.py.
smoke: install-dev
	$(BIN)/python deploy/smoke.py

lint: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

fixtures: install
	$(BIN)/python fixtures/generate.py
