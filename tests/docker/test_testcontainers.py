"""testcontainers (PyPI) on doca's docker.sock: a container started, a log
line waited for, its published port reached."""
import urllib.request

import pytest
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import LogMessageWaitStrategy


@pytest.fixture
def docker_host(stack, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", stack.docker_host)
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "true")  # no reaper image offline
    monkeypatch.setenv("TC_HOST", "127.0.0.1")
    return stack.docker_host


def test_start_wait_for_a_log_line_and_reach_the_port(docker_host):
    script = "mkdir -p /w && echo from-testcontainers > /w/index.html && echo serving && httpd -f -p 8080 -h /w"
    container = (DockerContainer("busybox:latest").with_command(["sh", "-c", script]).with_exposed_ports(8080)
                 .waiting_for(LogMessageWaitStrategy("serving").with_startup_timeout(30)))
    with container as c:  # started once the log line is there
        port = c.get_exposed_port(8080)
        host = c.get_container_host_ip()
        body = urllib.request.urlopen(f"http://{host}:{port}/index.html", timeout=10).read()
        assert body == b"from-testcontainers\n"
