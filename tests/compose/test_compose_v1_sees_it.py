"""Docker Compose and doca see the same project: docker-compose 1.29.2
(through doca's Docker Engine API face) lists what `doca compose up` made,
and `doca compose down` removes what docker-compose made; both go by the
com.docker.compose.* labels."""
import pathlib
import subprocess

import pytest

V1 = pathlib.Path(__file__).resolve().parents[2] / ".venv-compose" / "bin" / "docker-compose"


def test_docker_compose_and_doca_share_a_project(stack, compose):
    if not V1.exists():
        pytest.skip("docker-compose 1.29.2 comes with `make compose-v1`")
    (compose.folder / "compose.yaml").write_text("services:\n  a:\n    image: busybox\n    init: true\n"
                                                 "    command: sleep 300\n")

    def v1(*args):
        r = subprocess.run([str(V1), *args], cwd=compose.folder, capture_output=True, text=True, timeout=120,
                           env={**stack.env(), "DOCKER_HOST": stack.docker_host}, stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
        return r.stdout

    try:
        compose("up", "-d")
        assert v1("ps", "-q").split() == stack.doca("ps", "-q", "--no-trunc", "--filter", "name=app-a-1").stdout.split()
        v1("down", "-t", "0")
        assert stack.doca("ps", "-aq", "--filter", "label=com.docker.compose.project=app").stdout == ""
        v1("up", "-d")
        rows = compose("ps").stdout.splitlines()[1:]
        assert [r.split()[0] for r in rows] == ["app_a_1"] and " a " in rows[0]
        compose("down", "-t", "0")
    finally:
        compose("down", "-t", "0", check=False)
    assert stack.doca("ps", "-aq", "--filter", "label=com.docker.compose.project=app").stdout == ""
    assert "app_default" not in stack.doca("network", "ls").stdout
