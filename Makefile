# Beredskabsbot. `make run` and `make test` are the whole set-up on a fresh machine (python3 + make).
# Python 3.11 exactly (botbuilder 4.17.1); python3.11 is taken when it is on PATH, else python3.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PLAN   ?= holstebro
export PLAN

.PHONY: run serve test check bench eval acute-model flows import package clean help

help:
	@echo "make run    - start the bot on \$$PORT (default 3978); local mode also starts the Agents Playground"
	@echo "make serve  - the production server (gunicorn, WEB_CONCURRENCY workers, default 2) on \$$PORT"
	@echo "make test   - run every test"
	@echo "make check PLAN=<name or path> - validate a plan's YAML and print OK or every error"
	@echo "make flows PLAN=<name> - draw the plan's flows as Mermaid diagrams in docs/flows/"
	@echo "make import FILE=<plan.pdf or .txt> OUT=knowledge/<name>/ - the plan's text as passages, draft contacts"
	@echo "make eval   - answer quality on the evaluation set (tests/eval), per plan and part"
	@echo "make bench  - benchmarks"
	@echo "make acute-model - retrain the learned acute reading (knowledge/national/acute-model.json) on tests/eval"
	@echo "make package MicrosoftAppId=<id> MUNICIPALITY=... WEBSITE_URL=... PRIVACY_URL=... TERMS_URL=..."
	@echo "             - build the Teams app package in deployment/build/ (docs/deploy.md)"

IS_311 := import sys; sys.exit(sys.version_info[:2] != (3, 11))
# Stops with what is needed and how to point PYTHON= at it, before anything is created.
NEED_311 = $(PYTHON) -c '$(IS_311)' 2>/dev/null || { \
	echo "Beredskabsbot needs Python 3.11, and PYTHON=$(PYTHON) is $$($(PYTHON) --version 2>&1 || echo 'not found')." >&2; \
	echo "Install Python 3.11 (Debian/Ubuntu: apt-get install python3.11 python3.11-venv; or pyenv), then run:" >&2; \
	echo "  make $(or $(MAKECMDGOALS),test) PYTHON=/path/to/python3.11" >&2; exit 1; }

$(STAMP): pyproject.toml
	@$(NEED_311)
	@if [ -e $(VENV) ] && ! $(PY) -c '$(IS_311)' 2>/dev/null; then \
		echo "Removing $(VENV): it was not made with Python 3.11 (or is broken)." >&2; rm -rf $(VENV); fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV) with $(PYTHON) (Debian/Ubuntu: apt-get install python3.11-venv)." >&2; exit 1; }
	@$(PY) -m pip install --quiet --upgrade pip && $(PY) -m pip install --quiet -e '.[dev]' || { rm -rf $(VENV); \
		echo "Installing into $(VENV) failed (see above); $(VENV) was removed, so the next make starts afresh." >&2; \
		exit 1; }
	touch $(STAMP)

run: $(STAMP)
	$(PY) app.py

serve: $(STAMP)
	$(VENV)/bin/gunicorn --config gunicorn.conf.py app:serve

test: $(STAMP)
	$(PY) -m pytest -q

check: $(STAMP)
	$(PY) -m knowledge check "$(PLAN)"

flows: $(STAMP)
	$(PY) -m knowledge flows "$(PLAN)" --out docs/flows/$(notdir $(PLAN)).md

import: $(STAMP)
	@test -n "$(FILE)" -a -n "$(OUT)" || { echo "usage: make import FILE=plan.pdf OUT=knowledge/<name>/" >&2; exit 1; }
	$(PY) -m knowledge import "$(FILE)" --out "$(OUT)"

eval: $(STAMP)
	$(PY) -m benchmarks.evaluate

acute-model: $(STAMP)
	$(PY) -m benchmarks.train_acute

bench: $(STAMP)
	$(PY) -m benchmarks
	$(PY) -m benchmarks.reminder

package:
	@$(NEED_311)
	$(PYTHON) deployment/teams/package.py

clean:
	rm -rf $(VENV) .pytest_cache data node_modules .playground deployment/build
