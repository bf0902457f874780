"""The v1 driver and its controllers against a fake tree of hierarchies in
a temporary directory (tests/runtime/test_limits.py checks the real
kernel's). A real cgroupfs makes each cgroup's files on mkdir; the fake
has them made beforehand."""
import pytest

from common.resources import Resources
from services.runtime.cgroups.v1 import CONTROLLERS, V1Driver

CID = "c" * 64
FILES = {"cpuset": ("cpuset.cpus", "cpuset.mems"), "memory": ("memory.limit_in_bytes",),
         "freezer": ("freezer.state",)}


@pytest.fixture
def tree(tmp_path):
    for c in CONTROLLERS:
        d = tmp_path / c / "doca-x" / CID
        d.mkdir(parents=True)
        for name in FILES.get(c, ()):
            (d / name).write_text("")
            (d.parent / name).write_text("")
    (tmp_path / "cpuset" / "cpuset.cpus").write_text("0-3\n")
    (tmp_path / "cpuset" / "cpuset.mems").write_text("0\n")
    return tmp_path, V1Driver("doca-x", {c: str(tmp_path / c) for c in CONTROLLERS})


def test_controllers_in_runcs_order():
    assert CONTROLLERS == ("cpuset", "devices", "memory", "cpu", "cpuacct", "pids", "blkio", "freezer")


def test_create_sets_each_controllers_limits(tree):
    root, drv = tree
    dirs = drv.create(CID, Resources(memory_bytes=32 << 20, cpu_shares=512, cpu_quota=50000, pids_limit=8,
                                     memory_reservation=16 << 20))
    assert dirs == [str(root / c / "doca-x" / CID) for c in CONTROLLERS]
    d = {c: root / c / "doca-x" / CID for c in CONTROLLERS}
    assert (d["memory"] / "memory.limit_in_bytes").read_text() == str(32 << 20)
    assert (d["memory"] / "memory.soft_limit_in_bytes").read_text() == str(16 << 20)
    assert (d["cpu"] / "cpu.shares").read_text() == "512"
    assert (d["cpu"] / "cpu.cfs_period_us").read_text() == "100000"
    assert (d["cpu"] / "cpu.cfs_quota_us").read_text() == "50000"
    assert (d["pids"] / "pids.max").read_text() == "8"
    # a new cpuset starts empty: the parent's cpus and mems are copied down before any task joins
    assert (root / "cpuset" / "doca-x" / "cpuset.cpus").read_text() == "0-3"
    assert (d["cpuset"] / "cpuset.cpus").read_text() == "0-3"
    assert (d["cpuset"] / "cpuset.mems").read_text() == "0"
    assert drv.container_view(CID) == {c: str(d[c]) for c in CONTROLLERS}


def test_unset_limits_are_not_written(tree):
    root, drv = tree
    drv.update(CID, Resources(pids_limit=5))
    assert not (root / "cpu" / "doca-x" / CID / "cpu.shares").exists()
    assert (root / "memory" / "doca-x" / CID / "memory.limit_in_bytes").read_text() == ""


def test_stats_from_each_controller(tree):
    root, drv = tree
    d = {c: root / c / "doca-x" / CID for c in CONTROLLERS}
    (d["cpuacct"] / "cpuacct.usage").write_text("1500000\n")
    (d["memory"] / "memory.usage_in_bytes").write_text("4096\n")
    (d["memory"] / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # v1's "no limit"
    (d["memory"] / "memory.stat").write_text("cache 0\ntotal_inactive_file 1024\n")
    (d["pids"] / "pids.current").write_text("3\n")
    (d["pids"] / "pids.max").write_text("max\n")
    (d["blkio"] / "blkio.throttle.io_service_bytes").write_text(
        "8:0 Read 100\n8:0 Write 200\n8:16 Read 1\n8:16 Write 2\nTotal 303\n")
    assert drv.stats(CID) == {"cpu_ns": 1_500_000, "memory_usage": 4096, "memory_limit": 0,
                              "memory_inactive_file": 1024, "pids_current": 3, "pids_limit": 0,
                              "blk_read": 101, "blk_write": 202}
    (d["memory"] / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
    assert drv.oom_kills(CID) == 2


def test_freezer(tree):
    root, drv = tree
    state = root / "freezer" / "doca-x" / CID / "freezer.state"
    drv.freeze(CID)
    assert state.read_text() == "FROZEN" and drv.frozen(CID)
    drv.thaw(CID)
    assert state.read_text() == "THAWED" and not drv.frozen(CID)


def test_devices_rules(tree):
    root, drv = tree
    drv.set_devices(CID, [{"allow": False, "access": "rwm"}])
    assert (root / "devices" / "doca-x" / CID / "devices.deny").read_text() == "a"
