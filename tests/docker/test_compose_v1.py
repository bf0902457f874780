"""docker-compose 1.29.2 (the Python one: it speaks the Docker Engine API
through docker-py) brings up a two-service application on doca's docker.sock:
a build, a user network where the services reach each other by name, a named
volume, a published port, depends_on, logs, ps, down -v."""
import os
import pathlib
import subprocess
import urllib.request

import pytest

from tests.support.stack import free_port
from tests.support.waiting import wait_for

COMPOSE = pathlib.Path(__file__).resolve().parents[2] / ".venv-compose" / "bin" / "docker-compose"

APP = """\
version: "3.8"
services:
  web:
    build: ./web
    volumes:
      - site:/www
    ports:
      - "127.0.0.1:{port}:80"
    networks: [back]
  probe:
    image: busybox:latest
    depends_on: [web]
    networks: [back]
    command: ["sh", "-c", "until wget -q -O - http://web/index.html; do sleep 0.2; done; echo probe-done; sleep 600"]
volumes:
  site: {{}}
networks:
  back: {{}}
"""

DOCKERFILE = """\
FROM busybox:latest
RUN mkdir -p /www && echo hello-from-web > /www/index.html
CMD ["httpd", "-f", "-p", "80", "-h", "/www"]
"""


@pytest.fixture
def compose(stack, tmp_path):
    assert COMPOSE.exists(), "docker-compose 1.29.2 is installed by `make compose-v1` (make test does it)"
    app = tmp_path / "app"
    (app / "web").mkdir(parents=True)
    port = free_port()
    (app / "docker-compose.yml").write_text(APP.format(port=port))
    (app / "web" / "Dockerfile").write_text(DOCKERFILE)
    env = dict(os.environ, DOCKER_HOST=stack.docker_host, COMPOSE_PROJECT_NAME="dcv1",
               DOCKER_CONFIG=str(tmp_path / "docker-config"))

    def run(*args, check=True, timeout=180):
        r = subprocess.run([str(COMPOSE), "--no-ansi", *args], cwd=app, env=env, capture_output=True,
                           text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"docker-compose {' '.join(args)} exited {r.returncode}\n"
                                 f"stdout: {r.stdout}\nstderr: {r.stderr}")
        return r
    run.port = port
    try:
        yield run
    finally:
        run("down", "-v", "--rmi", "local", check=False)


def test_two_services_up_reach_each_other_and_go_down(compose, stack):
    compose("up", "-d", "--build")
    # The published port, from the host.
    def served():
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{compose.port}/index.html", timeout=2).read()
        except OSError:
            return None
    assert wait_for(served, timeout=30) == b"hello-from-web\n"
    # The probe reached web by its service name on the user network.
    assert wait_for(lambda: "probe-done" in compose("logs", "probe").stdout, timeout=30)
    ps = compose("ps").stdout
    assert "dcv1_web_1" in ps and "dcv1_probe_1" in ps and "Up" in ps
    # doca sees the same project: containers, network, volume, with compose's labels.
    names = stack.doca("ps", "--filter", "label=com.docker.compose.project=dcv1",
                       "--format", "{{.Names}}").stdout.split()
    assert sorted(names) == ["dcv1_probe_1", "dcv1_web_1"]
    assert "dcv1_back" in stack.doca("network", "ls", "--format", "{{.Name}}").stdout.split()
    assert "dcv1_site" in stack.doca("volume", "ls", "--format", "{{.Name}}").stdout.split()

    compose("down", "-v")
    assert stack.doca("ps", "-aq", "--filter", "label=com.docker.compose.project=dcv1").stdout == ""
    assert "dcv1_back" not in stack.doca("network", "ls", "--format", "{{.Name}}").stdout.split()
    assert "dcv1_site" not in stack.doca("volume", "ls", "--format", "{{.Name}}").stdout.split()
