# novaops.migration: every target works on a fresh clone with nothing installed beforehand.
#   make demo   empties a compute host of the bundled mock cloud (the main job)
#   make test   lint, sanity, pytest, molecule, the ansible-core matrix and the real-Nova tier, in parallel lanes

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
# Outside the checkout: inside it, ansible-test would ask git and skip the ignored copy.
SANITY_ROOT := $(HOME)/.cache/novaops-migration/sanity/ansible_collections/novaops/migration
PIP_BOOTSTRAP := $(HOME)/.ansible/test/cache/get_pip_24_2.py
WHEELS := $(abspath .cache)/wheels

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_FORCE_COLOR := 0
export PATH := $(BIN):$(PATH)

.PHONY: help venv nova-venv rehearse demo test lint ruff ansible-lint sanity pytest nova-harness molecule matrix build smoke ee docs bench clean conformance molecule-nova nova-releases

help:
	@echo "make demo    run a host evacuation against the bundled mock compute cloud"
	@echo "make test    run every check: lint, sanity, pytest, molecule, the ansible-core matrix, real Nova"
	@echo "make venv    create .venv with the pinned toolchain and the mock (mock-compute)"
	@echo "make nova-venv  create .venv-nova with Nova 34 and nova-in-a-box (a real Nova control plane)"
	@echo "make conformance  send the same API requests to the mock and to a real Nova, compare them"
	@echo "make molecule-nova  run the molecule scenarios that do not need mock-only knobs against a real Nova"
	@echo "make rehearse   serve real Nova on 127.0.0.1:8774 [TOPOLOGY=file] [RELEASE=2023.1] to rehearse a playbook against it"
	@echo "make nova-releases  run the collection on every tested Nova release (2023.1 to 2026.2), check the support table"

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt tests/mock_compute/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e tests/mock_compute
	mkdir -p $(dir $(COLLECTION_LINK))
	ln -sfn ../../../.. $(COLLECTION_LINK)
	touch $@

# nova-in-a-box (tests/nova_in_a_box): Nova and Placement pin their own oslo.*, SQLAlchemy ..., so they get a venv
# of their own; the collection's .venv never sees them. About 410 MB and 40 s on a fresh clone.
NOVA_VENV := .venv-nova
NOVA_STAMP := $(NOVA_VENV)/.installed

nova-venv: $(NOVA_STAMP)

$(NOVA_STAMP): tests/nova_in_a_box/requirements.txt tests/nova_in_a_box/pyproject.toml
	test -x $(NOVA_VENV)/bin/python || $(PYTHON) -m venv $(NOVA_VENV)
	$(NOVA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools wheel
	$(NOVA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/nova_in_a_box/requirements.txt
	$(NOVA_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e tests/nova_in_a_box
	$(NOVA_VENV)/bin/nova-in-a-box check
	touch $@

# Rehearse a maintenance playbook against real Nova: serves until Ctrl-C; see docs/rehearsal.md. RELEASE=2023.1 (any
# series of tests/nova_in_a_box/releases/releases.yaml) serves that Nova release instead of the newest.
REHEARSAL_PORT ?= 8774
REHEARSAL_CLOUDS ?= .cache/rehearsal/clouds.yaml
rehearse: $(STAMP) $(NOVA_STAMP)
	mkdir -p $(dir $(REHEARSAL_CLOUDS))
	@echo "real Nova on http://127.0.0.1:$(REHEARSAL_PORT) once ready; in another terminal:"
	@echo "  export OS_CLIENT_CONFIG_FILE=$(abspath $(REHEARSAL_CLOUDS)) ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS)"
	@echo "  .venv/bin/ansible-playbook <your playbook> -e cloud=mock-admin ..."
	python=$(if $(RELEASE),$$($(BIN)/python .ci/nova_release_venv.py $(RELEASE)) || exit 1,$(NOVA_VENV)/bin/python); \
	PYTHONPATH=tests/nova_in_a_box/src "$$python" -m nova_in_a_box serve --port $(REHEARSAL_PORT) \
	  --write-clouds-yaml $(REHEARSAL_CLOUDS) $(if $(TOPOLOGY),--topology $(TOPOLOGY)) \
	  $(if $(MIGRATION_SECONDS),--migration-seconds $(MIGRATION_SECONDS))

# The mock against a real Nova (nova-in-a-box): the same requests to both, differences not in
# tests/conformance/allowlist.yaml fail, and so does an allowlist entry nothing needs any more; the figure lands
# in .cache/conformance/summary.json. About a minute.
conformance: $(STAMP) $(NOVA_STAMP)
	.ci/pytest-no-skips tests/conformance -q

demo: $(STAMP)
	.ci/with-mock -- .ci/demo

# Four lanes side by side (checks and the ansible-core matrix, pytest, molecule, real Nova); see .ci/lanes.
test:
	.ci/lanes

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

# Two workers (one file each at a time): make test runs three other lanes beside this one on two cores, and more
# processes than cores only stretch every wait on a migration into more polls.
pytest: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The real-Nova harness's own tests, through openstacksdk over HTTP.
nova-harness: $(STAMP) $(NOVA_STAMP)
	.ci/pytest-no-skips tests/nova_in_a_box/tests -q

molecule: $(STAMP)
	.ci/molecule-all

# The same scenarios against nova-in-a-box; a scenario that needs a mock-only knob says so and is left out.
molecule-nova: $(STAMP) $(NOVA_STAMP)
	NOVAOPS_BACKEND=nova .ci/molecule-all

# Every tested Nova release (tests/nova_in_a_box/releases/releases.yaml), each in its own venv (cached under
# ~/.cache/novaops-migration/nova-releases), then the support table in README.md and docs/nova-releases.md checked
# against the results; see docs/nova-releases.md.
nova-releases: $(STAMP) $(NOVA_STAMP)
	.ci/nova-release-matrix

# Every supported ansible-core minor version, each in its own venv under ~/.cache/novaops-migration/ansible-core.
matrix: $(STAMP)
	.ci/ansible-matrix

VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := dist/novaops-migration-$(VERSION).tar.gz

build: $(STAMP)
	mkdir -p dist
	$(BIN)/ansible-galaxy collection build --force --output-path dist

# Install the built tarball on its own (no checkout on the collections path) and run the README example with it.
smoke: build
	rm -rf .cache/installed && mkdir -p .cache/installed
	$(BIN)/ansible-galaxy collection install --force -p .cache/installed $(TARBALL) 2>&1 | grep -v 'not part of the configured'
	@if tar -tzf $(TARBALL) | grep -E '(^|/)(\.venv|\.ansible|__pycache__|tests/output|\.cache)/'; then \
	  echo "the tarball contains build or cache output"; exit 1; fi
	ANSIBLE_COLLECTIONS_PATH=$(abspath .cache/installed) OS_CLOUD=mock-admin .ci/with-mock -- \
	  $(BIN)/ansible-playbook tests/smoke/installed_collection.yml -e server=web-1 -e target_host=compute-2

# ansible-builder create must work offline on the example EE, and pick up the collection's Python requirements.
ee: build
	rm -rf .cache/ee-context
	cd docs/awx && $(BIN)/ansible-builder create --file execution-environment.yml --context $(abspath .cache/ee-context) \
	  --output-filename Containerfile
	test -f .cache/ee-context/Containerfile
	test -f .cache/ee-context/_build/collections/novaops-migration-$(VERSION).tar.gz
	rm -rf .cache/ee-collections && mkdir -p .cache/ee-collections
	$(BIN)/ansible-galaxy collection install --force -p .cache/ee-collections $(TARBALL) >/dev/null 2>&1
	$(BIN)/python .cache/ee-context/_build/scripts/introspect.py introspect .cache/ee-collections | tee .cache/ee-introspect.txt
	grep -q 'openstacksdk' .cache/ee-introspect.txt

# Module and role reference generated from the code; the output stays out of git.
docs: $(STAMP)
	rm -rf .cache/docs && mkdir -p .cache/docs && chmod 700 .cache/docs
	$(BIN)/antsibull-docs collection --use-current --squash-hierarchy --dest-dir .cache/docs novaops.migration
	@ls .cache/docs/*_module.rst >/dev/null && ls .cache/docs/*_role.rst >/dev/null && echo "docs: reference written to .cache/docs"
	$(BIN)/antsibull-docs lint-collection-docs --plugin-docs .
	$(BIN)/python .ci/check_role_docs.py

bench: $(STAMP)
	$(BIN)/python tests/perf/bench_evacuation.py
	$(BIN)/python tests/perf/bench_campaign_plan.py
	$(BIN)/python tests/perf/bench_campaign.py

clean:
	rm -rf .cache dist tests/output .pytest_cache .ruff_cache .ansible
