"""Interactive containers: run -i (stdin), run -it (a pty, its size, Ctrl-C),
detach with ctrl-p ctrl-q, attach again; --rm still honoured."""
import json
import time

from tests.support.ptyrun import PtyProcess
from tests.support.stack import DOCA


def test_run_interactive_stdin(stack):
    out = stack.doca("run", "--rm", "-i", "busybox", "sh", "-c", "cat; echo bye", input="hello stdin\n").stdout
    assert out == "hello stdin\nbye\n"


def test_run_interactive_exit_code_and_rm(stack):
    before = stack.doca("ps", "-aq").stdout
    r = stack.doca("run", "--rm", "-i", "busybox", "sh", "-c", "read x; exit $x", input="4\n", check=False)
    assert r.returncode == 4
    assert stack.doca("ps", "-aq").stdout == before


def test_run_tty_detach_and_attach(stack, runtime):
    p = PtyProcess([DOCA, "run", "-it", "--runtime", runtime, "--name", "tty1", "busybox", "sh"], env=stack.env(),
                   rows=30, cols=90)
    try:
        p.expect(b"# ")
        p.write(b"tty; stty size; echo $$\r")
        p.expect(b"30 90\r\n1\r\n")  # a pty of the container's devpts, our size, the shell is PID 1
        assert b"/dev/pts/0" in p.seen
        p.write(b"\x10\x11")  # ctrl-p ctrl-q: detach, the container goes on
        assert p.wait() == 0
    finally:
        p.close()
    try:
        doc = json.loads(stack.doca("inspect", "tty1").stdout)[0]
        assert doc["State"]["Running"] and doc["Config"]["Tty"] and doc["Config"]["OpenStdin"]
        q = PtyProcess([DOCA, "attach", "tty1"], env=stack.env(), rows=30, cols=90)
        try:
            time.sleep(0.3)
            q.write(b"echo again\r")
            q.expect(b"again\r\n")
            q.write(b"sleep 30\r")
            q.expect(b"sleep 30\r\n")
            time.sleep(0.5)
            t = time.monotonic()
            q.write(b"\x03")  # Ctrl-C interrupts the container's foreground process
            q.write(b"echo marker-$((40+2))\r")
            q.expect(b"marker-42\r\n")
            assert time.monotonic() - t < 10  # sleep 30 was cut short
            q.write(b"exit 3\r")
            assert q.wait() == 3
        finally:
            q.close()
        assert "again" in stack.doca("logs", "tty1").stdout  # a tty's output is logged too
    finally:
        stack.doca("rm", "-f", "tty1")


def test_attach_to_a_stopped_container(stack):
    cid = stack.doca("run", "-d", "busybox", "true").stdout.strip()
    try:
        stack.doca("wait", cid)
        r = stack.doca("attach", cid, check=False)
        assert r.returncode == 1 and "stopped container" in r.stderr
    finally:
        stack.doca("rm", cid)


def test_attach_receives_live_output(stack):
    cid = stack.doca("run", "-d", "busybox", "sh", "-c", "sleep 0.5; echo late; exit 6").stdout.strip()
    try:
        r = stack.doca("attach", cid, check=False)
        assert r.stdout == "late\n" and r.returncode == 6
    finally:
        stack.doca("rm", "-f", cid)


def test_dash_it_without_a_terminal_is_refused_before_anything_is_made(stack):
    """Docker's "the input device is not a TTY": piped stdin with -it would
    leave the container's terminal waiting for an end that never comes."""
    before = stack.doca("ps", "-aq").stdout
    r = stack.doca("run", "-it", "--rm", "busybox", "cat", input="hi\n", timeout=20, check=False)
    assert r.returncode == 1 and r.stderr == "doca: the input device is not a TTY\n"
    assert stack.doca("ps", "-aq").stdout == before  # no container created
    cid = stack.doca("run", "-d", "busybox", "sleep", "30").stdout.strip()
    try:
        r = stack.doca("exec", "-it", cid, "cat", input="hi\n", timeout=20, check=False)
        assert r.returncode == 1 and r.stderr == "doca: the input device is not a TTY\n"
        assert stack.doca("exec", "-i", cid, "cat", input="hi\n", timeout=20).stdout == "hi\n"
    finally:
        stack.doca("rm", "-f", cid)


def test_start_attached_streams_output_and_exit_code_every_time(stack, runtime):
    cid = stack.doca("create", "--runtime", runtime, "busybox", "sh", "-c",
                     "echo hello; echo oops >&2; exit 3").stdout.strip()
    try:
        for _ in range(2):  # a created container, then the same one again once it has exited
            r = stack.doca("start", "-a", cid, check=False, timeout=30)
            assert (r.returncode, r.stdout, r.stderr) == (3, "hello\n", "oops\n")
        assert json.loads(stack.doca("inspect", cid).stdout)[0]["State"]["Status"] == "exited"
    finally:
        stack.doca("rm", "-f", cid)


def test_start_attached_with_stdin_and_the_errors(stack):
    cid = stack.doca("create", "-i", "busybox", "sh", "-c", "read x; echo got $x").stdout.strip()
    other = stack.doca("create", "busybox", "true").stdout.strip()
    try:
        r = stack.doca("start", "-ai", cid, input="abc\n", check=False, timeout=30)
        assert (r.returncode, r.stdout) == (0, "got abc\n")
        r = stack.doca("start", "-a", cid, other, check=False)
        assert r.returncode == 1 and r.stderr == "doca: you cannot start and attach multiple containers at once\n"
        r = stack.doca("start", "-a", "no-such-ctr", check=False)
        assert r.returncode == 1 and "No such container: no-such-ctr" in r.stderr
    finally:
        stack.doca("rm", "-f", cid, other)
