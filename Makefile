# wanfleet.routers: set-up, tests, packaging. GNU make.
#
# `make test` and `make demo` work from a fresh clone: all tooling is pinned in
# requirements-dev.txt and installed into .venv; everything generated goes to
# .build/. See docs/development.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
PY     := $(BIN)/python
BUILD  := $(CURDIR)/.build
REPORTS := $(BUILD)/reports

NAMESPACE := wanfleet
NAME      := routers
VERSION   := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL   := $(BUILD)/dist/$(NAMESPACE)-$(NAME)-$(VERSION).tar.gz

# Two views of the checkout as ansible_collections/wanfleet/routers:
# - COLLECTIONS: a symlink to the checkout, so edits show at once. pytest
#   imports through it (pytest.ini pythonpath); ansible-playbook, -inventory
#   and -doc find the collection through ANSIBLE_COLLECTIONS_PATH.
# - SANITY_ROOT: a copy, for ansible-test. ansible-test locates the collection
#   from os.getcwd(), which resolves symlinks to the checkout's real path (not
#   under ansible_collections/), so it cannot run from the symlink.
COLLECTIONS := $(BUILD)/collections
LINK        := $(COLLECTIONS)/ansible_collections/$(NAMESPACE)/$(NAME)
SANITY_ROOT := $(BUILD)/sanity/ansible_collections/$(NAMESPACE)/$(NAME)

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PATH := $(BIN):$(PATH)
# Python run outside pytest (bench, demo) imports the collection and tests.*.
RUN_PYTHONPATH := $(CURDIR):$(COLLECTIONS)

# Test knobs: `make unit PYTEST_ARGS='-k http -x'`, `make sanity SANITY_ARGS='--test pylint'`.
PYTEST_ARGS ?=
UNIT_WORKERS ?= auto
INTEGRATION_WORKERS ?= auto
SANITY_PYTHON ?= 3.11
SANITY_ARGS ?=
TEST_STEPS ?= ruff changelog unit hostile fidelity integration versions sanity lint build

.PHONY: help venv collection-layout sanity-tree ruff unit hostile integration fidelity sanity lint \
        changelog build docs bench demo test clean distclean versions test-matrix matrix-venvs

help:
	@echo "make test       set up .venv, run: $(TEST_STEPS)"
	@echo "make demo       start the simulator, run playbooks/site.yml twice, summary"
	@echo "make ruff | unit | hostile | fidelity | integration | sanity | lint | changelog | build"
	@echo "make versions   the installed artifact on the oldest and newest ansible-core we support"
	@echo "make test-matrix  modules, inventory, role and installed artifact on every supported ansible-core"
	@echo "make docs       lint plugin docs, HTML docsite into .build/docs"
	@echo "make bench      run bench/*.py"
	@echo "make clean      remove .build and caches (distclean: also .venv)"

## Set-up ------------------------------------------------------------------

# The stamp is older than requirements-dev.txt only when the pins changed, so
# pip runs on the first `make` and after each change to the file, not every time.
$(VENV)/.installed: requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# The User-Agent's version (plugins/module_utils/_version.py) is galaxy.yml's, rewritten whenever galaxy.yml
# changes, before the tests, sanity and the build; tests/unit/plugins/module_utils/test_version.py fails if the two differ.
VERSION_FILE := plugins/module_utils/_version.py
$(VERSION_FILE): galaxy.yml
	sed -i 's/^COLLECTION_VERSION = .*/COLLECTION_VERSION = "$(VERSION)"/' $@

# Recreated every time (cheap): survives a moved checkout.
collection-layout: $(VERSION_FILE)
	@mkdir -p $(dir $(LINK))
	@ln -sfn $(CURDIR) $(LINK)

# $(call copy_tree,DEST): a fresh copy of the files git would commit (tracked,
# and untracked but not ignored) at DEST. ansible-test lists content with git
# when it finds a .git, walking up from the collection; without a .git of its
# own it would find the checkout's, where .build/ is ignored, and see no files
# at all. Hence `git init` (no commit needed: it lists untracked files too).
define copy_tree
	@rm -rf $(1); mkdir -p $(1)
	@git ls-files -z --cached --others --exclude-standard \
	  | tar --null --files-from=- --ignore-failed-read -cf - \
	  | tar -xf - -C $(1)
	@git -C $(1) init -q
endef

sanity-tree: $(VERSION_FILE)
	$(call copy_tree,$(SANITY_ROOT))

## Tests -------------------------------------------------------------------

# $(call pytest,NAME,DIR,EXTRA-ARGS). Exit code 5 (no tests collected) passes
# only while a suite has no test files yet, or when PYTEST_ARGS narrowed the
# run (`-k` matching nothing in this suite); a suite with test files that
# collects nothing fails. Any other failure fails. The JUnit report feeds the
# counts printed by `make test`.
define pytest
	@mkdir -p $(REPORTS); rm -f $(REPORTS)/$(1).xml
	@if [ ! -d $(2) ]; then echo "$(2): not present yet, nothing to run"; exit 0; fi; \
	rc=0; $(PY) -m pytest $(2) --junitxml=$(REPORTS)/$(1).xml $(3) $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then \
	  if [ -n "$(if $(strip $(PYTEST_ARGS)),narrowed)" ]; then echo "$(2): nothing matched PYTEST_ARGS here"; rc=0; \
	  elif [ -z "$$(find $(2) -name 'test_*.py' -print -quit)" ]; then echo "$(2): no test files yet"; rc=0; \
	  else echo "$(2): has test files but pytest collected no test"; fi; \
	fi; \
	exit $$rc
endef

# Python lint and format, both configured in pyproject.toml.
RUFF ?= $(BIN)/ruff
ruff: venv
	$(RUFF) check .
	$(RUFF) format --check .

unit: venv collection-layout
	$(call pytest,unit,tests/unit,-n $(UNIT_WORKERS))

# The client core against misbehaving loopback servers of its own (tests/hostile): seconds.
hostile: venv collection-layout
	$(call pytest,hostile,tests/hostile,-n $(UNIT_WORKERS))

# Integration and fidelity tests start the simulator themselves (per xdist
# worker, on a free port); loadfile keeps each file's tests, and so its
# module-scoped simulator, on one worker.
integration: venv collection-layout
	$(call pytest,integration,tests/integration,-n $(INTEGRATION_WORKERS) --dist loadfile)

# The simulator against the vendor documents (tests/fidelity).
fidelity: venv collection-layout
	$(call pytest,fidelity,tests/fidelity,-n $(INTEGRATION_WORKERS) --dist loadfile)

# ansible-test puts pip into each virtualenv with get-pip.py, downloaded from a
# host we cannot reach (ci-files.testing.ansible.com) into this cache path.
# Seed the cache with an offline stand-in (kept up to date); a real
# get-pip.py found there is left alone.
# ANSIBLE_TEST_PIP: the pip ansible-test 2.19 asks for (get_venv_packages()).
ANSIBLE_TEST_PIP := 24.2
GET_PIP_CACHE := $(HOME)/.ansible/test/cache/get_pip_$(subst .,_,$(ANSIBLE_TEST_PIP)).py
$(GET_PIP_CACHE): tools/ansible_test_get_pip.py
	@mkdir -p $(dir $@)
	@if [ ! -e $@ ] || grep -q 'Offline stand-in for get-pip.py' $@; then cp $< $@; fi

# --venv: ansible-test builds one virtualenv per sanity test (pylint, pep8,
# import, validate-modules, ...) from its own pinned requirements, fetched from
# PyPI on first use and cached under ~/.ansible/test; no Docker needed.
# No ignore file: findings are fixed, not ignored.
# Per-test JUnit results are kept in .build/reports/sanity/ for `make test`.
sanity: venv sanity-tree $(GET_PIP_CACHE)
	@rm -rf $(REPORTS)/sanity; mkdir -p $(REPORTS)/sanity
	@echo "(in $(SANITY_ROOT)) ansible-test sanity --venv --python $(SANITY_PYTHON) --junit $(SANITY_ARGS)"
	@cd $(SANITY_ROOT) && rc=0 && ansible-test sanity --venv --python $(SANITY_PYTHON) --junit $(SANITY_ARGS) || rc=$$?; \
	cp $(SANITY_ROOT)/tests/output/junit/*.xml $(REPORTS)/sanity/ 2>/dev/null || true; exit $$rc

lint: venv collection-layout
	ansible-lint

# Lint the fragments and changelog.yaml, then release into a scratch copy
# (a dry run: the checkout is not touched) and show the notes it would add.
CHANGELOG_ROOT := $(BUILD)/changelog/ansible_collections/$(NAMESPACE)/$(NAME)
changelog: venv
	antsibull-changelog lint
	antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
	$(call copy_tree,$(CHANGELOG_ROOT))
	cd $(CHANGELOG_ROOT) && antsibull-changelog release --version $(VERSION) --date "$$(date +%F)"
	@echo "--- $(VERSION) release notes (dry run):"; \
	awk -v id='<a id="v$(subst .,-,$(VERSION))">' 'index($$0, id) == 1 {on = 1; print; next} /^<a id="v/ {on = 0} on' $(CHANGELOG_ROOT)/CHANGELOG.md

# Build the artifact, check it keeps what execution environments and users need, install it into an empty
# collections path and list its plugins from there; show what ansible-builder finds in the installed
# collection (the introspection an EE build runs), and write the EE build context for
# docs/awx/execution-environment.yml into .build/ee (`ansible-builder create`: offline, no container engine;
# `ansible-builder build` on that context needs podman or docker).
BUILD_MUST_HAVE := meta/runtime.yml meta/execution-environment.yml requirements.txt bindep.txt LICENSE README.md \
                   playbooks/site.yml playbooks/fleet_report.yml roles/site_provision/meta/argument_specs.yml \
                   docs/awx/execution-environment.yml docs/awx/execution-environment-tarball.yml CHANGELOG.md \
                   changelogs/changelog.yaml tests/config.yml playbooks/awx_credential_types.yml \
                   extensions/awx/credential_types/fleet.yml
EE_DEFINITION := docs/awx/execution-environment.yml
build: venv $(VERSION_FILE)
	ansible-galaxy collection build --force --output-path $(BUILD)/dist .
	@listing=$$(tar -tzf $(TARBALL)); for f in $(BUILD_MUST_HAVE); do \
	  grep -qx "$$f" <<<"$$listing" || { echo "build: $$f is missing from $(TARBALL)"; exit 1; }; \
	done
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; export ANSIBLE_COLLECTIONS_PATH="$$tmp"; \
	ansible-galaxy collection install --offline -p "$$tmp" $(TARBALL); \
	ansible-doc -l $(NAMESPACE).$(NAME); \
	ansible-doc -t role -l $(NAMESPACE).$(NAME); \
	ansible-builder introspect --sanitize "$$tmp"
	@rm -rf $(BUILD)/ee
	ansible-builder create -f $(EE_DEFINITION) -c $(BUILD)/ee --output-filename Containerfile -v 1
	@echo "build: $(TARBALL); execution environment build context: $(BUILD)/ee"

## Supported ansible-core versions ----------------------------------------

# meta/runtime.yml claims ansible-core 2.16 and later; each minor gets a venv of its own under
# .build/matrix (ansible-core from PyPI plus requirements.txt, what a user installs), made once and
# remade only when requirements.txt changes. pytest and the simulator stay in .venv; the tests take
# ansible-playbook, -inventory, -doc, -galaxy and the Python that runs modules from WANFLEET_ANSIBLE_VENV
# (tests/integration/conftest.py).
MATRIX_VERSIONS ?= 2.16 2.17 2.18 2.19
MATRIX := $(BUILD)/matrix
MATRIX_ENDS := $(firstword $(MATRIX_VERSIONS)) $(lastword $(MATRIX_VERSIONS))
# Every module (the four platform files), the inventory, the role, and the installed artifact.
MATRIX_TESTS ?= tests/integration/test_incontrol_modules.py tests/integration/test_ncm_modules.py \
                tests/integration/test_peplink_router_modules.py tests/integration/test_telecomx_modules.py \
                tests/integration/test_inventory.py tests/integration/test_role.py \
                tests/integration/test_installed_artifact.py
INSTALLED_TEST := tests/integration/test_installed_artifact.py

$(MATRIX)/ansible-%/.installed: requirements.txt
	rm -rf $(MATRIX)/ansible-$*
	$(PYTHON) -m venv $(MATRIX)/ansible-$*
	$(MATRIX)/ansible-$*/bin/python -m pip install --disable-pip-version-check -q "ansible-core==$*.*" -r requirements.txt
	touch $@

matrix-venvs: $(foreach version,$(MATRIX_VERSIONS),$(MATRIX)/ansible-$(version)/.installed)

# $(call on_versions,VERSIONS,TESTS,REPORT-PREFIX): run TESTS once per version, every version even after a
# failure; print one line per version with its result and time; fail if any failed.
define on_versions
	@rm -rf $(REPORTS)/$(3) $(MATRIX)/$(3).tsv; mkdir -p $(REPORTS)/$(3); fail=0; \
	for version in $(1); do \
	  echo "=== ansible-core $$version: $(2)"; start=$$(date +%s); rc=0; \
	  WANFLEET_ANSIBLE_VENV=$(MATRIX)/ansible-$$version $(PY) -m pytest $(2) -n $(INTEGRATION_WORKERS) --dist loadfile \
	    --junitxml=$(REPORTS)/$(3)/$$version.xml $(PYTEST_ARGS) || rc=$$?; \
	  printf '%s\t%s\t%s\t%s\n' $$version "$$($(MATRIX)/ansible-$$version/bin/ansible --version | sed -n '1s/.*core \([0-9.]*\).*/\1/p')" \
	    $$([ $$rc -eq 0 ] && echo passed || echo FAILED) $$(( $$(date +%s) - start ))s >> $(MATRIX)/$(3).tsv; \
	  [ $$rc -eq 0 ] || fail=1; \
	done; \
	echo "--- minor, ansible-core, result, time ($(3))"; column -t $(MATRIX)/$(3).tsv; exit $$fail
endef

# In `make test`: the built artifact, installed into the oldest and the newest supported ansible-core.
versions: venv collection-layout $(foreach version,$(MATRIX_ENDS),$(MATRIX)/ansible-$(version)/.installed)
	$(call on_versions,$(MATRIX_ENDS),$(INSTALLED_TEST),versions)

test-matrix: venv collection-layout matrix-venvs
	$(call on_versions,$(MATRIX_VERSIONS),$(MATRIX_TESTS),matrix)

## Other -------------------------------------------------------------------

# Lint the plugin docs, check that every module, the inventory plugin and the role render with ansible-doc,
# then build the HTML docsite: antsibull-docs writes a Sphinx project and the RST pages, sphinx-build renders
# them. We are offline: intersphinx is switched off, so links into docs.ansible.com stay unresolved (a few
# "undefined label" warnings; hence no -W). The guides are Markdown in docs/ (index: docs/index.md); the
# docsite links to them (docs/docsite/links.yml).
DOCS := $(BUILD)/docs
docs: venv collection-layout
	antsibull-docs lint-collection-docs --plugin-docs .
	@modules=$$(ansible-doc -l $(NAMESPACE).$(NAME) | awk '{print $$1}'); \
	ansible-doc -t module $$modules >/dev/null; \
	ansible-doc -t inventory $(NAMESPACE).$(NAME).fleet >/dev/null; \
	ansible-doc -t role $(NAMESPACE).$(NAME).site_provision >/dev/null; \
	echo "ansible-doc renders:" $$modules $(NAMESPACE).$(NAME).fleet $(NAMESPACE).$(NAME).site_provision
	@rm -rf $(DOCS); mkdir -p $(DOCS)/rst; chmod og-w $(DOCS)/rst
	antsibull-docs sphinx-init --use-current --dest-dir $(DOCS) $(NAMESPACE).$(NAME) >/dev/null
	echo 'intersphinx_mapping = {}  # offline build (make docs)' >> $(DOCS)/conf.py
	antsibull-docs --config-file $(DOCS)/antsibull-docs.cfg collection --use-current --dest-dir $(DOCS)/rst $(NAMESPACE).$(NAME)
	sphinx-build -M html $(DOCS)/rst $(DOCS)/build -c $(DOCS) -q
	@echo "docs: $(DOCS)/build/html/index.html"

bench: venv collection-layout
	@shopt -s nullglob; set -- bench/*.py; \
	if [ $$# -eq 0 ]; then echo "bench/: no benchmarks yet"; exit 0; fi; \
	for f; do echo "== $$f"; PYTHONPATH=$(RUN_PYTHONPATH) $(PY) $$f; done

demo: venv collection-layout
	PYTHONPATH=$(RUN_PYTHONPATH) $(PY) -m tests.demo

# Every step runs even after one fails, so one run reports everything; the
# summary (tools/test_summary.py) ends with one closing line of counts, and the
# exit status is non-zero if any step failed.
test: venv collection-layout
	@mkdir -p $(REPORTS); rm -f $(REPORTS)/steps.tsv
	@fail=0; for step in $(TEST_STEPS); do \
	  echo; echo "=== make $$step"; start=$$(date +%s); rc=0; \
	  $(MAKE) $$step || rc=$$?; \
	  printf '%s\t%s\t%s\n' $$step $$rc $$(( $$(date +%s) - start )) >> $(REPORTS)/steps.tsv; \
	  [ $$rc -eq 0 ] || fail=1; \
	done; \
	$(PY) tools/test_summary.py $(REPORTS); \
	exit $$fail

clean:
	rm -rf $(BUILD) tests/output .pytest_cache
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .ansible
