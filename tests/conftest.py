"""The whole suite's hooks and fixtures: root required (but for tests/unit),
the `stack` marker, the stacks of a session and their clean-up on an
interrupt, the leak check at the end, and the fixtures of several areas."""
import atexit
import os
import pathlib
import signal
import sys

import pytest

from tests.support import leaks
from tests.support import stack as stacks
from tests.support.build import assert_clean
from tests.support.faulty_registry import FaultyRegistry
from tests.support.registry import Registry
from tests.support.stack import Stack

INTERRUPTS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
UNIT = pathlib.Path(__file__).parent / "unit"


def pytest_configure(config):
    if os.geteuid() != 0 and "not stack" not in (config.option.markexpr or ""):
        raise pytest.UsageError("doca's suite needs root: namespaces, cgroups, mounts (run `make test` as root;"
                                " `pytest -m 'not stack'` runs the unit tests without it)")
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


def pytest_collection_modifyitems(config, items):
    """Everything outside tests/unit needs root and a real kernel, most of it
    a running stack: marked `stack`, so `-m 'not stack'` leaves it out."""
    for item in items:
        if UNIT not in pathlib.Path(item.fspath).parents:
            item.add_marker(pytest.mark.stack)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """The leak check, once every test and fixture is done (session-scoped
    stacks are torn down with the last test): a stack the run started that
    left anything behind fails the run, whatever order the tests ran in."""
    if not stacks.STARTED:
        return
    destroy_started()
    found = leaks.left_behind(stacks.STARTED)
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["stacks of this run left behind:", *(f"  {f}" for f in found)]
        if reporter:
            reporter.write_sep("=", "leak check failed", red=True)
            reporter.write_line("\n".join(lines))
        else:
            print("\n".join(lines), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
    with stacks.temp_stack("doca-test-", "shared") as s:  # destroyed also when it failed to start
        yield s


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


# -- fixtures of more than one area: registries, builds -------------------------

@pytest.fixture
def docker_config(tmp_path, monkeypatch):
    """Credentials go to a temporary DOCKER_CONFIG, never to the real home."""
    path = tmp_path / "docker-config"
    monkeypatch.setenv("DOCKER_CONFIG", str(path))
    return path


@pytest.fixture(scope="module")
def registry():
    r = Registry().start()
    try:
        yield r
    finally:
        r.destroy()


@pytest.fixture(scope="module")
def auth_registry():
    r = Registry(auth=True).start()
    try:
        yield r
    finally:
        r.destroy()


@pytest.fixture
def faulty():
    r = FaultyRegistry().start()
    try:
        yield r
    finally:
        r.stop()


@pytest.fixture
def clean_build(stack):
    """Removes what a test built (its tags, then the build cache)."""
    tags = []
    yield tags
    for t in tags:
        stack.doca("rmi", "-f", t, check=False)
    stack.doca("builder", "prune", "-f")
    stack.doca("image", "prune", "-f")
    assert_clean(stack)
