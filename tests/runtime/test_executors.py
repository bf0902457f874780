"""Every verb behaves the same whichever executor runs the container
(--runtime doca|runc|crun: the `runtime` fixture of conftest.py). The
executors differ only in how the init is created, started and deleted
(services/runtime/executors/); everything after is the runtime's own, and
these tests hold it so: run (a terminal too), --init, cp, diff, exec, stop,
kill, start again, pause, restart policies, rm -f, stats, top, update, OOM,
live restore.
(Health checks, attach, user namespaces: their own files, over `runtime` too.)"""
import json
import os
import signal
import time

import pytest

from tests.support.waiting import wait_for

TRAP = "trap 'exit 4' TERM; while :; do sleep 0.1; done"
TICK = "while :; do echo t; sleep 0.05; done"


def _inspect(s, ref):
    return json.loads(s.doca("inspect", ref).stdout)[0]


def _state(s, ref):
    return _inspect(s, ref)["State"]


def _gone(stack, cid) -> bool:
    """Nothing of the container left: its files, its cgroups."""
    return (not (stack.root / "runtime" / "containers" / cid).exists()
            and not [d for d in stack.cgroup_dirs() if cid in str(d)])


@pytest.fixture
def detached(stack):
    """`run -d --runtime RUNTIME ARGS`; the containers go at the end."""
    made = []

    def run(runtime, *args):
        cid = stack.doca("run", "-d", "--runtime", runtime, *args).stdout.strip()
        made.append(cid)
        return cid
    yield run
    if made:
        stack.doca("rm", "-f", *made, check=False)


def test_run(stack, runtime):
    r = stack.doca("run", "--rm", "--runtime", runtime, "busybox", "sh", "-c", "echo out; echo err >&2; exit 3",
                   check=False)
    assert (r.returncode, r.stdout, r.stderr) == (3, "out\n", "err\n")
    assert stack.doca("run", "--rm", "-i", "--runtime", runtime, "busybox", "cat", input="in\n").stdout == "in\n"
    assert stack.doca("run", "--rm", "-t", "--runtime", runtime, "busybox", "tty").stdout.startswith("/dev/pts/")


def test_init_cp_diff(stack, detached, runtime, tmp_path):
    """--init (tini as PID 1), docker cp both ways, diff: in the container's
    mount namespace whichever executor made it."""
    pid1 = stack.run("--init", "--runtime", runtime, "busybox", "cat", "/proc/1/cmdline")
    assert pid1.startswith("/sbin/docker-init\0")
    cid = detached(runtime, "busybox", "sh", "-c", "echo made > /tmp/made; sleep 60")
    assert wait_for(lambda: stack.doca("exec", cid, "test", "-e", "/tmp/made", check=False).returncode == 0)
    stack.doca("cp", f"{cid}:/tmp/made", str(tmp_path / "out"))
    assert (tmp_path / "out").read_text() == "made\n"
    (tmp_path / "in").write_text("given\n")
    stack.doca("cp", str(tmp_path / "in"), f"{cid}:/root/in")
    assert stack.doca("exec", cid, "cat", "/root/in").stdout == "given\n"
    assert {"A /tmp/made", "A /root/in"} <= set(stack.doca("diff", cid).stdout.splitlines())


def test_exec(stack, detached, runtime):
    cid = detached(runtime, "busybox", "sleep", "60")
    r = stack.doca("exec", cid, "sh", "-c", "echo $HOSTNAME; exit 5", check=False)
    assert (r.returncode, r.stdout) == (5, f"{cid[:12]}\n")
    assert stack.doca("exec", "-u", "nobody", cid, "id", "-u").stdout == "65534\n"
    assert stack.doca("exec", "-i", cid, "cat", input="x\n").stdout == "x\n"
    assert stack.doca("exec", "-t", cid, "tty").stdout.startswith("/dev/pts/")


def test_stop_kill_start(stack, detached, runtime):
    cid = detached(runtime, "busybox", "sh", "-c", TRAP)
    stack.doca("stop", cid)
    doc = _inspect(stack, cid)
    assert doc["State"]["ExitCode"] == 4 and doc["HostConfig"]["Runtime"] == runtime
    stack.doca("start", cid)  # a second run: the executor creates the init again
    assert _state(stack, cid)["Running"]
    assert stack.doca("exec", cid, "hostname").stdout.strip() == cid[:12]
    stack.doca("kill", "-s", "TERM", cid)
    assert wait_for(lambda: not _state(stack, cid)["Running"])
    assert _state(stack, cid)["ExitCode"] == 4
    stack.doca("start", cid)
    stack.doca("kill", cid)
    assert wait_for(lambda: not _state(stack, cid)["Running"])
    assert _state(stack, cid)["ExitCode"] == 137


def test_pause(stack, detached, runtime):
    cid = detached(runtime, "busybox", "sh", "-c", TICK)
    stack.doca("pause", cid)
    assert _state(stack, cid)["Status"] == "paused"
    ticks = stack.doca("logs", cid).stdout.count("t")
    time.sleep(0.5)
    assert stack.doca("logs", cid).stdout.count("t") == ticks  # frozen
    assert stack.doca("exec", cid, "true", check=False).returncode != 0
    stack.doca("unpause", cid)
    assert wait_for(lambda: stack.doca("logs", cid).stdout.count("t") > ticks + 2)
    stack.doca("pause", cid)
    stack.doca("stop", "-t", "1", cid)  # a paused container stops
    assert _state(stack, cid)["Status"] == "exited"


def test_restart_policies(stack, detached, runtime):
    cid = detached(runtime, "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 3")
    assert wait_for(lambda: _inspect(stack, cid)["RestartCount"] == 2 and _state(stack, cid)["Status"] == "exited")
    assert _state(stack, cid)["ExitCode"] == 3
    cid = detached(runtime, "--restart", "always", "busybox", "sleep", "60")
    pid = _state(stack, cid)["Pid"]
    os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: _state(stack, cid)["Running"] and _state(stack, cid)["Pid"] != pid)
    stack.doca("restart", "-t", "1", cid)
    assert _state(stack, cid)["Running"]


def test_rm_force(stack, runtime):
    for args in ((), ("pause",), None):  # running, paused, created (never started)
        if args is None:
            cid = stack.doca("create", "--runtime", runtime, "busybox", "sleep", "60").stdout.strip()
        else:
            cid = stack.doca("run", "-d", "--runtime", runtime, "busybox", "sleep", "60").stdout.strip()
            if args:
                stack.doca(*args, cid)
        pid = _state(stack, cid)["Pid"]
        stack.doca("rm", "-f", cid)
        assert not os.path.exists(f"/proc/{pid}") and _gone(stack, cid), args


def test_stats_top_update(stack, detached, runtime):
    cid = detached(runtime, "-m", "32m", "busybox", "sleep", "60")
    row = next(line for line in stack.doca("stats", "--no-stream", cid).stdout.splitlines()
               if line.startswith(cid[:12]))
    cols = [c.strip() for c in row.split("   ") if c.strip()]
    assert cols[3].split(" / ")[1] == "32MiB" and cols[-1] == "1", cols  # memory limit, pids
    assert "sleep 60" in stack.doca("top", cid).stdout
    stack.doca("update", "-m", "64m", cid)
    limit = ("exec", cid, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
    assert stack.doca(*limit).stdout == f"{64 << 20}\n"
    stack.doca("restart", "-t", "0", cid)
    assert stack.doca(*limit).stdout == f"{64 << 20}\n"  # and for the next runs


def test_oom_every_run(stack, detached, runtime):
    """runc and crun make the cgroup afresh at each create (the OOM count
    starts at 0 again): a second run's OOM was once reported as not one."""
    cid = detached(runtime, "-m", "32m", "busybox", "dd", "if=/dev/zero", "of=/dev/null", "bs=200M", "count=1")
    for run in (1, 2):
        if run == 2:
            stack.doca("start", cid)
        assert wait_for(lambda: not _state(stack, cid)["Running"])
        st = _state(stack, cid)
        assert st["OOMKilled"] and st["ExitCode"] == 137, (run, st)


def test_live_restore(make_stack, runtime):
    """The runtime service killed and started again: running and paused
    containers are found as they were; health checks, exec, a restart
    policy and removal go on."""
    s = make_stack("ex").start()
    cid = s.doca("run", "-d", "--runtime", runtime, "--restart", "always", "--health-cmd", "true",
                 "--health-interval", "200ms", "busybox", "sh", "-c", TICK).stdout.strip()
    paused = s.doca("run", "-d", "--runtime", runtime, "busybox", "sleep", "60").stdout.strip()
    s.doca("pause", paused)
    os.kill(s.service_pid("services.runtime"), signal.SIGKILL)  # the daemon starts it again
    time.sleep(1)
    assert wait_for(lambda: s.doca("ps", "-q", check=False).returncode == 0, 30)
    assert _state(s, cid)["Running"] and _state(s, paused)["Status"] == "paused"
    assert wait_for(lambda: (_state(s, cid).get("Health") or {}).get("Status") == "healthy")
    assert s.doca("exec", cid, "echo", "in").stdout == "in\n"
    s.doca("unpause", paused)
    pid = _state(s, cid)["Pid"]
    os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: _state(s, cid)["Running"] and _state(s, cid)["Pid"] != pid)
    s.doca("rm", "-f", cid, paused)
    assert _gone(s, cid) and _gone(s, paused)
