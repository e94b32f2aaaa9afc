# The project's two commands (see README.md). Everything else is in scripts/dev.py.
PYTHON ?= python3

.PHONY: run test lint pot benchmark backtest benchmark-read load replica benchmark-install benchmark-transfers screenshots compat
run:  ## Serve Odoo with the module and demo data on http://localhost:8069
	$(PYTHON) scripts/dev.py run

test:  ## Lint, then install the module in a fresh database and run its tests
	$(PYTHON) scripts/dev.py test

compat:  ## Odoo's own sale tests with the addons installed, against scripts/compat_baseline.txt
	$(PYTHON) scripts/dev.py compat $(if $(filter 1,$(BASELINE)),--baseline)

lint:  ## ruff and pylint-odoo only
	$(PYTHON) scripts/dev.py lint

pot:  ## Export the translation template order_governance/i18n/order_governance.pot
	$(PYTHON) scripts/dev.py pot

N ?= 20000
benchmark:  ## Build a database of N orders (default 20000) once, print the benchmark table
	$(PYTHON) scripts/dev.py benchmark --orders $(N)

backtest:  ## Replay completed orders (benchmark database of N orders, else the demo): forecast accuracy
	$(PYTHON) scripts/dev.py backtest --orders $(N)

SMALL ?= 20000
LARGE ?= 220000
benchmark-read:  ## Reports on a synthetic history (SQL) of SMALL, then LARGE completed orders
	$(PYTHON) scripts/dev.py benchmark-read --small $(SMALL) --large $(LARGE)

CLIENTS ?= 8
SECONDS ?= 60
load:  ## CLIENTS JSON-RPC clients for SECONDS against Odoo with 2 workers, then invariants
	$(PYTHON) scripts/dev.py load --clients $(CLIENTS) --seconds $(SECONDS)

replica:  ## A streaming replica, Odoo on both, the reports read: which queries the replica answered
	$(PYTHON) scripts/dev.py replica

benchmark-install:  ## Install the module on a database of N orders made without it
	$(PYTHON) scripts/dev.py benchmark-install --orders $(N)

benchmark-transfers:  ## Validate 1,000 transfers with and without order_governance_stock
	$(PYTHON) scripts/dev.py benchmark-transfers

SCREENSHOT_LANGS ?=
screenshots:  ## Take the screenshots into order_governance/static/description/
	$(PYTHON) scripts/screenshots.py $(foreach lang,$(SCREENSHOT_LANGS),--lang $(lang))
