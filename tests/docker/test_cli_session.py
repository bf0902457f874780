"""A representative session of the docker CLI on doca's docker.sock, as a
user types it: run, exec -it through a pty, logs -f, cp both ways, build,
push and pull against a local registry, volumes, networks, events, stats,
inspect formats. Each step checks what the user sees."""
import os
import pty
import select
import subprocess
import time

import pytest

from tests.docker.conftest import DOCKER_CLI


def through_pty(env, args, send: bytes, timeout=30) -> bytes:
    """Runs the docker CLI on a pty (as a terminal user does), types `send`,
    returns what the terminal showed."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(DOCKER_CLI, [DOCKER_CLI, *args], env)
    out = b""
    sent = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if not sent and (b"#" in out or time.monotonic() > deadline - timeout + 3):
                os.write(fd, send)
                sent = True
            if r:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
        return out
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)


@pytest.fixture
def session(docker_cli):
    made = {"containers": [], "images": [], "volumes": [], "networks": []}
    yield docker_cli, made
    for c in made["containers"]:
        docker_cli("rm", "-f", c, check=False)
    for i in made["images"]:
        docker_cli("rmi", "-f", i, check=False)
    for v in made["volumes"]:
        docker_cli("volume", "rm", "-f", v, check=False)
    for n in made["networks"]:
        docker_cli("network", "rm", n, check=False)


def test_run_rm_prints_and_exits_with_the_code(docker_cli):
    before = docker_cli("ps", "-aq").stdout  # what other tests of the shared stack hold
    r = docker_cli("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3", check=False)
    assert (r.returncode, r.stdout, r.stderr) == (3, "out\n", "err\n")
    assert docker_cli("ps", "-aq").stdout == before  # removed before docker run returned


def test_a_session_of_containers(session, tmp_path):
    docker, made = session
    cid = docker("run", "-d", "--name", "sess", "-t", "busybox", "sh", "-c",
                 "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done").stdout.strip()
    made["containers"].append("sess")
    assert len(cid) == 64
    assert docker("ps", "--format", "{{.Names}} {{.Image}}").stdout.split("\n")[0] == "sess busybox"
    assert docker("inspect", "-f", "{{.State.Running}} {{.Config.Tty}} {{.Name}}", "sess").stdout == "true true /sess\n"
    # exec -it through a terminal
    seen = through_pty(docker.env, ["exec", "-it", "sess", "sh"], b"echo $((6*7)); exit 5\r")
    assert b"42" in seen
    assert docker("exec", "sess", "sh", "-c", "exit 4", check=False).returncode == 4
    # logs -f follows until the client stops
    p = subprocess.Popen([DOCKER_CLI, "logs", "-f", "sess"], env=docker.env, stdout=subprocess.PIPE)
    try:
        first = p.stdout.readline()
        assert first.startswith(b"tick ")
    finally:
        p.kill()
        p.wait()
    # cp both ways
    (tmp_path / "in.txt").write_text("into the container\n")
    docker("cp", str(tmp_path / "in.txt"), "sess:/tmp/in.txt")
    assert docker("exec", "sess", "cat", "/tmp/in.txt").stdout == "into the container\n"
    docker("cp", "sess:/etc/hostname", str(tmp_path / "hostname"))
    assert (tmp_path / "hostname").read_text().strip() == cid[:12]
    # stats, one shot
    stats = docker("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", "sess").stdout
    assert stats.startswith("sess ") and "iB / " in stats
    docker("stop", "-t", "1", "sess")
    assert docker("inspect", "-f", "{{.State.Status}}", "sess").stdout == "exited\n"


def test_volumes_networks_and_events(session):
    docker, made = session
    since = str(int(time.time()) - 1)
    docker("volume", "create", "sessvol")
    made["volumes"].append("sessvol")
    docker("network", "create", "sessnet")
    made["networks"].append("sessnet")
    docker("run", "-d", "--name", "sess-srv", "--network", "sessnet", "-v", "sessvol:/data", "busybox",
           "sh", "-c", "echo kept > /data/f; httpd -f -p 80 -h /data")
    made["containers"].append("sess-srv")
    out = docker("run", "--rm", "--network", "sessnet", "-v", "sessvol:/v:ro", "busybox", "sh", "-c",
                 "cat /v/f; wget -q -O - http://sess-srv/f").stdout
    assert out == "kept\nkept\n"
    assert "sessvol" in docker("volume", "ls", "-q").stdout.split()
    assert docker("network", "inspect", "-f", "{{.Driver}}", "sessnet").stdout == "bridge\n"
    docker("rm", "-f", "sess-srv")
    until = str(int(time.time()) + 1)
    time.sleep(1.1)
    events = docker("events", "--since", since, "--until", until, "--filter", "type=volume",
                    "--format", "{{.Type}} {{.Action}}").stdout
    assert "volume create" in events


def test_build_push_and_pull(session, registry, tmp_path):
    docker, made = session
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox\nRUN echo built > /built\nCMD [\"cat\", \"/built\"]\n")
    ref = f"{registry.address}/sess/app:1"
    made["images"].append(ref)
    env = dict(docker.env, DOCKER_BUILDKIT="0")
    r = subprocess.run([DOCKER_CLI, "build", "-t", ref, str(ctx)], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Successfully tagged" in r.stdout
    assert docker("run", "--rm", ref).stdout == "built\n"
    docker("push", ref)
    docker("rmi", ref)
    docker("pull", ref)
    assert docker("run", "--rm", ref).stdout == "built\n"
