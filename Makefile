# Beredskabsbot. `make run` and `make test` are the whole set-up on a fresh machine (python3 + make).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PLAN   ?= holstebro
export PLAN

.PHONY: run test check bench eval flows package clean help

help:
	@echo "make run    - start the bot on \$$PORT (default 3978); local mode also starts the Agents Playground"
	@echo "make test   - run every test"
	@echo "make check PLAN=<name or path> - validate a plan's YAML and print OK or every error"
	@echo "make flows PLAN=<name> - draw the plan's flows as Mermaid diagrams in docs/flows/"
	@echo "make eval   - answer quality on the evaluation set (tests/eval), per plan and part"
	@echo "make bench  - benchmarks"
	@echo "make package MicrosoftAppId=<id> - build the Teams app package in deployment/build/"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) app.py

test: $(STAMP)
	$(PY) -m pytest -q

check: $(STAMP)
	$(PY) -m knowledge check "$(PLAN)"

flows: $(STAMP)
	$(PY) -m knowledge flows "$(PLAN)" --out docs/flows/$(notdir $(PLAN)).md

eval: $(STAMP)
	$(PY) -m benchmarks.evaluate

bench: $(STAMP)
	$(PY) -m benchmarks
	$(PY) -m benchmarks.reminder

package:
	$(PYTHON) deployment/teams/package.py

clean:
	rm -rf $(VENV) .pytest_cache data node_modules .playground deployment/build
