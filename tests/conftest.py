import os
import pathlib
import shutil
import tempfile

import pytest

from tests.stack import Stack


def pytest_configure(config):
    if os.geteuid() != 0:
        raise pytest.UsageError("doca's suite needs root: namespaces, cgroups, mounts (run `make test` as root)")


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
