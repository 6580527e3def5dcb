# novaops.migration: every target works on a fresh clone with nothing installed beforehand.
#   make demo   empties a compute host of the bundled mock cloud (the main job)
#   make test   lint, ansible-test sanity, pytest and every molecule scenario

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(abspath $(VENV))/bin
# Ansible finds this checkout as novaops.migration through a symlink kept inside the venv.
COLLECTIONS := $(abspath $(VENV))/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/novaops/migration
STAMP := $(VENV)/.installed
SANITY_ROOT := $(abspath .cache)/sanity/ansible_collections/novaops/migration
PIP_BOOTSTRAP := $(HOME)/.ansible/test/cache/get_pip_24_2.py
WHEELS := $(abspath .cache)/wheels

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_FORCE_COLOR := 0
export PATH := $(BIN):$(PATH)

.PHONY: help venv demo test lint ruff ansible-lint sanity pytest molecule clean

help:
	@echo "make demo    run a host evacuation against the bundled mock compute cloud"
	@echo "make test    run every check: ruff, ansible-lint, ansible-test sanity, pytest, molecule"
	@echo "make venv    create .venv with the pinned toolchain and the mock (mock-compute)"

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt tests/mock_compute/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e tests/mock_compute
	mkdir -p $(dir $(COLLECTION_LINK))
	ln -sfn ../../../.. $(COLLECTION_LINK)
	touch $@

demo: $(STAMP)
	.ci/with-mock -- .ci/demo

test: lint sanity pytest molecule
	@echo "make test: all checks passed"

lint: ruff ansible-lint

ruff: $(STAMP)
	$(BIN)/ruff check .

ansible-lint: $(STAMP)
	$(BIN)/ansible-lint --offline

# ansible-test needs the collection under .../ansible_collections/<ns>/<name>/, so sanity runs on a copy
# of the files git would ship. Its pip bootstrap download is replaced by an offline stand-in.
sanity: $(STAMP) $(PIP_BOOTSTRAP)
	rm -rf $(SANITY_ROOT) && mkdir -p $(SANITY_ROOT)
	git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} $(SANITY_ROOT)/ 2>/dev/null || \
	  { echo "copying the collection for ansible-test failed"; exit 1; }
	cd $(SANITY_ROOT) && $(BIN)/ansible-test sanity --local --python 3.11 --color no

$(PIP_BOOTSTRAP): .ci/get_pip_standin.py | $(STAMP)
	mkdir -p $(WHEELS) $(dir $@)
	test -f $(WHEELS)/pip-24.2-py3-none-any.whl || $(BIN)/python -m pip download --quiet --no-deps pip==24.2 -d $(WHEELS)
	sed -e 's|@WHEEL_DIR@|$(WHEELS)|' -e 's|@PIP_WHEEL@|$(WHEELS)/pip-24.2-py3-none-any.whl|' $< > $@

pytest: $(STAMP)
	$(BIN)/python -m pytest

molecule: $(STAMP)
	@n=$$(ls extensions/molecule/*/molecule.yml 2>/dev/null | wc -l); \
	  if [ "$$n" -eq 0 ]; then echo "molecule: no scenarios found"; exit 1; fi; \
	  echo "molecule: $$n scenarios"
	$(BIN)/molecule test --all

clean:
	rm -rf .cache tests/output .pytest_cache .ruff_cache .ansible
