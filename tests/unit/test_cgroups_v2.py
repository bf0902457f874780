"""The v2 driver against a fake cgroupfs in a temporary directory (this
kernel's controllers live in v1, so v2 cannot be exercised for real here)."""
import pytest

from common.errors import InvalidArgument
from common.resources import Resources
from services.runtime.cgroups.cpu import shares_to_weight
from services.runtime.cgroups.v2 import V2Driver

CID = "c" * 64


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory hugetlb pids rdma\n")
    (tmp_path / "cgroup.subtree_control").write_text("")
    return tmp_path


def _fake_kernel_files(path):
    # A real cgroupfs makes these on mkdir; the fake needs them for the next level.
    (path / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")


def test_limits_written(tree, monkeypatch):
    drv = V2Driver("doca-x", str(tree))
    (tree / "doca-x").mkdir()
    _fake_kernel_files(tree / "doca-x")
    dirs = drv.create(CID, Resources(memory_bytes=32 << 20, cpu_shares=512, cpu_quota=50000,
                                     cpu_period=100000, pids_limit=8, memory_reservation=16 << 20))
    d = tree / "doca-x" / CID
    assert dirs == [str(d)]
    assert (d / "memory.max").read_text() == str(32 << 20)
    assert (d / "memory.low").read_text() == str(16 << 20)  # --memory-reservation, as runc's fs2
    assert (d / "cpu.max").read_text() == "50000 100000"
    assert (d / "pids.max").read_text() == "8"
    assert (d / "cpu.weight").read_text() == str(shares_to_weight(512))
    # in runc's order (cgroups/controllers.py); cgroup.freeze needs no enabling
    assert (tree / "cgroup.subtree_control").read_text() == "+pids +memory +io +cpu +cpuset"
    assert (tree / "doca-x" / "cgroup.subtree_control").read_text() == "+pids +memory +io +cpu +cpuset"


def test_weight_conversion_matches_runc():
    assert shares_to_weight(2) == 1
    assert shares_to_weight(1024) == 39
    assert shares_to_weight(262144) == 10000


def test_oom_killed_from_memory_events(tree):
    drv = V2Driver("doca-x", str(tree))
    d = tree / "doca-x" / CID
    d.mkdir(parents=True)
    (d / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n")
    assert drv.oom_kills(CID) == 0
    (d / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert drv.oom_kills(CID) == 1


def test_update_and_destroy(tree):
    drv = V2Driver("doca-x", str(tree))
    (tree / "doca-x").mkdir()
    _fake_kernel_files(tree / "doca-x")
    drv.create(CID, Resources())
    drv.update(CID, Resources(pids_limit=100))
    d = tree / "doca-x" / CID
    assert (d / "pids.max").read_text() == "100"
    for f in d.iterdir():  # a real cgroupfs rmdirs with its files inside; the fake cannot
        f.unlink()
    drv.destroy(CID)
    assert not d.exists()
    drv.remove_parent()


@pytest.mark.parametrize("limits", [dict(memory_bytes=1024), dict(cpu_shares=1), dict(pids_limit=-3),
                                    dict(cpu_quota=10)])
def test_bad_limits_refused(tree, limits):
    # refused as they are made (common/resources.py): no cgroup is made for them
    with pytest.raises(InvalidArgument):
        V2Driver("doca-x", str(tree)).create(CID, Resources(**limits))
    assert not (tree / "doca-x" / CID).exists()


def test_stats_and_freeze_from_the_tree(tree):
    drv = V2Driver("doca-x", str(tree))
    d = tree / "doca-x" / CID
    d.mkdir(parents=True)
    (d / "cpu.stat").write_text("usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n")
    (d / "memory.current").write_text("4096\n")
    (d / "memory.max").write_text("max\n")
    (d / "memory.stat").write_text("anon 0\ninactive_file 1024\n")
    (d / "pids.current").write_text("3\n")
    (d / "pids.max").write_text("10\n")
    (d / "io.stat").write_text("8:0 rbytes=100 wbytes=200 rios=1 wios=2\n8:16 rbytes=1 wbytes=2\n")
    s = drv.stats(CID)
    assert s == {"cpu_ns": 1_500_000, "memory_usage": 4096, "memory_limit": 0, "memory_inactive_file": 1024,
                 "pids_current": 3, "pids_limit": 10, "blk_read": 101, "blk_write": 202}
    (d / "cgroup.events").write_text("populated 1\nfrozen 1\n")
    drv.freeze(CID)
    assert (d / "cgroup.freeze").read_text() == "1"


def test_docker_limits_as_runc_writes_them(tree):
    """--memory-swap (v2 limits the swap alone), -1 swap and pids, the
    period alone, cpusets within the parent's, the block I/O rates."""
    drv = V2Driver("doca-x", str(tree))
    (tree / "doca-x").mkdir()
    _fake_kernel_files(tree / "doca-x")
    (tree / "doca-x" / "cpuset.cpus.effective").write_text("0-3\n")
    (tree / "doca-x" / "cpuset.mems.effective").write_text("0\n")
    drv.create(CID, Resources(memory_bytes=32 << 20, memory_swap=96 << 20, cpu_period=50000, cpuset_cpus="1-2",
                              cpuset_mems="0", pids_limit=-1, device_read_bps=("8:0:1048576",),
                              device_write_iops=("8:16:50",)))
    d = tree / "doca-x" / CID
    assert (d / "memory.swap.max").read_text() == str(64 << 20)
    assert (d / "cpu.max").read_text() == "max 50000"
    assert (d / "cpuset.cpus").read_text() == "1-2" and (d / "cpuset.mems").read_text() == "0"
    assert (d / "pids.max").read_text() == "max"
    assert (d / "io.max").read_text() == "8:16 wiops=50"  # the fake keeps the last write; the kernel each
    drv.update(CID, Resources(memory_bytes=32 << 20, memory_swap=-1))
    assert (d / "memory.swap.max").read_text() == "max"
    with pytest.raises(InvalidArgument) as e:
        drv.update(CID, Resources(cpuset_cpus="5"))
    assert "Requested CPUs are not available - requested 5, available: 0-3" in e.value.message
