# Every target runs inside .venv, which `make install` creates from the pinned requirements.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: install test lint check-image local synth deploy destroy bench clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt agent/requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# The aws-cdk CLI, pinned by package-lock.json, so that `npx cdk` is the same everywhere.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

# No Docker engine is needed: every pinned dependency of the image must exist as a linux/aarch64 wheel.
check-image: install
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --dest "$$(mktemp -d)" \
		--platform manylinux2014_aarch64 --python-version 3.13 --only-binary=:all: -r agent/requirements.txt
	@echo "check-image: every dependency in agent/requirements.txt installs on linux/aarch64"

local: install
	$(PY) -m agent.server

# Synthesis needs neither Docker nor AWS credentials; the handler bundle is pip-installed for linux/arm64.
synth: install
	npx cdk synth --quiet

deploy: install
	$(PY) -m infra.preflight deploy
	npx cdk deploy --require-approval never $(CDK_ARGS)

destroy: install
	$(PY) -m infra.preflight destroy
	npx cdk destroy --force $(CDK_ARGS)

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules cdk.out
