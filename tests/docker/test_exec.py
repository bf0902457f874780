"""Exec: POST /containers/{id}/exec, /exec/{id}/start, /exec/{id}/resize,
GET /exec/{id}/json with the Docker SDK and the docker CLI (exec -it on a pty)."""
import time
import uuid

import docker
import pytest

from tests.docker.conftest import DOCKER_CLI
from tests.docker.ptys import frames, run_in_pty


def read_all(sock, timeout=30) -> bytes:
    sock.settimeout(timeout)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_exec_run_output_and_exit_code(client, box):
    c = client.containers.get(box)
    assert c.exec_run("sh -c 'echo a; echo b >&2; exit 3'") == (3, b"a\nb\n")
    assert c.exec_run("sh -c 'echo a; echo b >&2'", demux=True) == (0, (b"a\n", b"b\n"))
    assert c.exec_run("sh -c 'echo a; echo b >&2'", stderr=False) == (0, b"a\n")
    assert c.exec_run("sh -c 'tty; echo x'", tty=True) == (0, b"/dev/pts/0\r\nx\r\n")
    assert c.exec_run("sh -c 'pwd; id -u; echo $A'", workdir="/tmp", user="1", environment={"A": "v"}) == \
        (0, b"/tmp\n1\nv\n")


def test_exec_inspect_follows_the_process(api, box):
    cid = api.inspect_container(box)["Id"]
    e = api.exec_create(box, "sh -c 'exit 5'", user="0")["Id"]
    doc = api.exec_inspect(e)
    assert doc["ID"] == e and doc["ContainerID"] == cid
    assert (doc["Running"], doc["ExitCode"]) == (False, None)
    assert doc["ProcessConfig"] == {"tty": False, "entrypoint": "sh", "arguments": ["-c", "exit 5"],
                                    "privileged": False, "user": "0"}
    assert (doc["OpenStdin"], doc["OpenStdout"], doc["OpenStderr"]) == (False, True, True)
    assert api.exec_start(e) == b""
    assert api.exec_inspect(e)["ExitCode"] == 5
    with pytest.raises(docker.errors.APIError, match="has already run") as err:
        api.exec_start(e)
    assert err.value.status_code == 409


def test_exec_stdin_until_its_end(api, box):
    e = api.exec_create(box, "sh -c 'cat; echo done'", stdin=True)["Id"]
    sock = api.exec_start(e, socket=True)._sock
    try:
        sock.sendall(b"hello\n")
        sock.shutdown(1)  # the client's end of input closes the process's stdin
        got = frames(read_all(sock))
        assert {kind for kind, _ in got} == {1} and b"".join(data for _, data in got) == b"hello\ndone\n"
    finally:
        sock.close()
    assert api.exec_inspect(e)["ExitCode"] == 0


def test_exec_resize_reaches_the_tty(api, box):
    e = api.exec_create(box, "sh -c 'sleep 2; stty size'", tty=True)["Id"]
    sock = api.exec_start(e, socket=True, tty=True)._sock
    try:
        time.sleep(0.5)
        api.exec_resize(e, height=20, width=50)
        assert read_all(sock) == b"20 50\r\n"
    finally:
        sock.close()


def test_detached_exec(api, box):
    e = api.exec_create(box, "sh -c 'sleep 1; touch /tmp/detached'")["Id"]
    assert api.exec_start(e, detach=True) == ""  # an empty answer (the SDK's text)
    assert api.exec_inspect(e)["Running"] is True
    deadline = time.time() + 20
    while time.time() < deadline:
        if client_run(api, box, "test -e /tmp/detached") == 0:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the detached exec never ran")


def client_run(api, box, cmd) -> int:
    e = api.exec_create(box, cmd)["Id"]
    api.exec_start(e)
    return api.exec_inspect(e)["ExitCode"]


def test_exec_of_a_missing_program(api, box):
    e = api.exec_create(box, "nonexist")["Id"]
    with pytest.raises(docker.errors.APIError, match='exec: "nonexist": executable file not found') as err:
        api.exec_start(e, detach=True)
    assert err.value.status_code == 400
    e = api.exec_create(box, "nonexist")["Id"]
    assert b"executable file not found" in api.exec_start(e)
    assert api.exec_inspect(e)["ExitCode"] == 126


def test_exec_refusals(stack, api, box):
    with pytest.raises(docker.errors.NotFound, match="No such exec instance: nope"):
        api.exec_inspect("nope")
    with pytest.raises(docker.errors.NotFound, match="No such container: d2-nothing"):
        api.exec_create("d2-nothing", "true")
    with pytest.raises(docker.errors.APIError, match="No exec command specified") as err:
        api.exec_create(box, [])
    assert err.value.status_code == 400
    stopped = f"d2-exec-{uuid.uuid4().hex[:8]}"
    stack.doca("create", "--name", stopped, "busybox", "true")
    try:
        with pytest.raises(docker.errors.APIError, match="is not running") as err:
            api.exec_create(stopped, "true")
        assert err.value.status_code == 409
    finally:
        stack.doca("rm", "-f", stopped)
    stack.doca("pause", box)
    try:
        with pytest.raises(docker.errors.APIError, match="is paused, unpause the container before exec") as err:
            api.exec_create(box, "true")
        assert err.value.status_code == 409
    finally:
        stack.doca("unpause", box)


def test_docker_cli_exec(docker_cli, box):
    r = docker_cli("exec", box, "sh", "-c", "echo hi; exit 4", check=False)
    assert (r.stdout, r.returncode) == ("hi\n", 4)
    assert docker_cli("exec", "-i", box, "cat", input="piped\n").stdout == "piped\n"
    r = docker_cli("exec", box, "nonexist", check=False)
    assert r.returncode == 126 and "executable file not found" in r.stdout  # dockerd's too: in the stream
    docker_cli("exec", "-d", box, "touch", "/tmp/by-cli")
    time.sleep(0.5)
    docker_cli("exec", box, "test", "-e", "/tmp/by-cli")


def test_docker_exec_it_through_a_pty(docker_cli, box):
    out, code = run_in_pty([DOCKER_CLI, "exec", "-it", box, "sh"], docker_cli.env,
                           [b"stty size; tty\r", b"exit 7\r"])
    assert b"30 100\r\n/dev/pts/0\r\n" in out, out
    assert code == 7


def test_a_client_leaving_leaves_the_process_running(api, box):
    e = api.exec_create(box, "sh -c 'sleep 1; touch /tmp/after-leaving; exit 9'")["Id"]
    api.exec_start(e, socket=True)._sock.close()
    deadline = time.time() + 20
    while time.time() < deadline and api.exec_inspect(e)["Running"]:
        time.sleep(0.2)
    assert api.exec_inspect(e)["ExitCode"] == 9  # as dockerd: it ran to its end
    assert client_run(api, box, "test -e /tmp/after-leaving") == 0


def test_exec_pid_and_a_detached_exec_ending(api, box):
    e = api.exec_create(box, "sh -c 'echo $$; exec sleep 1'")["Id"]
    out = api.exec_start(e)
    doc = api.exec_inspect(e)
    assert doc["Pid"] > 1 and doc["ExitCode"] == 0 and out.strip().isdigit()
    e = api.exec_create(box, "sleep 1")["Id"]
    api.exec_start(e, detach=True)
    doc = api.exec_inspect(e)
    assert doc["Running"] is True and doc["Pid"] > 1
    deadline = time.time() + 20
    while time.time() < deadline and api.exec_inspect(e)["Running"]:
        time.sleep(0.2)
    assert api.exec_inspect(e)["Running"] is False


def test_a_stopped_containers_execs_are_gone(stack, api):
    name = f"d2-exec-{uuid.uuid4().hex[:8]}"
    stack.doca("run", "-d", "--name", name, "busybox", "sleep", "3600")
    try:
        e = api.exec_create(name, "true")["Id"]
        stack.doca("stop", "-t", "0", name)
        with pytest.raises(docker.errors.NotFound, match=f"No such exec instance: {e}"):
            api.exec_start(e)  # as dockerd: a container's execs go when it stops
        stack.doca("start", name)
        with pytest.raises(docker.errors.NotFound):
            api.exec_inspect(e)
    finally:
        stack.doca("rm", "-f", name)
