"""The differential suite's two engines: a private dockerd (Debian's
docker.io) and a private doca stack, both holding busybox:latest (doca's
built-in one, saved and loaded into dockerd), up for the whole session and
torn down at its end, also on a failure or an interrupt."""
import atexit
import subprocess

import pytest

from tests.support import dockerd as dockerds
from tests.support.stack import DOCA, temp_stack
from tests.compat.case import IMAGE


@pytest.fixture(scope="session")
def docker():
    if not dockerds.available():
        pytest.fail(f"{dockerds.DOCKERD} or {dockerds.DOCKER} missing: run tools/setup-host.sh (docker.io)")
    d = dockerds.Dockerd()
    atexit.register(d.stop)  # an interrupt that skips the teardown below
    try:
        d.start()
        yield d
    finally:
        d.stop()


@pytest.fixture(scope="session")
def doca():
    """A stack of its own: `ps`, `volume ls`... list only what the cases made."""
    with temp_stack("doca-compat-", "compat") as s:
        yield s


@pytest.fixture(scope="session")
def engines(docker, doca):
    """(docker runner, doca runner) with the same busybox:latest in both."""
    saved = subprocess.run([DOCA, "save", IMAGE], env=doca.env(), capture_output=True, timeout=60)
    assert saved.returncode == 0, saved.stderr
    loaded = docker.docker("load", input=saved.stdout)
    assert loaded.returncode == 0, loaded.stderr

    def on_docker(*argv, input=None, timeout=60):
        return docker.docker(*argv, input=input, timeout=timeout)

    def on_doca(*argv, input=None, timeout=60):
        return doca.doca(*argv, input=input, timeout=timeout, check=False)
    return on_docker, on_doca

