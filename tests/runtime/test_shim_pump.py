"""The shim's two output loops: the native pump that `make` builds (used by
default) and the Python loop it falls back to (DOCA_SHIM_PUMP=""). Both
must keep the same promises: the container's init stays the shim's child,
stdout and stderr reach the log apart and in order, invalid UTF-8 survives,
rotation keeps the newest lines, stdin reaches the container, the exit code
comes back, and attach sees live output."""
import json
import os
import pathlib
import time

import pytest


@pytest.fixture(params=["native", "python"])
def engine(request, stack, make_stack):
    if request.param == "native":
        return request.param, stack
    return request.param, make_stack("py", daemon_env={"DOCA_SHIM_PUMP": ""}).start()


def _parent_cmdline(stack, cid) -> str:
    pid = json.loads(stack.doca("inspect", cid).stdout)[0]["State"]["Pid"]
    with open(f"/proc/{pid}/stat") as f:
        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
    with open(f"/proc/{ppid}/cmdline", "rb") as f:
        return f.read().replace(b"\0", b" ").decode()


def test_init_is_the_child_of_the_chosen_loop(engine):
    kind, stack = engine
    cid = stack.doca("run", "-d", "busybox", "sleep", "60").stdout.strip()
    try:
        deadline = time.monotonic() + 5
        while True:  # the shim execs the pump right after the container starts
            parent = _parent_cmdline(stack, cid)
            if kind == "python" or "doca-pump" in parent or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if kind == "native":
            assert parent.split()[0].endswith("/doca-pump")
        else:
            assert "services.runtime.shim" in parent and "doca-pump" not in parent
    finally:
        stack.doca("rm", "-f", cid)


def test_streams_order_bytes_and_exit_code(engine):
    _, stack = engine
    script = r"echo out1; echo err1 >&2; printf 'bad\377\376byte\n'; printf 'no newline'; exit 7"
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", script).stdout.strip()
    try:
        assert stack.doca("wait", cid).stdout.strip() == "7"
        r = stack.doca("logs", cid, input=b"")  # bytes in, bytes out
        assert r.stdout in (b"out1\nbad\xff\xfebyte\nno newline", b"out1\nbad\xff\xfebyte\nno newline\n")
        assert r.stderr == b"err1\n"
        path = pathlib.Path(json.loads(stack.doca("inspect", cid).stdout)[0]["LogPath"])
        entries = [json.loads(line) for line in path.read_text().splitlines()]
        # two pipes: the order between them is the reader's, within each it is kept
        assert [e["log"] for e in entries if e["stream"] == "stderr"] == ["err1\n"]
        assert [e["log"] for e in entries if e["stream"] == "stdout"][0] == "out1\n"
        assert all(e["time"].endswith("Z") for e in entries)
    finally:
        stack.doca("rm", "-f", cid)


def test_stdin_and_rotation(engine):
    _, stack = engine
    out = stack.doca("run", "--rm", "-i", "busybox", "sh", "-c", "cat; echo done", input="x" * 100000 + "\n").stdout
    assert out == "x" * 100000 + "\ndone\n"
    cid = stack.doca("run", "-d", "--log-opt", "max-size=16k", "--log-opt", "max-file=3", "busybox", "sh", "-c",
                     "i=0; while [ $i -lt 2000 ]; do echo n-$i; i=$((i+1)); done").stdout.strip()
    try:
        stack.doca("wait", cid)
        path = pathlib.Path(json.loads(stack.doca("inspect", cid).stdout)[0]["LogPath"])
        files = sorted(p.name for p in path.parent.glob(path.name + "*"))
        assert files == ["container.log", "container.log.1", "container.log.2"]
        assert all(os.path.getsize(path.parent / f) <= 16 * 1024 for f in files)
        numbers = [int(line.split("-")[1]) for line in stack.doca("logs", cid).stdout.splitlines()]
        assert numbers == list(range(numbers[0], 2000)) and numbers[0] > 0
    finally:
        stack.doca("rm", "-f", cid)


def test_attach_sees_live_output(engine):
    _, stack = engine
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "sleep 0.5; echo late; sleep 0.3; echo later").stdout.strip()
    try:
        r = stack.doca("attach", cid, check=False, timeout=30)
        assert "late\nlater\n" in r.stdout
        assert r.returncode == 0
    finally:
        stack.doca("rm", "-f", cid)
