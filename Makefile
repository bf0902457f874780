# doca: `make demo` and `make test` do all of their own set-up (as root).
SHELL := /bin/bash
# Debian's python3.11 first: built with PGO and LTO and linked statically, it
# spends ~25% less CPU than a --enable-shared build such as pyenv's, on every
# CLI call and in every service (tools/setup-host.sh installs it).
PYTHON ?= $(shell if /usr/bin/python3.11 -c 'import venv, ensurepip' 2>/dev/null; then echo /usr/bin/python3.11; \
	else command -v python3.11 || command -v python3; fi)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all setup host venv compose-v1 proto demo test unit critest bench clean FORCE

all: setup

setup: host venv

host:
	@tools/setup-host.sh

# The environment is made again when its interpreter is not $(PYTHON)...
$(VENV)/.interpreter: FORCE
	@want=$$(readlink -f $(PYTHON)); have=$$(readlink -f $(BIN)/python 2>/dev/null || true); \
	if [ "$$want" != "$$have" ] || [ ! -f $@ ]; then \
		echo "venv: made from $$want"; rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && echo "$$want" > $@; fi

# ... and its packages installed again when the pins change.
$(STAMP): pyproject.toml constraints.txt $(VENV)/.interpreter
	# compat: a plain path in a .pth, not an import hook (8 ms off every CLI call)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]' --config-settings editable_mode=compat
	touch $@

# The shim's native output loop (services/runtime/pump/); without it the
# shim's Python loop does the same work, with more memory per container.
$(BIN)/doca-pump: services/runtime/pump/doca-pump.c $(STAMP)
	cc -O2 -Wall -o $@ $<

# The CLI: `doca` hands each call to the stack's fork server, or runs
# doca-py, the Python launcher (python -SI, no site: ~4 ms of every call,
# with this tree on sys.path), when there is none: gateway/cli/launch/.
# Linked statically where libc.a is there: no dynamic loader, ~0.15 ms less a call.
$(BIN)/doca: gateway/cli/launch/doca.c $(STAMP)
	cc -O2 -Wall -static -o $@ $< || cc -O2 -Wall -o $@ $<

$(BIN)/doca-py: gateway/cli/launch/doca_py.py $(STAMP)
	$(BIN)/python gateway/cli/launch/doca_py.py $@

venv: $(STAMP) $(BIN)/doca-pump $(BIN)/doca $(BIN)/doca-py
	@# Byte-compile our code once: the environment may forbid writing .pyc at run time.
	@$(BIN)/python -m compileall -q common services gateway doca >/dev/null
	@ln -sf $(BIN)/doca /usr/local/bin/doca

# docker-compose 1.29.2 in its own environment (its pins clash with ours):
# a real client of the Docker Engine API face, for tests/docker.
COMPOSE_VENV := $(CURDIR)/.venv-compose
$(COMPOSE_VENV)/.installed: tools/compose-v1-constraints.txt $(VENV)/.interpreter
	rm -rf $(COMPOSE_VENV) && $(PYTHON) -m venv $(COMPOSE_VENV)
	$(COMPOSE_VENV)/bin/pip install -q -c tools/compose-v1-constraints.txt PyYAML
	$(COMPOSE_VENV)/bin/pip install -q -c tools/compose-v1-constraints.txt docker-compose==1.29.2
	touch $@

compose-v1: $(COMPOSE_VENV)/.installed

proto: venv
	$(BIN)/python tools/genproto.py

demo: setup
	tools/demo.sh

# Two workers, one test file each at a time (a file's module fixtures stay in
# one process; every test stack has its own root, bridge and subnet): the
# suite fits its time on two cores, since most tests wait on processes.
test: setup compose-v1
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile --durations=20 tests

# The unit tests alone (tests/unit): no root, no stack, seconds.
unit: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not stack" tests

# The Kubernetes CRI conformance suite (critest, ../shared/cri) against a
# private stack of its own: minutes, not part of `make test`.
# CRITEST_ARGS, e.g. CRITEST_ARGS="-ginkgo.focus=Image".
critest: setup
	$(BIN)/python tools/critest.py $(CRITEST_ARGS)

bench: setup
	$(BIN)/python bench/run_bench.py

clean:
	rm -rf $(VENV) $(COMPOSE_VENV)
