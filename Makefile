# Two commands matter: `make book` and `make test`. Everything else is a helper.
# Each target sets up .venv first (idempotent, keyed on the dependency files).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB_FLAGS ?= -n -W --keep-going
A ?=
ARGS ?=
# Book kernels read scripts/ipython_kernel_config.py from a build-local IPython dir (quiet logs).
BOOK_ENV = IPYTHONDIR="$(abspath _build/ipython)" PATH="$(abspath $(BIN)):$$PATH"

.DEFAULT_GOAL := help
.PHONY: help setup system book book-all lint test test-fast lab clean lock release collect grade report check validate hub

help: ## list the targets
	@grep -E '^[a-z -]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

$(STAMP): requirements.txt requirements.lock pyproject.toml
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh venv
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -r requirements.txt
	@touch $@

# axe-core for the accessibility tests, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	@touch $@

setup: $(STAMP) ## create .venv and install pinned dependencies

system: ## install system packages the tests need (chromium, bubblewrap, npm), or say what is missing
	@bash scripts/system-deps.sh test

book: setup ## build the HTML book into _build/html (warnings are errors)
	@bash scripts/system-deps.sh book
	@mkdir -p _build/ipython/profile_default && cp scripts/ipython_kernel_config.py _build/ipython/profile_default/
	$(BOOK_ENV) $(BIN)/jupyter-book build . $(JB_FLAGS)

book-all: setup ## rebuild every page (what CI does, so -W sees every page)
	@bash scripts/system-deps.sh book
	@mkdir -p _build/ipython/profile_default && cp scripts/ipython_kernel_config.py _build/ipython/profile_default/
	$(BOOK_ENV) $(BIN)/jupyter-book build . --all $(JB_FLAGS)

.PHONY: book-single
book-single: setup ## printable one-page edition: _build/singlehtml/index.html (print it to PDF)
	@bash scripts/system-deps.sh book
	@mkdir -p _build/ipython/profile_default && cp scripts/ipython_kernel_config.py _build/ipython/profile_default/
	$(BOOK_ENV) $(BIN)/jupyter-book build . --builder singlehtml $(JB_FLAGS)
	@# Sphinx writes the page under its root document's folder but links its assets from the
	@# top: move it to the top (replacing the redirect stub) and make its links page-local.
	root=$$(sed -n 's/^root: *//p' _toc.yml); cd _build/singlehtml && \
	  sed "s#href=\"$$root.html\##href=\"\##g" "$$root.html" > index.html && rm "$$root.html"

lint: setup ## ruff on hcai/ and tests/, mypy on hcai/ (both must be clean)
	$(BIN)/ruff check hcai tests
	$(BIN)/mypy

test: lint system node_modules/.installed book ## lint, then every test (builds the book first; browser tests read it)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest

test-fast: lint ## lint, then the tests that start no kernel, browser or grading run (< 2 min)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -m "not kernel and not slow and not browser"

lab: setup ## open JupyterLab on your learner workspace (student versions of the assignments)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m hcai workspace
	@# scripts/lab-config swaps nbgrader's Validate handler for the grader's engine (hcai.labvalidate)
	JUPYTER_CONFIG_PATH="$(abspath scripts/lab-config)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter lab --notebook-dir=workspace

release collect grade report check: setup ## instructors: make grade A=01-credential-landscape [ARGS="--force"]
	@test -n "$(A)" || { echo "Name the assignment: make $@ A=<assignment>"; exit 2; }
	@# these run learner code in the bubblewrap sandbox: install it (or print the command)
	@test "$@" = report || bash scripts/system-deps.sh grade
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m hcai $@ $(A) $(ARGS)

validate: setup ## learners: make validate NB=path/to/notebook.ipynb
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m hcai validate $(NB)

hub: setup node_modules/.installed ## one-machine JupyterHub on 127.0.0.1 (as root; settings: HCAI_HUB_SETTINGS, see hub/)
	@bash scripts/system-deps.sh hub
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python hub/setup.py
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyterhub -f hub/jupyterhub_config.py

lock: ## refresh requirements.lock from a clean install of requirements.txt
	rm -rf /tmp/hcai-lock-venv && $(PYTHON) -m venv /tmp/hcai-lock-venv
	/tmp/hcai-lock-venv/bin/pip install --quiet -r requirements.txt
	/tmp/hcai-lock-venv/bin/pip freeze --exclude-editable | grep -v '^hcai' > requirements.lock

clean: ## remove build output and caches (keeps .venv and grades)
	rm -rf _build .jupyter_cache .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +
