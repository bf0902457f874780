# doca: `make demo` and `make test` do all of their own set-up (as root).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all setup host venv proto demo test bench clean

all: setup

setup: host venv

host:
	@tools/setup-host.sh

# The environment is rebuilt when the pins change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# compat: a plain path in a .pth, not an import hook (8 ms off every CLI call)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]' --config-settings editable_mode=compat
	touch $@

# The shim's native output loop (services/runtime/pump/); without it the
# shim's Python loop does the same work, with more memory per container.
$(BIN)/doca-pump: services/runtime/pump/doca-pump.c $(STAMP)
	cc -O2 -Wall -o $@ $<

# The CLI's launcher, in place of pip's console script: python -SI (no site,
# ~4 ms of every call) with this tree on sys.path (gateway/cli/launcher.py).
$(BIN)/doca: gateway/cli/launcher.py $(STAMP)
	$(BIN)/python gateway/cli/launcher.py $@

venv: $(STAMP) $(BIN)/doca-pump $(BIN)/doca
	@# Byte-compile our code once: the environment may forbid writing .pyc at run time.
	@$(BIN)/python -m compileall -q common services gateway doca >/dev/null
	@ln -sf $(BIN)/doca /usr/local/bin/doca

proto: venv
	$(BIN)/python tools/genproto.py

demo: setup
	tools/demo.sh

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

bench: setup
	$(BIN)/python bench/run_bench.py

clean:
	rm -rf $(VENV)
