"""`doca daemon`: restarts a service that dies; two stacks side by side;
SIGTERM stops every process."""
import os
import signal
import subprocess
import time




def test_restarts_a_dead_service(make_stack):
    s = make_stack("restart").start()
    old = s.service_pid("services.volumes")
    os.kill(old, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        r = s.doca("volume", "ls", check=False)
        if r.returncode == 0:
            try:
                if s.service_pid("services.volumes") != old:
                    break
            except AssertionError:
                pass
        time.sleep(0.1)
    assert s.service_pid("services.volumes") != old
    assert "restarting" in s.log_text()


def test_two_stacks_side_by_side(make_stack):
    a = make_stack("a").start()
    b = make_stack("b").start()
    ca = a.doca("run", "-d", "--name", "same", "busybox", "sleep", "30").stdout.strip()
    cb = b.doca("run", "-d", "--name", "same", "busybox", "sleep", "30").stdout.strip()
    assert a.doca("ps", "-q", "--no-trunc").stdout.split() == [ca]
    assert b.doca("ps", "-q", "--no-trunc").stdout.split() == [cb]
    assert a.bridge != b.bridge
    ip_a = a.doca("inspect", "same").stdout
    assert a.subnet.rsplit(".", 1)[0] in ip_a


def test_sigterm_stops_everything(make_stack):
    s = make_stack("term").start()
    pid = s.proc.pid
    s.stop()
    out = subprocess.run(["pgrep", "-f", str(s.root)], capture_output=True, text=True).stdout
    assert out.strip() == ""
    assert not any(s.socket(n).exists() for n in ("doca", "runtime", "images", "network", "volumes"))
    r = subprocess.run(["ip", "link", "show", s.bridge], capture_output=True)
    assert r.returncode != 0  # the bridge went with the stack
    assert pid


def _stack_processes(stack) -> list[str]:
    """The stack's services, gateway and fork server (not its containers' shims)."""
    out = subprocess.run(["pgrep", "-af", f" --root {stack.root} "], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "doca-shim" not in line and " -m " in line]


def test_a_killed_daemon_takes_its_services_and_a_second_one_is_refused(make_stack):
    from common.daemon import COMPONENTS
    from tests.support.stack import DOCA
    from tests.support.waiting import wait_for
    s = make_stack("kill9").start()
    cid = s.doca("run", "-d", "busybox", "sleep", "1000").stdout.strip()
    second = subprocess.run([DOCA, "daemon", *s.flags], capture_output=True, text=True, timeout=30)
    assert second.returncode == 1
    assert "another doca daemon" in second.stderr and second.stderr.count("\n") == 1, second.stderr
    os.kill(s.proc.pid, signal.SIGKILL)  # no one left to stop the services: they stop themselves
    s.proc.wait()
    assert wait_for(lambda: _stack_processes(s) == [], 30, 0.1), _stack_processes(s)
    s.proc = None
    s.log.close()
    s.start()  # on the same root: one service of each, and the container lived on
    assert len(_stack_processes(s)) == len(COMPONENTS)  # the daemon's programs, one each
    assert s.doca("ps", "-q", "--no-trunc").stdout.split() == [cid]
    assert s.doca("exec", cid, "echo", "alive").stdout == "alive\n"
