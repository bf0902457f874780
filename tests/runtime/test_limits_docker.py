"""The rest of Docker's run/update limits (--memory-swap, --memory-swappiness,
--oom-kill-disable, --cpuset-*, --cpu-period/--cpu-quota, --cpu-rt-period,
the block I/O rates, --pids-limit -1, update --restart): what the container
sees in its own cgroup view, the host's files, inspect's HostConfig, and
Docker's refusals (cgroup v1 on this machine: real)."""
import json
import os
import pathlib

from tests.runtime.test_limits import _inspect_created  # create, inspect, remove

CG = pathlib.Path("/sys/fs/cgroup")


def _cg(stack, controller, cid, name) -> str:
    return (CG / controller / stack.cgroup_parent / cid / name).read_text().strip()


def _host_config(stack, ref) -> dict:
    return json.loads(stack.doca("inspect", ref).stdout)[0]["HostConfig"]


def _root_block_device() -> str:
    """The disk under the host's /: a real one for the rate limits (the
    cgroup takes whole disks, not partitions)."""
    dev = os.stat("/").st_dev
    sys_path = os.path.realpath(f"/sys/dev/block/{os.major(dev)}:{os.minor(dev)}")
    if os.path.exists(os.path.join(sys_path, "partition")):
        sys_path = os.path.dirname(sys_path)
    return "/dev/" + os.path.basename(sys_path)


def test_memory_swap_swappiness_oom_killer_inside(stack):
    out = stack.run("-m", "32m", "--memory-swap", "96m", "--memory-swappiness", "7", "--oom-kill-disable",
                    "busybox", "sh", "-c", "cd /sys/fs/cgroup/memory; cat memory.memsw.limit_in_bytes "
                    "memory.swappiness memory.oom_control")
    lines = out.split("\n")
    assert int(lines[0]) == 96 << 20 and lines[1] == "7" and "oom_kill_disable 1" in out
    unlimited = stack.run("-m", "32m", "--memory-swap", "-1", "busybox", "cat",
                          "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")
    assert int(unlimited) > 1 << 60


def test_cpu_limits_inside_and_in_inspect(stack):
    cid = stack.doca("run", "-d", "--cpuset-cpus", "0", "--cpuset-mems", "0", "--cpu-period", "50000",
                     "--cpu-quota", "20000", "--cpu-rt-period", "900000", "busybox", "sleep", "30").stdout.strip()
    try:
        seen = stack.doca("exec", cid, "cat", "/sys/fs/cgroup/cpuset/cpuset.cpus", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us",
                          "/sys/fs/cgroup/cpu/cpu.cfs_period_us", "/sys/fs/cgroup/cpu/cpu.rt_period_us").stdout.split()
        assert seen == ["0", "20000", "50000", "900000"]
        hc = _host_config(stack, cid)
        assert (hc["CpusetCpus"], hc["CpusetMems"], hc["CpuPeriod"], hc["CpuQuota"], hc["NanoCpus"],
                hc["CpuRealtimePeriod"]) == ("0", "0", 50000, 20000, 0, 900000)
        # update: the same flags, Docker's refusal of --cpus over a set quota
        stack.doca("update", "--cpu-quota", "30000", "--cpuset-cpus", "0-1", cid)
        assert _cg(stack, "cpu", cid, "cpu.cfs_quota_us") == "30000"
        assert _cg(stack, "cpuset", cid, "cpuset.cpus") == "0-1"
        r = stack.doca("update", "--cpus", "0.5", cid, check=False)
        assert r.returncode == 1 and "Nano CPUs cannot be updated as CPU Period has already been set" in r.stderr
    finally:
        stack.doca("rm", "-f", cid)
    hc = _host_config_of_created(stack, ["--cpus", "1.5"])
    assert (hc["NanoCpus"], hc["CpuQuota"], hc["CpuPeriod"]) == (1_500_000_000, 0, 0)  # Docker's: --cpus alone


def _host_config_of_created(stack, flags) -> dict:
    return _inspect_created(stack, flags)["HostConfig"]


def test_block_io_rates(stack):
    disk = _root_block_device()
    st = os.stat(disk)
    numbers = f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"
    cid = stack.doca("run", "-d", "--device-write-bps", f"{disk}:1mb", "--device-read-iops", f"{disk}:100",
                     "busybox", "sleep", "30").stdout.strip()
    try:
        assert _cg(stack, "blkio", cid, "blkio.throttle.write_bps_device") == f"{numbers} 1048576"
        assert _cg(stack, "blkio", cid, "blkio.throttle.read_iops_device") == f"{numbers} 100"
        hc = _host_config(stack, cid)
        assert hc["BlkioDeviceWriteBps"] == [{"Path": disk, "Rate": 1048576}]
        assert hc["BlkioDeviceReadIOps"] == [{"Path": disk, "Rate": 100}] and hc["BlkioDeviceReadBps"] is None
    finally:
        stack.doca("rm", "-f", cid)


def test_pids_limit_lifted_by_update(stack):
    cid = stack.doca("run", "-d", "--pids-limit", "20", "busybox", "sleep", "30").stdout.strip()
    try:
        stack.doca("update", "--pids-limit", "-1", "--restart", "on-failure:2", cid)
        assert _cg(stack, "pids", cid, "pids.max") == "max"
        assert _host_config(stack, cid)["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    finally:
        stack.doca("rm", "-f", cid)
    assert stack.run("--pids-limit", "-1", "busybox", "cat", "/sys/fs/cgroup/pids/pids.max").strip() == "max"


def test_refused_and_warned_as_docker(stack):
    for flags, words in ((["--memory-swap", "64m"], "You should always set the Memory limit when using Memoryswap"),
                         (["-m", "64m", "--memory-swap", "32m"], "Minimum memoryswap limit should be larger"),
                         (["--memory-swappiness", "101"], "Valid memory swappiness range is 0-100."),
                         (["--cpuset-cpus", "4096"], "Requested CPUs are not available - requested 4096"),
                         (["--cpuset-mems", "x"], "Invalid value x for cpuset mems: invalid format: x"),
                         (["--cpu-period", "500"], "CPU cfs period can not be less than 1ms"),
                         (["--cpus", "1", "--cpu-quota", "50000"], "Nano CPUs and CPU Quota cannot both be set"),
                         (["--device-read-bps", "/dev/nosuch-h4:1mb"], "stat /dev/nosuch-h4: no such file"),
                         (["--device-write-iops", "/dev/vda:x"], "invalid rate for device: /dev/vda:x")):
        r = stack.doca("run", "--rm", *flags, "busybox", "true", check=False)
        code = 127 if "no such file" in words else 125  # Docker's run: a missing file is 127
        assert r.returncode == code and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, (flags, r.stderr)
    r = stack.doca("run", "--rm", "--oom-kill-disable", "busybox", "true")
    assert r.stderr.startswith("WARNING: Disabling the OOM killer on containers without setting a '-m/--memory'")
