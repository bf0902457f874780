"""doca exec: the container's namespaces, cgroups, environment and user;
stdin; a terminal with its size, resizes and Ctrl-C; exit codes."""
import json
import marshal
import pathlib
import subprocess
import sys
import time

import pytest

from services.runtime import setns_init
from tests.support.ptyrun import PtyProcess
from tests.support.stack import DOCA


@pytest.fixture
def ctr(stack):
    cid = stack.doca("run", "-d", "-e", "FOO=bar", "-w", "/srv", "busybox", "sleep", "300").stdout.strip()
    yield cid
    stack.doca("rm", "-f", cid)


def test_exec_joins_the_container(stack, ctr):
    out = stack.doca("exec", ctr, "sh", "-c", "echo $$; ps -o pid,comm; echo $FOO; pwd; hostname").stdout.split("\n")
    assert out[0] == "2"  # PID 1 is the container's sleep
    assert "1 sleep" in out[2]
    assert out[-4:-1] == ["bar", "/srv", ctr[:12]]
    # The container's own cgroup namespace, rooted at its cgroups: "/" there,
    # and the exec'd process in them (the container's view lists it).
    cgroup = stack.doca("exec", ctr, "cat", "/proc/self/cgroup").stdout
    assert "memory:/\n" in cgroup and stack.cgroup_parent not in cgroup
    members = stack.doca("exec", ctr, "sh", "-c", "echo $$; cat /sys/fs/cgroup/memory/cgroup.procs").stdout.split()
    assert members[0] in members[1:] and "1" in members[1:]
    procs = pathlib.Path(f"/sys/fs/cgroup/pids/{stack.cgroup_parent}/{ctr}/cgroup.procs").read_text().split()
    assert len(procs) == 1  # the exec'd process has left the cgroup again with its exit


def test_exec_env_workdir_user(stack, ctr):
    out = stack.doca("exec", "-e", "FOO=baz", "-e", "NEW=1", "-w", "/tmp", "-u", "nobody", ctr,
                     "sh", "-c", "echo $FOO $NEW; pwd; id -un").stdout.split()
    assert out == ["baz", "1", "/tmp", "nobody"]


def test_exec_exit_codes(stack, ctr):
    assert stack.doca("exec", ctr, "sh", "-c", "exit 5", check=False).returncode == 5
    # Docker 20.10's: 126 for any process that cannot start, runc's words on stdout
    r = stack.doca("exec", ctr, "no-such-command", check=False)
    assert r.returncode == 126 and r.stdout == 'OCI runtime exec failed: exec failed: unable to start container ' \
        'process: exec: "no-such-command": executable file not found in $PATH: unknown\n'
    r = stack.doca("exec", ctr, "/etc/passwd", check=False)
    assert r.returncode == 126 and "permission denied" in r.stdout
    r = stack.doca("exec", "-w", "/no/such/dir", ctr, "pwd", check=False)
    assert r.returncode == 126 and 'chdir to cwd ("/no/such/dir")' in r.stdout


def test_exec_stdin(stack, ctr):
    out = stack.doca("exec", "-i", ctr, "sh", "-c", "cat; echo end", input="line one\nline two\n").stdout
    assert out == "line one\nline two\nend\n"


def test_exec_into_a_stopped_container(stack):
    cid = stack.doca("run", "-d", "busybox", "true").stdout.strip()
    try:
        stack.doca("wait", cid)
        r = stack.doca("exec", cid, "true", check=False)
        assert r.returncode != 0 and "is not running" in r.stderr and len(r.stderr.splitlines()) == 1
    finally:
        stack.doca("rm", "-f", cid)


def test_exec_detached(stack, ctr):
    stack.doca("exec", "-d", ctr, "sh", "-c", "sleep 0.2; echo done > /tmp/detached")
    for _ in range(100):
        if stack.doca("exec", ctr, "cat", "/tmp/detached", check=False).stdout == "done\n":
            break
        time.sleep(0.05)
    assert stack.doca("exec", ctr, "cat", "/tmp/detached").stdout == "done\n"


def test_exec_detached_returns_once_the_process_runs(stack, ctr):
    """As Docker's: the process is there when exec -d returns (top sees it
    at once); its output is not the client's; one that cannot start fails
    the call with its message and code."""
    r = stack.doca("exec", "-d", ctr, "sh", "-c", "echo not-for-the-client; exec sleep 47")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert "sleep 47" in stack.doca("top", ctr).stdout
    r = stack.doca("exec", "-d", ctr, "no-such-command", check=False)
    assert r.returncode == 1 and "no-such-command" in r.stderr and r.stdout == ""  # Docker's daemon's error
    r = stack.doca("exec", "-d", ctr, "/etc/passwd", check=False)
    assert r.returncode == 1 and "permission denied" in r.stderr


def test_exec_tty(stack, ctr):
    p = PtyProcess([DOCA, "exec", "-it", ctr, "sh"], env=stack.env(), rows=33, cols=101)
    try:
        p.expect(b"# ")
        p.write(b"tty; stty size\r")
        p.expect(b"33 101")
        assert b"/dev/pts/" in p.seen
        p.resize(40, 120)
        p.write(b"stty size\r")
        p.expect(b"40 120")
        p.write(b"sleep 30\r")
        p.expect(b"sleep 30\r\n")
        time.sleep(0.5)  # the shell hands the terminal to sleep (cooked mode) first
        t = time.monotonic()
        p.write(b"\x03")  # Ctrl-C reaches the container's foreground process
        p.expect(b"^C\r\n/srv # ")
        assert time.monotonic() - t < 5  # sleep 30 was interrupted
        p.write(b"exit 7\r")
        assert p.wait() == 7
    finally:
        p.close()


def test_exec_whose_container_stops_meanwhile_says_not_running(tmp_path):
    """The init gone between the runtime's check and the join (a stop or a
    restart under way): setns_init exits EXIT_GONE without a word, which the
    runtime reports as "not running" — never a traceback in the output."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    cfg = tmp_path / "cfg"
    cfg.write_bytes(marshal.dumps({"pid": gone.pid, "cgroup_dirs": [], "process": {"args": ["true"]}}))
    with open(cfg, "rb") as f:
        r = subprocess.run([sys.executable, "-E", "-S", "-m", "services.runtime.setns_init", str(f.fileno()), "0"],
                           pass_fds=(f.fileno(),), capture_output=True, cwd=pathlib.Path(setns_init.__file__).parents[2])
    assert (r.returncode, r.stderr) == (setns_init.EXIT_GONE, b"")


def test_health_checks_cut_by_a_restart_leave_no_result(stack):
    """A check running while its container restarts is dropped (Docker drops
    a probe its stop cancelled): with checks every 50 ms across restarts,
    every result in the log is a check that ran in a running container."""
    cid = stack.doca("run", "-d", "--health-cmd", "echo up", "--health-interval", "50ms", "busybox",
                     "sleep", "60").stdout.strip()
    try:
        for _ in range(3):
            stack.doca("restart", "-t", "0", cid)
            time.sleep(0.3)
        log = json.loads(stack.doca("inspect", cid).stdout)[0]["State"]["Health"]["Log"]
        assert log and all(e["ExitCode"] == 0 and e["Output"] == "up\n" for e in log), log
    finally:
        stack.doca("rm", "-f", cid)
