"""cgroup limits, observed from the host's cgroup files and from the
container's fate (cgroup v1 on this machine: real)."""
import json
import pathlib
import time

CG = pathlib.Path("/sys/fs/cgroup")


def _cg(stack, controller, cid, name) -> pathlib.Path:
    return CG / controller / stack.cgroup_parent / cid / name


def _inspect(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]


def test_memory_limit_oom_kills(stack):
    r = stack.doca("run", "--name", "oom", "-m", "32m", "busybox",
                   "dd", "if=/dev/zero", "of=/dev/null", "bs=200M", "count=1", check=False)
    try:
        assert r.returncode == 137, (r.stdout, r.stderr)
        doc = _inspect(stack, "oom")
        assert doc["State"]["OOMKilled"] is True
        assert doc["State"]["ExitCode"] == 137
        assert doc["HostConfig"]["Memory"] == 32 * 1024 * 1024
    finally:
        stack.doca("rm", "oom")


def test_memory_limit_visible_inside(stack):
    out = stack.run("-m", "48m", "busybox", "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
    assert int(out) == 48 * 1024 * 1024


def test_within_memory_limit_runs(stack):
    r = stack.doca("run", "--rm", "-m", "64m", "busybox", "dd", "if=/dev/zero", "of=/dev/null", "bs=8M", "count=4")
    assert r.returncode == 0


def test_pids_limit_makes_forks_fail(stack):
    # The forks happen in a subshell: busybox sh exits when a fork fails.
    cid = stack.doca("run", "-d", "--pids-limit", "8", "busybox", "sh", "-c",
                     "(for i in $(seq 20); do sleep 60 & done); echo survived; sleep 60").stdout.strip()
    try:
        for _ in range(100):
            logs = stack.doca("logs", cid)
            if "survived" in logs.stdout:
                break
            time.sleep(0.05)
        assert "can't fork" in logs.stderr
        assert _cg(stack, "pids", cid, "pids.max").read_text().strip() == "8"
        assert 5 <= int(_cg(stack, "pids", cid, "pids.current").read_text()) <= 8
    finally:
        stack.doca("rm", "-f", cid)


def test_cpus_half_holds_busy_loop_near_50_percent(stack):
    cid = stack.doca("run", "-d", "--cpus", "0.5", "busybox", "sh", "-c", "while :; do :; done").stdout.strip()
    try:
        usage = _cg(stack, "cpuacct", cid, "cpuacct.usage")
        assert _cg(stack, "cpu", cid, "cpu.cfs_quota_us").read_text().strip() == "50000"
        time.sleep(0.5)
        u0, t0 = int(usage.read_text()), time.monotonic()
        time.sleep(2.0)
        u1, t1 = int(usage.read_text()), time.monotonic()
        share = (u1 - u0) / 1e9 / (t1 - t0)
        assert 0.3 < share < 0.65, share
    finally:
        stack.doca("rm", "-f", cid)


def test_cpu_shares_written(stack):
    cid = stack.doca("run", "-d", "--cpu-shares", "512", "busybox", "sleep", "30").stdout.strip()
    try:
        assert _cg(stack, "cpu", cid, "cpu.shares").read_text().strip() == "512"
        assert _inspect(stack, cid)["HostConfig"]["CpuShares"] == 512
    finally:
        stack.doca("rm", "-f", cid)


def test_memory_reservation_end_to_end(stack):
    """--memory-reservation (the limit added to show what a new one takes):
    the container sees it in its own cgroup, the host's file holds it,
    inspect shows Docker's key, update changes it, Docker's checks refuse
    what Docker refuses."""
    out = stack.run("--memory-reservation", "64m", "busybox", "cat", "/sys/fs/cgroup/memory/memory.soft_limit_in_bytes")
    assert int(out) == 64 << 20
    cid = stack.doca("run", "-d", "-m", "128m", "--memory-reservation", "48m", "busybox", "sleep", "30").stdout.strip()
    try:
        assert int(_cg(stack, "memory", cid, "memory.soft_limit_in_bytes").read_text()) == 48 << 20
        assert _inspect(stack, cid)["HostConfig"]["MemoryReservation"] == 48 << 20
        stack.doca("update", "--memory-reservation", "32m", cid)
        assert int(_cg(stack, "memory", cid, "memory.soft_limit_in_bytes").read_text()) == 32 << 20
        assert _inspect(stack, cid)["HostConfig"]["MemoryReservation"] == 32 << 20
        r = stack.doca("update", "--memory-reservation", "256m", cid, check=False)  # above -m 128m
        assert r.returncode == 1 and "Minimum memory limit can not be less than memory reservation limit" in r.stderr
        assert int(_cg(stack, "memory", cid, "memory.soft_limit_in_bytes").read_text()) == 32 << 20
    finally:
        stack.doca("rm", "-f", cid)
    assert _inspect_created(stack, [])["HostConfig"]["MemoryReservation"] == 0  # Docker's 0: none
    for flags, words in ((["--memory-reservation", "1k"], "6MB"), (["-m", "32m", "--memory-reservation", "64m"],
                                                                   "memory reservation limit")):
        r = stack.doca("run", "--rm", *flags, "busybox", "true", check=False)
        assert r.returncode == 125 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def _inspect_created(stack, flags) -> dict:
    cid = stack.doca("create", *flags, "busybox", "true").stdout.strip()
    try:
        return _inspect(stack, cid)
    finally:
        stack.doca("rm", cid)


def test_cgroups_removed_with_container(stack):
    cid = stack.doca("run", "-d", "-m", "64m", "busybox", "sleep", "30").stdout.strip()
    dirs = [CG / c / stack.cgroup_parent / cid for c in ("memory", "pids", "cpu", "cpuacct", "freezer")]
    assert all(d.is_dir() for d in dirs)
    stack.doca("rm", "-f", cid)
    assert not any(d.exists() for d in dirs)
