"""doca stats and doca update, and the usage under cAdvisor's metric names."""
import json
import pathlib
import urllib.request

import pytest


@pytest.fixture
def busy(stack):
    cid = stack.doca("run", "-d", "--name", "busy-stats", "-m", "64m", "--cpus", "0.5", "busybox", "sh", "-c",
                     "head -c 2000000 /dev/zero > /tmp/f; while :; do :; done").stdout.strip()
    yield cid
    stack.doca("rm", "-f", cid)


def _row(out: str, name: str) -> list[str]:
    line = next(line for line in out.splitlines() if f" {name} " in line)
    return [c for c in line.split("   ") if c]


def test_stats_no_stream(stack, busy):
    out = stack.doca("stats", "--no-stream", "busy-stats").stdout
    assert out.splitlines()[0].split()[:3] == ["CONTAINER", "ID", "NAME"]
    row = _row(out, "busy-stats")
    cpu = float(row[2].rstrip("%"))
    assert 25 < cpu < 75  # --cpus 0.5 holds a busy loop near 50 %
    usage, limit = row[3].split(" / ")
    assert limit.strip() == "64MiB"
    assert row[-1].strip() == "1"


def test_update_running_container(stack, busy):
    stack.doca("update", "-m", "128m", "--pids-limit", "50", "--cpu-shares", "512", "busy-stats")
    base = f"/sys/fs/cgroup/{{}}/{stack.cgroup_parent}/{busy}/{{}}"
    assert int(pathlib.Path(base.format("memory", "memory.limit_in_bytes")).read_text()) == 128 << 20
    assert pathlib.Path(base.format("pids", "pids.max")).read_text().strip() == "50"
    assert pathlib.Path(base.format("cpu", "cpu.shares")).read_text().strip() == "512"
    doc = json.loads(stack.doca("inspect", busy).stdout)[0]
    assert doc["HostConfig"]["Memory"] == 128 << 20 and doc["HostConfig"]["CpuShares"] == 512
    r = stack.doca("update", "-m", "1k", "busy-stats", check=False)
    assert r.returncode == 1 and "6MB" in r.stderr


def test_usage_metrics(stack, busy):
    with urllib.request.urlopen(f"http://{stack.metrics_addr}/metrics", timeout=10) as r:
        text = r.read().decode()
    lines = [line for line in text.splitlines() if busy in line]
    names = {line.split("{")[0] for line in lines}
    assert {"container_cpu_usage_seconds_total", "container_memory_usage_bytes",
            "container_spec_memory_limit_bytes"} <= names
    limit = next(line for line in lines if line.startswith("container_spec_memory_limit_bytes"))
    assert float(limit.split()[-1]) == 64 << 20


def test_stats_of_a_stopped_container(stack):
    cid = stack.doca("run", "-d", "busybox", "true").stdout.strip()
    try:
        stack.doca("wait", cid)
        r = stack.doca("stats", "--no-stream", cid, check=False)
        assert r.returncode == 1 and "not running" in r.stderr
    finally:
        stack.doca("rm", cid)


def _busy_streams(stack) -> int:
    """Threads of the runtime now serving a stats or a follow stream, from
    the stack dump SIGUSR1 writes to the daemon's log (common/logsetup.py)."""
    import os
    import signal
    import time
    pid = stack.service_pid("services.runtime")
    size = stack.log_path.stat().st_size
    os.kill(pid, signal.SIGUSR1)
    time.sleep(0.5)
    with open(stack.log_path, "rb") as f:
        f.seek(size)
        dump = f.read().decode(errors="replace")
    return dump.count("in _follow") + dump.count("services/runtime/stats.py")


def test_a_client_that_leaves_a_stream_frees_the_service(stack):
    """`stats --no-stream` and `logs -f` interrupted leave no thread of the
    runtime behind (the gateway cancels its upstream call): seventy of them
    used to take every thread of the runtime's pool, and then it answered
    nothing, not even inspect."""
    import signal
    import subprocess
    import time

    from tests.support.stack import DOCA
    from tests.support.waiting import wait_for

    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "while :; do echo tick; sleep 0.2; done").stdout.strip()
    try:
        for _ in range(4):
            stack.doca("stats", "--no-stream", cid)
        followers = [subprocess.Popen([DOCA, "logs", "-f", cid], env=stack.env(), stdout=subprocess.DEVNULL)
                     for _ in range(4)]
        time.sleep(1)
        assert _busy_streams(stack) >= 4
        for p in followers:
            p.send_signal(signal.SIGINT)
            p.wait(10)
        assert wait_for(lambda: _busy_streams(stack) == 0, 15, 0.5)
    finally:
        stack.doca("rm", "-f", cid)
