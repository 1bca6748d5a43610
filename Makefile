# Every target runs inside .venv, which `make install` creates from the pinned requirements.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install browser test lint check-image image-test local dev synth deploy destroy bench clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt agent/requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else f"make install: Python 3.11 or newer is needed, $(PYTHON) is {sys.version.split()[0]}; run make PYTHON=python3.12 (or any 3.11+)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# The agent's lock carries the image's wheel hashes (CPython 3.13, Linux); this venv takes its plain pins.
	sed -E 's/ --hash=[^ ]+//g' agent/requirements.txt > $(VENV)/agent-pins.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r $(VENV)/agent-pins.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# The aws-cdk CLI, pinned by package-lock.json, so that `npx cdk` is the same everywhere.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Headless Chromium and its driver for the browser tests (tests/client/web), from Debian's own packages, never a
# downloaded browser build. Installed only when missing.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "make browser: chromium and chromedriver are not installed, and apt-get is not available to install them." \
			"Install Chromium and its WebDriver with your package manager (as chromium and chromedriver on PATH)," \
			"then run make test again." >&2; \
		exit 1; \
	fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; else \
		echo "make browser: installing chromium and chromium-driver needs root: sudo apt-get install chromium chromium-driver" >&2; \
		exit 1; \
	fi; \
	echo "make browser: installing Debian's chromium and chromium-driver for the browser tests"; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium chromium-driver

test: install browser
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

# No Docker engine is needed: every pin of the image's lock must exist as a linux/aarch64 wheel, and the agent must
# work, under opentelemetry-instrument, with exactly those packages (scripts/image/check_image.py says how it proves
# it).
check-image: install
	$(PY) -m scripts.image.check_image

# Builds the real Dockerfile (linux/amd64 natively, linux/arm64 under QEMU) on a local stand-in of its base image and
# checks the running container; needs root: installs Docker/QEMU/mmdebstrap from Debian and starts dockerd if absent.
# Writes build/image-test.json, which `make bench` reads (scripts/image/image_test.py says what it checks).
image-test: install
	$(PY) -m scripts.image.image_test

# The agent on http://127.0.0.1:8080 with your AWS credentials and Region (it calls Amazon Bedrock), and the settings
# the stack would give it: cdk.json's context, CDK_ARGS="-c key=value", the environment (infra/local.py).
local: install
	$(PY) -m infra.local $(CDK_ARGS)

# As `make local`, restarted whenever a file under agent/ changes, and the chat page on http://127.0.0.1:8501 talking
# to it. Ctrl-C stops both.
dev: install
	@trap 'kill $$agent 2>/dev/null' EXIT; \
	$(PY) -m infra.local --reload $(CDK_ARGS) & agent=$$!; \
	$(PY) -m client web --url http://127.0.0.1:8080

# Synthesis needs neither Docker nor AWS credentials, in either image build mode; the handler bundle is pip-installed
# for linux/arm64. `make synth CDK_ARGS="-c imageBuild=local"` synthesizes the local mode.
synth: install
	npx cdk synth --quiet $(CDK_ARGS)

# The image is built in AWS CodeBuild during the deploy; CDK_ARGS="-c imageBuild=local" builds it with local Docker.
deploy: install
	$(PY) -m infra.preflight deploy $(CDK_ARGS)
	npx cdk deploy --require-approval never $(CDK_ARGS)

# npx cdk destroy --force, then the list of what it removed and of anything left outside the stack.
destroy: install
	$(PY) -m infra.preflight destroy $(CDK_ARGS)
	$(PY) -m infra.destroy $(CDK_ARGS)

# Every figure with its range over the runs, to docs/performance.md and docs/performance.json (bench/report.py).
bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules cdk.out
