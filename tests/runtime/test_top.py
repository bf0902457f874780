"""doca top: the container's processes as the host sees them (host pids),
Docker's default columns, the user's ps options, errors in one line."""
import json

from tests.support import grpcurl


def _pid(stack, ref) -> int:
    return json.loads(stack.doca("inspect", ref).stdout)[0]["State"]["Pid"]


def test_default_columns_and_host_pids(stack):
    cid = stack.doca("run", "-d", "busybox", "sleep", "60").stdout.strip()
    try:
        stack.doca("exec", "-d", cid, "sleep", "61")
        lines = stack.doca("top", cid).stdout.splitlines()
        assert lines[0].split() == ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
        assert lines[0].startswith("UID" + " " * 17 + "PID")  # Go's tabwriter: columns of at least 20
        rows = [line.split(None, 7) for line in lines[1:]]
        assert sorted(r[7] for r in rows) == ["sleep 60", "sleep 61"]
        pids = {r[7]: int(r[1]) for r in rows}
        assert pids["sleep 60"] == _pid(stack, cid)  # a host pid, not 1
        with open(f"/proc/{pids['sleep 61']}/cmdline", "rb") as f:
            assert f.read() == b"sleep\x0061\x00"
    finally:
        stack.doca("rm", "-f", cid)


def test_ps_options(stack):
    cid = stack.doca("run", "-d", "busybox", "sleep", "60").stdout.strip()
    try:
        lines = stack.doca("top", cid, "-o", "pid,comm").stdout.splitlines()
        assert lines[0].split() == ["PID", "COMMAND"] and lines[1].split() == [str(_pid(stack, cid)), "sleep"]
        aux = stack.doca("top", cid, "aux").stdout.splitlines()
        assert aux[0].split()[:3] == ["USER", "PID", "%CPU"] and len(aux) == 2
        r = stack.doca("top", cid, "-o", "comm", check=False)
        assert r.returncode == 1 and "PID" in r.stderr and r.stderr.count("\n") == 1
        r = stack.doca("top", cid, "--no-such-option", check=False)
        assert r.returncode == 1 and r.stderr.startswith("doca: ps --no-such-option failed") and r.stderr.count("\n") == 1
        doc = json.loads(grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Top", {"id": cid}).stdout)
        assert doc["titles"][1] == "PID" and doc["processes"][0]["values"][-1] == "sleep 60"
    finally:
        stack.doca("rm", "-f", cid)


def test_not_running_or_missing(stack):
    cid = stack.doca("create", "busybox", "true").stdout.strip()
    try:
        r = stack.doca("top", cid, check=False)
        assert r.returncode == 1 and r.stderr.strip().endswith("is not running")
    finally:
        stack.doca("rm", cid)
    r = stack.doca("top", "no-such-container", check=False)
    assert (r.returncode, r.stderr) == (1, "doca: No such container: no-such-container\n")
    r = grpcurl.call(stack.socket("doca"), "doca.v1.Containers/Top", {"id": "no-such-container"}, check=False)
    assert r.returncode == 64 + 5
