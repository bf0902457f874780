"""The container lifecycle through the CLI: ps, logs, stop, wait, rm, and
the shim outliving a restart of the runtime service."""
import json
import os
import pathlib
import signal
import subprocess
import time

from tests.support.waiting import wait_for as _wait_for


def _inspect(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]


def test_ps_logs_stop_rm(stack):
    cid = stack.doca("run", "-d", "--name", "lc", "busybox", "sh", "-c",
                     "echo hello; echo oops >&2; exec sleep 60").stdout.strip()
    try:
        ps = stack.doca("ps").stdout
        assert cid[:12] in ps and "lc" in ps and "Up " in ps
        assert _wait_for(lambda: stack.doca("logs", "lc").stdout == "hello\n")
        assert stack.doca("logs", "lc").stderr == "oops\n"
        t = time.monotonic()
        stack.doca("stop", "-t", "1", "lc")  # sleep as PID 1 ignores SIGTERM: killed after 1 s
        assert 0.9 < time.monotonic() - t < 8
        doc = _inspect(stack, "lc")
        assert doc["State"]["Status"] == "exited" and doc["State"]["ExitCode"] == 137
        assert "lc" not in stack.doca("ps").stdout
        assert "Exited (137)" in stack.doca("ps", "-a").stdout
        assert stack.doca("wait", "lc").stdout.strip() == "137"
    finally:
        stack.doca("rm", "-f", "lc")
    assert cid not in stack.doca("ps", "-aq", "--no-trunc").stdout


def test_stop_honours_sigterm(stack):
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.1; done").stdout.strip()
    try:
        time.sleep(0.3)
        stack.doca("stop", cid)
        assert _inspect(stack, cid)["State"]["ExitCode"] == 7
    finally:
        stack.doca("rm", "-f", cid)


def test_kill_with_signal(stack):
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "trap 'exit 9' USR1; while :; do sleep 0.1; done").stdout.strip()
    try:
        time.sleep(0.3)
        stack.doca("kill", "-s", "USR1", cid)
        assert stack.doca("wait", cid).stdout.strip() == "9"
    finally:
        stack.doca("rm", "-f", cid)


def test_logs_follow_until_exit(stack):
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "for i in 1 2 3; do echo $i; sleep 0.2; done").stdout.strip()
    try:
        out = stack.doca("logs", "-f", cid, timeout=20).stdout
        assert out == "1\n2\n3\n"
    finally:
        stack.doca("rm", "-f", cid)


def test_create_then_start(stack):
    cid = stack.doca("create", "--name", "later", "busybox", "echo", "started late").stdout.strip()
    try:
        assert _inspect(stack, cid)["State"]["Status"] == "created"
        stack.doca("start", "later")
        assert stack.doca("wait", "later").stdout.strip() == "0"
        assert stack.doca("logs", "later").stdout == "started late\n"
    finally:
        stack.doca("rm", "-f", "later")


def test_detached_auto_remove(stack):
    cid = stack.doca("run", "-d", "--rm", "busybox", "sleep", "0.3").stdout.strip()
    assert _wait_for(lambda: cid not in stack.doca("ps", "-aq", "--no-trunc").stdout)


def test_veth_removed_and_address_freed(stack):
    cid = stack.doca("run", "-d", "busybox", "sleep", "30").stdout.strip()
    net = _inspect(stack, cid)["NetworkSettings"]
    veth = net["Networks"]["bridge"]["EndpointID"]
    ip = net["IPAddress"]
    assert subprocess.run(["ip", "link", "show", veth], capture_output=True).returncode == 0
    stack.doca("rm", "-f", cid)
    assert subprocess.run(["ip", "link", "show", veth], capture_output=True).returncode != 0
    # The freed address goes to the next container (lowest free first).
    assert stack.run("busybox", "sh", "-c", "ip -4 -o addr show eth0").split()[3].split("/")[0] == ip


def test_network_ls(stack):
    assert stack.doca("network", "ls").stdout.splitlines()[0].split() == ["NETWORK", "ID", "NAME", "DRIVER", "SCOPE"]
    out = stack.doca("network", "ls", "--format", "{{.Name}} {{.Bridge}} {{.Subnet}}").stdout
    assert f"bridge {stack.bridge} {stack.subnet}" in out.splitlines()


def test_shim_outlives_runtime_restart(make_stack):
    s = make_stack("live").start()
    cid = s.doca("run", "-d", "busybox", "sh", "-c", "while :; do echo tick; sleep 0.2; done").stdout.strip()
    runtime = subprocess.run(["pgrep", "-f", f"services.runtime --root {s.root} "], capture_output=True, text=True).stdout.split()
    assert len(runtime) == 1
    os.kill(int(runtime[0]), signal.SIGKILL)
    assert _wait_for(lambda: s.doca("ps", "-q", "--no-trunc", check=False).stdout.strip() == cid, 30)
    ticks = s.doca("logs", cid).stdout.count("tick")
    assert _wait_for(lambda: s.doca("logs", cid).stdout.count("tick") > ticks + 2)  # still logging
    s.doca("stop", "-t", "1", cid)
    assert _inspect(s, cid)["State"]["ExitCode"] == 137


def test_pause_and_unpause(stack):
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "while :; do echo tick; sleep 0.1; done").stdout.strip()
    try:
        stack.doca("pause", cid)
        doc = _inspect(stack, cid)
        assert doc["State"]["Status"] == "paused" and doc["State"]["Paused"] is True
        state = pathlib.Path(f"/sys/fs/cgroup/freezer/{stack.cgroup_parent}/{cid}/freezer.state")
        assert state.read_text().strip() == "FROZEN"
        n = stack.doca("logs", cid).stdout.count("tick")
        time.sleep(0.5)
        assert stack.doca("logs", cid).stdout.count("tick") == n  # nothing runs while frozen
        assert "(Paused)" in stack.doca("ps").stdout
        r = stack.doca("pause", cid, check=False)
        assert r.returncode == 1 and "already paused" in r.stderr
        stack.doca("unpause", cid)
        assert _wait_for(lambda: stack.doca("logs", cid).stdout.count("tick") > n)
        assert _inspect(stack, cid)["State"]["Status"] == "running"
        stack.doca("pause", cid)
    finally:
        stack.doca("rm", "-f", cid)  # a paused container is removed too


def test_start_an_exited_container_keeps_its_network(stack):
    cmd = "ip -4 -o addr show eth0 | cut -d' ' -f7; echo run >> /tmp/runs; wc -l < /tmp/runs"
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", cmd).stdout.strip()
    try:
        assert stack.doca("wait", cid).stdout.strip() == "0"
        stack.doca("start", cid)
        assert stack.doca("wait", cid).stdout.strip() == "0"
        addr1, runs1, addr2, runs2 = stack.doca("logs", cid).stdout.split()
        assert addr1 == addr2 and addr1.startswith(stack.subnet.rsplit(".", 1)[0])  # the same endpoint
        assert (runs1, runs2) == ("1", "2")  # the same read-write layer
    finally:
        stack.doca("rm", "-f", cid)


def test_restart_verb(stack):
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "echo run; exec sleep 60").stdout.strip()
    try:
        assert _wait_for(lambda: stack.doca("logs", cid).stdout == "run\n")
        stack.doca("restart", "-t", "0", cid)
        assert _wait_for(lambda: stack.doca("logs", cid).stdout == "run\nrun\n")
        assert _inspect(stack, cid)["State"]["Running"] is True
    finally:
        stack.doca("rm", "-f", cid)


def test_restart_policy_on_failure_with_maximum(stack):
    cid = stack.doca("run", "-d", "--restart", "on-failure:2", "busybox", "sh", "-c", "echo try; exit 3").stdout.strip()
    try:
        assert _wait_for(lambda: _inspect(stack, cid)["RestartCount"] == 2 and
                         _inspect(stack, cid)["State"]["Status"] == "exited", 20)
        time.sleep(0.5)
        doc = _inspect(stack, cid)
        assert doc["RestartCount"] == 2 and doc["State"]["ExitCode"] == 3
        assert stack.doca("logs", cid).stdout == "try\ntry\ntry\n"
        assert doc["HostConfig"]["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    finally:
        stack.doca("rm", "-f", cid)


def test_restart_policy_always_and_stop(stack):
    cid = stack.doca("run", "-d", "--restart", "always", "busybox", "sh", "-c", "sleep 0.2; exit 0").stdout.strip()
    try:
        assert _wait_for(lambda: _inspect(stack, cid)["RestartCount"] >= 2, 20)
        stack.doca("stop", "-t", "0", cid)
        count = _inspect(stack, cid)["RestartCount"]
        time.sleep(1.0)
        doc = _inspect(stack, cid)
        assert doc["State"]["Status"] == "exited" and doc["RestartCount"] == count  # a stop is final
    finally:
        stack.doca("rm", "-f", cid)


def test_restart_policy_bad_input(stack):
    r = stack.doca("run", "-d", "--restart", "sometimes", "busybox", "true", check=False)
    assert r.returncode == 125 and "restart policy" in r.stderr
    r = stack.doca("run", "--rm", "--restart", "always", "busybox", "true", check=False)
    assert r.returncode == 125 and "--rm" in r.stderr
    r = stack.doca("run", "-d", "--stop-signal", "SIGNOPE", "busybox", "true", check=False)
    assert r.returncode == 125 and "invalid signal" in r.stderr


def test_stop_signal_and_timeout_flags(stack):
    cid = stack.doca("run", "-d", "--stop-signal", "USR1", "--stop-timeout", "1", "busybox", "sh", "-c",
                     "trap 'exit 11' USR1; while :; do sleep 0.1; done").stdout.strip()
    try:
        time.sleep(0.3)
        stack.doca("stop", cid)
        doc = _inspect(stack, cid)
        assert doc["State"]["ExitCode"] == 11
        assert doc["Config"]["StopSignal"] == "USR1" and doc["Config"]["StopTimeout"] == 1
    finally:
        stack.doca("rm", "-f", cid)


def test_init_reaps_orphans_and_forwards_signals(stack):
    cmd = "(sleep 0.1 &); exec sleep 60"  # the background sleep becomes an orphan of PID 1
    with_init = stack.doca("run", "-d", "--init", "busybox", "sh", "-c", cmd).stdout.strip()
    without = stack.doca("run", "-d", "busybox", "sh", "-c", cmd).stdout.strip()
    try:
        time.sleep(0.6)
        ps = stack.doca("exec", with_init, "ps", "-o", "pid,stat,comm").stdout
        assert any(line.split()[0] == "1" and line.split()[-1] == "docker-init" for line in ps.splitlines()[1:]), ps
        assert " Z " not in ps  # tini reaped the orphan
        assert " Z " in stack.doca("exec", without, "ps", "-o", "pid,stat,comm").stdout  # sleep as PID 1 did not
        t = time.monotonic()
        stack.doca("stop", with_init)  # tini forwards SIGTERM: sleep dies at once, no 10 s wait
        assert time.monotonic() - t < 5
        doc = _inspect(stack, with_init)
        assert doc["HostConfig"]["Init"] is True and doc["Path"] == "sh"
    finally:
        stack.doca("rm", "-f", with_init, without)
