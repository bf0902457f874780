"""Fixtures of the Docker Engine API tests: real clients (the Docker SDK for
Python, the docker CLI) on the shared stack's docker.sock."""
import os
import shutil
import subprocess
import uuid

import docker
import pytest

# docker 28's client where the machine has it, else Debian's docker.io (20.10).
DOCKER_CLI = next((p for p in ("/usr/local/bin/docker", "/usr/bin/docker") if os.path.exists(p)), None) \
    or shutil.which("docker")


@pytest.fixture(scope="session")
def client(stack):
    """The Docker SDK, negotiating its API version through /_ping."""
    c = docker.DockerClient(base_url=stack.docker_host, version="auto", timeout=120)
    yield c
    c.close()


@pytest.fixture(scope="session")
def api(client):
    """The SDK's low-level client (one call per endpoint)."""
    return client.api


@pytest.fixture
def docker_cli(stack, tmp_path):
    """Runs the docker CLI against the stack: docker_cli("ps", "-a")."""
    assert DOCKER_CLI, "no docker client on this machine (tools/setup-host.sh installs docker.io)"
    env = dict(os.environ, DOCKER_HOST=stack.docker_host, DOCKER_CONFIG=str(tmp_path / "docker-config"))
    env.pop("DOCKER_CONTEXT", None)

    def run(*args, check=True, input=None, timeout=120):
        r = subprocess.run([DOCKER_CLI, *args], env=env, capture_output=True, timeout=timeout,
                           input=input, text=isinstance(input, str) or input is None)
        if check and r.returncode != 0:
            raise AssertionError(f"docker {' '.join(args)} exited {r.returncode}\nstdout: {r.stdout}\n"
                                 f"stderr: {r.stderr}")
        return r
    run.env = env
    return run


@pytest.fixture
def made(api):
    """Unique container names for a test: made("prefix") gives one; whatever
    holds them is removed (with its anonymous volumes) after the test."""
    names = []

    def name(prefix: str = "dk") -> str:
        names.append(f"{prefix}-{uuid.uuid4().hex[:8]}")
        return names[-1]
    yield name
    for n in names:
        try:
            api.remove_container(n, force=True, v=True)
        except docker.errors.NotFound:
            pass


@pytest.fixture
def names(made):
    """The same, under the name the streams' tests use."""
    return made


@pytest.fixture(scope="module")
def box(stack):
    """A running container shared by the tests of a module."""
    name = f"d2-box-{uuid.uuid4().hex[:8]}"
    stack.doca("run", "-d", "--name", name, "busybox", "sleep", "3600")
    yield name
    stack.doca("rm", "-f", name, check=False)


@pytest.fixture
def tags(stack):
    """Tags a test makes, removed after it (then the dangling images they leave)."""
    made = []
    yield made
    for t in made:
        stack.doca("rmi", "-f", t, check=False)
    stack.doca("image", "prune", "-f", check=False)

