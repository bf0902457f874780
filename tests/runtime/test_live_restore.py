"""Live restore: containers keep running while the runtime service, or the
whole stack, is down; when it is back they are all there: logs go on, exit
codes of those that ended meanwhile are recorded, exec, stats and stop work."""
import json
import os
import signal
import subprocess
import time

from tests.support.waiting import wait_for

TICK = "while :; do echo tick; sleep 0.2; done"


def _wait_for(predicate, timeout=30.0):
    return wait_for(predicate, timeout, 0.1)


def _inspect(s, ref):
    return json.loads(s.doca("inspect", ref).stdout)[0]




def _check_restored(s, running, ended, code):
    assert _wait_for(lambda: s.doca("ps", "-q", "--no-trunc", check=False).stdout.split() == [running])
    ticks = s.doca("logs", running).stdout.count("tick")
    assert _wait_for(lambda: s.doca("logs", running).stdout.count("tick") > ticks + 2)  # logs go on
    doc = _inspect(s, ended)
    assert doc["State"]["Status"] == "exited" and doc["State"]["ExitCode"] == code  # ended while we were away
    assert s.doca("exec", running, "echo", "in").stdout == "in\n"
    assert running[:12] in s.doca("stats", "--no-stream", running).stdout
    s.doca("stop", "-t", "1", running)
    assert _inspect(s, running)["State"]["ExitCode"] == 137


def test_runtime_killed_and_restarted(make_stack):
    s = make_stack("lr1").start()
    running = s.doca("run", "-d", "busybox", "sh", "-c", TICK).stdout.strip()
    ended = s.doca("run", "-d", "busybox", "sh", "-c", "sleep 1; exit 7").stdout.strip()
    os.kill(s.service_pid("services.runtime"), signal.SIGKILL)  # the daemon starts it again
    time.sleep(1.5)  # `ended` exits while the runtime may still be down
    _check_restored(s, running, ended, 7)


def test_whole_stack_stopped_and_started(make_stack):
    s = make_stack("lr2").start()
    running = s.doca("run", "-d", "busybox", "sh", "-c", TICK).stdout.strip()
    ended = s.doca("run", "-d", "busybox", "sh", "-c", "sleep 1; exit 9").stdout.strip()
    ip = _inspect(s, running)["NetworkSettings"]["IPAddress"]
    s.proc.send_signal(signal.SIGTERM)  # the stack stops; its containers do not
    s.proc.wait(40)
    assert not s.socket("doca").exists()
    time.sleep(1.5)
    s.start()
    assert _inspect(s, running)["NetworkSettings"]["IPAddress"] == ip
    assert s.doca("exec", running, "ping", "-c1", "-W2", s.gateway_ip).returncode == 0  # the bridge is back too
    _check_restored(s, running, ended, 9)


def test_restart_policy_survives_a_runtime_restart(make_stack):
    s = make_stack("lr3").start()
    cid = s.doca("run", "-d", "--restart", "always", "busybox", "sh", "-c", "sleep 0.3").stdout.strip()
    assert _wait_for(lambda: _inspect(s, cid)["RestartCount"] >= 1)
    os.kill(s.service_pid("services.runtime"), signal.SIGKILL)
    time.sleep(1.0)  # it exits while no runtime watches it
    assert _wait_for(lambda: s.doca("ps", "-q", "--no-trunc", check=False).returncode == 0)
    before = _inspect(s, cid)["RestartCount"]
    assert _wait_for(lambda: _inspect(s, cid)["RestartCount"] >= before + 2)  # the new runtime goes on
    s.doca("stop", "-t", "0", cid)


def test_run_tty_resize(stack):
    from tests.support.ptyrun import PtyProcess
    from tests.support.stack import DOCA
    p = PtyProcess([DOCA, "run", "-it", "--rm", "busybox", "sh"], env=stack.env(), rows=20, cols=70)
    try:
        p.expect(b"# ")
        p.resize(44, 132)
        time.sleep(0.3)
        p.write(b"stty size\r")
        p.expect(b"44 132")
        p.write(b"exit\r")
        assert p.wait() == 0
    finally:
        p.close()
