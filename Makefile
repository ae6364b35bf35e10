# The two set-up commands of the README:
#   make run    install everything and start the app on http://127.0.0.1:7860
#   make test   install everything (incl. Debian chromium and bubblewrap) and run the whole test suite
# Other targets: make bench (grader accuracy + speed), make bench-deep (the opt-in LLM judge beside it), make train-verifier (refit the verifier's adapter,
# ~1 h on 2 cores; needs ../shared/eval), make calibrate (refit judge.json), make screenshots.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: run test bench bench-deep train-verifier calibrate screenshots install install-test system-deps

run: install system-deps
	$(PY) app.py

test: install-test system-deps
	$(PY) -m pytest -q -p no:cacheprovider

bench: install-test
	$(PY) -m benchmarks

# The opt-in deep review's LLM judge beside the default scorer (installs the `llm` extra: compiles
# llama-cpp-python, 5-25 min the first time; the benchmark ~40 min).
bench-deep: install-test
	$(PY) -m pip install -q -e ".[llm]"
	$(PY) -m benchmarks.deep_review --semeval-sample 300

# Two steps: the base adapter (2 epochs), then one epoch more with the graded CS training answers.
train-verifier: install-test
	mkdir -p build
	$(PY) -m benchmarks.train_verifier --out build/verifier-base.npz
	$(PY) -m benchmarks.train_verifier --epochs 1 --init build/verifier-base.npz --cs --cs-repeat 3 --replay 10000 --lr 1e-4

calibrate: install-test
	$(PY) -m benchmarks.calibrate

screenshots: install-test system-deps
	$(PY) scripts/screenshots.py

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e .
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e ".[test]"
	touch $@

# Debian packages: chromium (browser tests, screenshots) and bubblewrap (the ML-coding sandbox).
system-deps:
	@if command -v chromium >/dev/null && command -v bwrap >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium bubblewrap fonts-noto-color-emoji >/dev/null; \
	else \
	  echo "Needs Debian packages chromium and bubblewrap: sudo apt-get install -y chromium bubblewrap"; exit 1; \
	fi
