"""GET /containers/{id}/logs and POST /containers/{id}/attach with the
Docker SDK and the docker CLI (a pty for the interactive ones)."""
import base64
import hashlib
import os
import re
import socket
import struct
import threading
import time

import docker
import pytest

from tests.docker.conftest import DOCKER_CLI
from tests.docker.ptys import dechunk, frames, get, raw, run_in_pty


def running(stack, name: str, *args: str) -> str:
    stack.doca("run", "-d", "--name", name, *args)
    return name


def wait_output(api, name, want: bytes, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if want in api.logs(name):
            return
        time.sleep(0.2)
    raise AssertionError(f"{want!r} never in the logs of {name}: {api.logs(name)!r}")


def test_logs_multiplexed_and_filtered(stack, api, names):
    n = running(stack, names(), "busybox", "sh", "-c", "echo out; echo err >&2; sleep 300")
    wait_output(api, n, b"err")
    assert api.logs(n, stdout=True, stderr=False) == b"out\n"
    assert api.logs(n, stdout=False, stderr=True) == b"err\n"
    # the wire: Docker's 8-byte frame headers, multiplexed-stream from 1.42, raw-stream before
    head, body = raw(stack, get(f"/v1.50/containers/{n}/logs?stdout=1&stderr=1"))
    assert b"Content-Type: application/vnd.docker.multiplexed-stream" in head
    assert sorted(frames(dechunk(body))) == [(1, b"out\n"), (2, b"err\n")]
    head, body = raw(stack, get(f"/v1.41/containers/{n}/logs?stdout=1"))
    assert b"Content-Type: application/vnd.docker.raw-stream" in head
    assert frames(dechunk(body)) == [(1, b"out\n")]


def test_logs_tail_timestamps_since(stack, api, names):
    n = running(stack, names(), "busybox", "sh", "-c", "for i in 1 2 3 4; do echo line$i; done; sleep 300")
    wait_output(api, n, b"line4")
    assert api.logs(n, tail=2) == b"line3\nline4\n"
    assert api.logs(n, tail=0) == b""
    stamped = api.logs(n, tail=1, timestamps=True).decode()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line4\n", stamped), stamped
    assert api.logs(n, since=int(time.time()) + 60) == b""
    assert api.logs(n, until=int(time.time()) - 3600) == b""


def test_logs_follow_streams_new_lines(stack, api, names):
    n = running(stack, names(), "busybox", "sh", "-c", "i=0; while true; do i=$((i+1)); echo tick$i; sleep 0.2; done")
    got = []
    stream = api.logs(n, stream=True, follow=True, tail=1)
    for line in stream:
        got.append(line)
        if len(got) == 3:
            break
    stream.close()
    numbers = [int(re.search(rb"tick(\d+)", line).group(1)) for line in got]
    assert numbers == sorted(numbers) and numbers[-1] > numbers[0]
    assert api.inspect_container(n)["State"]["Running"]  # the client leaving did not touch it


def test_logs_of_a_tty_container_are_raw(stack, api, names):
    n = running(stack, names(), "-t", "busybox", "sh", "-c", "echo tty; sleep 300")
    wait_output(api, n, b"tty")
    head, body = raw(stack, get(f"/v1.50/containers/{n}/logs?stdout=1&stderr=1"))
    assert b"Content-Type: application/vnd.docker.raw-stream" in head
    assert dechunk(body) == b"tty\r\n"


def test_logs_bad_requests(stack, api, names):
    with pytest.raises(docker.errors.NotFound, match="No such container: d2-nothing"):
        api.logs("d2-nothing")
    n = running(stack, names(), "busybox", "sleep", "300")
    head, body = raw(stack, get(f"/containers/{n}/logs"))
    assert head.startswith(b"HTTP/1.1 400 ") and b"you must choose at least one stream" in body
    head, body = raw(stack, get(f"/containers/{n}/logs?stdout=1&since=yesterday"))
    assert head.startswith(b"HTTP/1.1 400 ") and b'invalid value for \\"since\\"' in body
    head, body = raw(stack, get(f"/containers/{n}/logs?stdout=1&tail=x"))
    assert head.startswith(b"HTTP/1.1 200 ")  # all of it, as dockerd 20.10


def test_docker_cli_logs(stack, docker_cli, names):
    n = running(stack, names(), "busybox", "sh", "-c", "echo a; echo b >&2; sleep 300")
    deadline = time.time() + 20
    while time.time() < deadline and "b" not in docker_cli("logs", n).stderr:
        time.sleep(0.2)
    r = docker_cli("logs", n)
    assert (r.stdout, r.stderr) == ("a\n", "b\n")
    # logs -f ends when the container does
    stack.doca("stop", "-t", "1", n)
    r = docker_cli("logs", "-f", n, timeout=30)
    assert r.stdout == "a\n"


def test_docker_run_attaches_before_start(stack, docker_cli, client, names):
    n = names()
    r = docker_cli("run", "--name", n, "busybox", "sh", "-c", "echo out; echo err >&2; exit 3", check=False)
    assert (r.stdout, r.stderr, r.returncode) == ("out\n", "err\n", 3)
    # start -a of a stopped container: attached again before it runs, all its output
    for _ in range(2):
        r = docker_cli("start", "-a", n, check=False)
        assert (r.stdout, r.stderr, r.returncode) == ("out\n", "err\n", 3)


def test_docker_run_stdin_and_rm(stack, docker_cli, client, names):
    n = names()
    r = docker_cli("run", "-i", "--rm", "--name", n, "busybox", "sh", "-c", "cat; echo end", input="piped\n")
    assert r.stdout == "piped\nend\n"
    assert n not in [c.name for c in client.containers.list(all=True)]


def test_attach_socket_stdin_multiplexed(stack, api, names):
    n = running(stack, names(), "-i", "busybox", "cat")
    sock = api.attach_socket(n, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
    try:
        sock._sock.sendall(b"ping\n")
        data = b""
        deadline = time.time() + 20
        sock._sock.settimeout(20)
        while len(data) < 13 and time.time() < deadline:
            data += sock._sock.recv(100)
        assert frames(data) == [(1, b"ping\n")]
    finally:
        sock._sock.close()
    time.sleep(0.5)
    assert api.inspect_container(n)["State"]["Running"]  # no StdinOnce: its stdin stays open


def test_attach_to_a_created_container_then_start(stack, api, names):
    n = names()
    stack.doca("create", "--name", n, "busybox", "sh", "-c", "echo started; echo e >&2")
    got = []
    t = threading.Thread(target=lambda: got.extend(api.attach(n, stream=True, stdout=True, stderr=True)))
    t.start()
    time.sleep(1)
    api.start(n)
    t.join(30)
    assert sorted(got) == [b"e\n", b"started\n"]
    # logs without stream: what it wrote, then the end (raw: the SDK may lose
    # bytes that arrive with the 101's head, dockerd's or this face's)
    head, body = raw(stack, attach_request(n, "logs=1&stdout=1"))
    assert head.startswith(b"HTTP/1.1 101 UPGRADED") and frames(body) == [(1, b"started\n")]
    head, body = raw(stack, attach_request(n, "logs=1&stdout=1&stderr=1"))
    assert sorted(frames(body)) == [(1, b"started\n"), (2, b"e\n")]


def attach_request(name: str, query: str) -> bytes:
    return (f"POST /containers/{name}/attach?{query} HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\n"
            "Upgrade: tcp\r\nContent-Length: 0\r\n\r\n").encode()


def test_attach_refusals(stack, api, names):
    with pytest.raises(docker.errors.NotFound):
        api.attach("d2-nothing", stream=True)
    n = running(stack, names(), "busybox", "sleep", "300")
    stack.doca("pause", n)
    try:
        with pytest.raises(docker.errors.APIError, match="unpause it first") as e:
            api.attach(n, stream=True)
        assert e.value.status_code == 409
    finally:
        stack.doca("unpause", n)


def test_docker_attach_tty_and_detach_keys(stack, docker_cli, names):
    n = running(stack, names(), "-it", "busybox", "sh")
    out, code = run_in_pty([DOCKER_CLI, "attach", n], docker_cli.env,
                           [b"\r", b"stty size; echo $((6*7))\r", b"\x10\x11"])
    assert b"30 100\r\n42\r\n" in out, out
    assert b"read escape sequence" in out and code == 1  # docker's own exit after a detach
    assert stack.doca("inspect", "-f", "{{.State.Running}}", n).stdout.strip() == "true"


def test_docker_run_it_through_a_pty(stack, docker_cli, client, names):
    n = names()
    out, code = run_in_pty([DOCKER_CLI, "run", "-it", "--rm", "--name", n, "busybox", "sh"], docker_cli.env,
                           [b"stty size; tty\r", b"exit 7\r"])
    assert b"30 100\r\n/dev/pts/0\r\n" in out, out
    assert code == 7
    deadline = time.time() + 10
    while time.time() < deadline and n in [c.name for c in client.containers.list(all=True)]:
        time.sleep(0.2)
    assert n not in [c.name for c in client.containers.list(all=True)]


def ws_frames(data: bytes) -> list[tuple[int, bytes]]:
    """Unmasked server frames as (opcode, payload)."""
    out = []
    while len(data) >= 2:
        op, n, at = data[0] & 0x0F, data[1] & 0x7F, 2
        if n == 126:
            n, at = struct.unpack(">H", data[2:4])[0], 4
        elif n == 127:
            n, at = struct.unpack(">Q", data[2:10])[0], 10
        out.append((op, data[at:at + n]))
        data = data[at + n:]
    return out


def ws_client_frame(opcode: int, payload: bytes) -> bytes:
    mask = os.urandom(4)
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload))


def test_attach_over_a_websocket(stack, names):
    n = running(stack, names(), "-i", "busybox", "sh", "-c", "cat; echo bye >&2")
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(str(stack.socket("docker")))
        s.settimeout(20)
        s.sendall((f"GET /v1.41/containers/{n}/attach/ws?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\n"
                   f"Host: d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(4096)
        head, _, data = data.partition(b"\r\n\r\n")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        assert head.startswith(b"HTTP/1.1 101 ") and b"Sec-WebSocket-Accept: " + accept in head
        s.sendall(ws_client_frame(0x1, b"over ws\n"))
        s.sendall(ws_client_frame(0x8, b"\x03\xe8"))  # close: the end of its input (no StdinOnce: stays open)
        while chunk := s.recv(65536):
            data += chunk
    got = ws_frames(data)
    assert (0x2, b"over ws\n") in got  # binary, never multiplexed
    assert any(op == 0x8 for op, _ in got)  # the close answered


def test_attach_ws_needs_a_handshake(stack, names):
    n = running(stack, names(), "busybox", "sleep", "300")
    head, _ = raw(stack, get(f"/containers/{n}/attach/ws?stream=1"))
    assert head.startswith(b"HTTP/1.1 400 ")
