import atexit
import os
import pathlib
import shutil
import signal
import sys
import tempfile

import pytest

from tests import stack as stacks
from tests.stack import Stack

INTERRUPTS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def pytest_configure(config):
    if os.geteuid() != 0:
        raise pytest.UsageError("doca's suite needs root: namespaces, cgroups, mounts (run `make test` as root)")
    # An interrupted run (SIGTERM from `timeout`, ^C, a closed terminal) ends
    # as ^C does: KeyboardInterrupt, pytest tears the fixtures down (stacks
    # destroyed), then pytest_unconfigure and atexit destroy whatever stack
    # is still up. Signals during that clean-up are ignored: a second ^C must
    # not leave half a stack.
    for sig in INTERRUPTS:
        signal.signal(sig, _interrupted)
    atexit.register(destroy_started)


def _ignore(signum, frame):
    """Not SIG_IGN: the commands the clean-up runs would inherit that."""


def _interrupted(signum, frame):
    for sig in INTERRUPTS:
        signal.signal(sig, _ignore)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def pytest_unconfigure(config):
    destroy_started()


def destroy_started() -> None:
    """Destroys every stack of the session still up or not yet deleted (a
    stack that does not stop cleanly is force-cleaned by destroy())."""
    for sig in INTERRUPTS:
        signal.signal(sig, _ignore)
    for s in stacks.STARTED:
        if s.proc is None and not s.root.exists() and not s.run_dir.exists():
            continue
        try:
            s.destroy()
        except BaseException as e:  # noqa: BLE001 - the others must go too
            print(f"stack {s.root}: {e!r}; force-cleaned", file=sys.stderr)
        if s.leftovers():  # stopped, but not cleanly: its network, a container
            print(f"stack {s.root} left {s.leftovers()}; force-cleaned", file=sys.stderr)
            s.force_clean()


@pytest.fixture(scope="session")
def stack():
    """One stack shared by the tests that do not restart or reconfigure it."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="doca-test-"))
    s = Stack(base, "shared")
    try:
        s.start()
        yield s
    finally:  # also when the stack failed to start: nothing may outlive the session
        s.destroy()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def make_stack(tmp_path):
    """Private stacks for tests that restart services or run two at once."""
    made = []

    def make(name: str = "p", **kw) -> Stack:
        s = Stack(tmp_path, name, **kw)
        made.append(s)
        return s
    yield make
    for s in made:
        s.destroy()
