"""Bad input: the named status codes, Docker's CLI exit codes, one line, no
traceback, nothing left behind."""
import json

from tests.support import grpcurl


def _one_line(text: str) -> str:
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_unknown_image(stack):
    r = stack.doca("run", "--rm", "--pull", "never", "nosuchimage:1.0", "true", check=False)
    assert r.returncode == 125
    assert "nosuchimage:1.0" in _one_line(r.stderr)
    g = grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Create", {"image": "nosuchimage:1.0"}, check=False)
    assert g.returncode == 64 + 5 and "nosuchimage:1.0" in g.stderr  # NOT_FOUND


def test_bad_memory_value(stack):
    r = stack.doca("run", "--rm", "-m", "lots", "busybox", "true", check=False)
    assert r.returncode == 125
    assert "memory" in _one_line(r.stderr)
    g = grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Create",
                     {"image": "busybox", "memory": "12q"}, check=False)
    assert g.returncode == 64 + 3  # INVALID_ARGUMENT


def test_memory_below_minimum(stack):
    r = stack.doca("run", "--rm", "-m", "1k", "busybox", "true", check=False)
    assert r.returncode == 125 and "6MB" in _one_line(r.stderr)


def test_command_not_found_is_127(stack):
    before = stack.doca("ps", "-aq").stdout
    r = stack.doca("run", "--rm", "busybox", "no-such-command", check=False)
    assert r.returncode == 127
    assert "no-such-command" in _one_line(r.stderr)
    assert stack.doca("ps", "-aq").stdout == before  # nothing half-created


def test_not_executable_is_126(stack):
    r = stack.doca("run", "--rm", "busybox", "/etc/passwd", check=False)
    assert r.returncode == 126
    assert "permission denied" in _one_line(r.stderr)


def test_exit_code_passes_through(stack):
    assert stack.doca("run", "--rm", "busybox", "sh", "-c", "exit 3", check=False).returncode == 3


def test_unknown_container(stack):
    for verb in (["logs"], ["stop"], ["rm"], ["inspect"], ["wait"]):
        r = stack.doca(*verb, "nosuchcontainer", check=False)
        assert r.returncode == 1, verb
        assert "nosuchcontainer" in _one_line(r.stderr)


def test_duplicate_name(stack):
    cid = stack.doca("run", "-d", "--name", "twice", "busybox", "sleep", "30").stdout.strip()
    try:
        r = stack.doca("run", "-d", "--name", "twice", "busybox", "true", check=False)
        assert r.returncode == 125 and "already in use" in _one_line(r.stderr)
    finally:
        stack.doca("rm", "-f", cid)


def test_remove_running_container_refused(stack):
    cid = stack.doca("run", "-d", "busybox", "sleep", "30").stdout.strip()
    try:
        r = stack.doca("rm", cid, check=False)
        assert r.returncode == 1 and "running" in _one_line(r.stderr)
        doc = json.loads(stack.doca("inspect", cid).stdout)[0]
        assert doc["State"]["Running"] is True
    finally:
        stack.doca("rm", "-f", cid)


def test_unknown_flag(stack):
    r = stack.doca("run", "--no-such-flag", "busybox", check=False)
    assert r.returncode == 125 and "Traceback" not in r.stderr


def test_daemon_not_running(tmp_path):
    import subprocess
    import os
    from tests.support.stack import DOCA
    env = dict(os.environ, DOCA_HOST=f"unix://{tmp_path}/none.sock")
    r = subprocess.run([DOCA, "ps"], env=env, capture_output=True, text=True)
    assert r.returncode == 1
    assert "Is the doca daemon running?" in _one_line(r.stderr)


def test_unknown_signal(stack):
    cid = stack.doca("run", "-d", "busybox", "sleep", "30").stdout.strip()
    try:
        r = stack.doca("kill", "-s", "SIGBOGUS", cid, check=False)
        assert r.returncode == 1 and "invalid signal" in _one_line(r.stderr)
        g = grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Kill", {"id": cid, "signal": "99"}, check=False)
        assert g.returncode == 64 + 3  # INVALID_ARGUMENT
        assert json.loads(stack.doca("inspect", cid).stdout)[0]["State"]["Running"] is True
    finally:
        stack.doca("rm", "-f", cid)


def test_absurd_limits(stack):
    # (--pids-limit -5 is no longer absurd: 0 or less is unlimited, as Docker's)
    for flags in (["--cpus", "-1"], ["--cpu-shares", "-3"], ["-m", "99999999999g"]):
        r = stack.doca("run", "--rm", *flags, "busybox", "true", check=False)
        assert r.returncode == 125 and "Traceback" not in r.stderr, (flags, r.stderr)
        _one_line(r.stderr)
