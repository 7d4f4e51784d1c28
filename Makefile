# Noper — `make run` starts everything locally; `make test` runs every test. Both set themselves up.
SHELL := /bin/bash
PY := .venv/bin/python
export PYTHONPATH := $(CURDIR)
PYTHON_SOURCES := app.py $(shell find chalicelib -name '*.py' 2>/dev/null)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/public frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null | grep -v -e 'src/api/openapi.json' -e 'src/api/schema.d.ts')

.PHONY: help setup run test test-python test-frontend package frontend clean prerequisites

help:
	@echo "make run      start DynamoDB Local, moto (S3/SES), the API and the web app on http://localhost:$${PORT:-8080}"
	@echo "make test     run every test (Python, front end, browser, packaging)"
	@echo "make package  chalice package for prod + cfn-lint + checkov"

setup: prerequisites .venv/.installed node_modules/.installed frontend/node_modules/.installed

prerequisites:
	@python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed: apt-get install -y python3 python3-venv")'
	@command -v node >/dev/null && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || { echo "Node.js 20+ is needed: apt-get install -y nodejs npm"; exit 1; }
	@python3 ops/stack.py

.venv/.installed: requirements.txt requirements-dev.txt
	@echo "noper: setting up the Python virtualenv in .venv (pip install -r requirements-dev.txt)"
	@test -x $(PY) || python3 -m venv .venv
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "noper: installing DynamoDB Local and playwright-core (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	@echo "noper: installing the web app's packages (npm ci in frontend/)"
	@npm --prefix frontend ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/src/api/openapi.json: .venv/.installed $(PYTHON_SOURCES)
	@$(PY) -m ops.openapi $@

frontend/dist/index.html: frontend/node_modules/.installed frontend/src/api/openapi.json $(FRONTEND_SOURCES)
	@echo "noper: building the web app (frontend/dist)"
	@npm --prefix frontend run --silent build
	@touch $@

frontend: frontend/dist/index.html

run: setup frontend
	@$(PY) -m ops.run

test: setup frontend
	@echo "noper: front-end unit tests and type check"
	@npm --prefix frontend run --silent test
	@npm --prefix frontend run --silent check
	@$(MAKE) --no-print-directory package
	@echo "noper: Python, API, stack and browser tests"
	@$(PY) -m pytest

package: setup .venv-scan/.installed
	@echo "noper: chalice package (prod) with an HTTP API, cfn-lint and checkov"
	@rm -rf build/package && mkdir -p build
	@$(PY) -m infra.policies
	@$(PY) -m infra.template build/infra.json
	@AWS_DEFAULT_REGION=eu-west-1 .venv/bin/chalice package --stage prod --merge-template build/infra.json build/package >/dev/null
	@$(PY) -m infra.http_api build/package/sam.json
	@$(PY) -m infra.bundle build/package/deployment.zip
	@.venv/bin/cfn-lint build/package/sam.json
	@.venv-scan/bin/checkov --config-file infra/checkov.yaml -f build/package/sam.json | grep -v '^$$'; test $${PIPESTATUS[0]} -eq 0
	@echo "noper: build/package/sam.json is ready to deploy (docs/deployment.md)"

# checkov in a virtualenv of its own: its pins (boto3, botocore, pydantic) clash with requirements.txt.
.venv-scan/.installed: requirements-scan.txt
	@echo "noper: setting up the scanner's virtualenv in .venv-scan (pip install -r requirements-scan.txt)"
	@test -x .venv-scan/bin/python || python3 -m venv .venv-scan
	@.venv-scan/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-scan.txt
	@touch $@

clean:
	rm -rf build frontend/dist .pytest_cache
