"""A container's limits, declared once (common/resources.py): checked by
construction with Docker's words, read from a user's request by the
gateway (units parsed there, once), shown in inspect under Docker's keys,
and placed in an OCI config by the runtime."""
import dataclasses

import pytest

from common.errors import InvalidArgument
from common.resources import FIELDS, Resources
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import containers_pb2 as pb
from gateway.api import documents, spec as specs
from services.runtime import spec as ocispec


@pytest.mark.parametrize("values, words", [
    ({"memory_bytes": 1024}, "Minimum memory limit allowed is 6MB"),
    ({"memory_bytes": -1}, "must be positive"),
    ({"cpu_shares": 1}, "the minimum allowed cpu-shares is 2"),
    ({"cpu_shares": -3}, "invalid --cpu-shares -3: must be positive"),
    ({"cpu_shares": 262145}, "the maximum allowed cpu-shares is 262144"),
    ({"cpu_quota": 10}, "CPU cfs quota can not be less than 1ms (i.e. 1000)"),
    ({"cpu_period": 2000000}, "CPU cfs period can not be less than 1ms"),
    ({"memory_swap": 64 << 20}, "You should always set the Memory limit when using Memoryswap limit"),
    ({"memory_bytes": 64 << 20, "memory_swap": 32 << 20}, "Minimum memoryswap limit should be larger than memory"),
    ({"memory_swap": -2}, "--memory-swap"),
    ({"memory_swappiness": 101}, "invalid value: 101. Valid memory swappiness range is 0-100."),
    ({"memory_swappiness": -2}, "invalid value: -2. Valid memory swappiness range is 0-100."),
    ({"cpuset_cpus": "x"}, "Invalid value x for cpuset cpus: invalid format: x"),
    ({"cpuset_mems": "1-"}, "Invalid value 1- for cpuset mems"),
    ({"cpu_rt_period": 1000, "cpu_rt_runtime": 2000}, "cpu real-time runtime cannot be higher than cpu real-time"),
    ({"blkio_weight": 5}, "Range of blkio weight is from 10 to 1000"),
    ({"blkio_weight_device": ("/dev/vda:5",)}, "Range of blkio weight is from 10 to 1000"),
    ({"nano_cpus": 500_000_000, "cpu_quota": 20000, "cpu_period": 100000},
     "Conflicting options: Nano CPUs and CPU Quota cannot both be set"),
    ({"cpu_period": -1}, "--cpu-period"),
    ({"pids_limit": -5}, "invalid --pids-limit -5: must be positive or -1 (unlimited)"),
    ({"pids_limit": 4194305}, "--pids-limit"),
    ({"memory_reservation": 1024}, "Minimum memory reservation allowed is 6MB"),
    ({"memory_bytes": 64 << 20, "memory_reservation": 128 << 20},
     "Minimum memory limit can not be less than memory reservation limit"),
])
def test_bad_limits_refused_as_they_are_made(values, words):
    with pytest.raises(InvalidArgument) as e:
        Resources(**values)
    assert words in e.value.message


def test_update_merge_is_checked_too():
    res = Resources(memory_bytes=64 << 20)
    with pytest.raises(InvalidArgument):
        dataclasses.replace(res, cpu_shares=1)


def test_user_request_parsed_once():
    res = specs.resources(pb.ContainerConfig(memory="64m", cpus=0.5, cpu_shares=512, pids_limit=-1,
                                             memory_reservation="32m", memory_swap="-1", memory_swappiness=0,
                                             device_read_bps=["/dev/vda:1mb"], device_write_iops=["/dev/vda:50"]))
    assert res == rpb.Resources(memory_bytes=64 << 20, cpu_shares=512, cpu_quota=50000, cpu_period=100000,
                                memory_reservation=32 << 20, pids_limit=-1, memory_swap=-1, memory_swappiness=0,
                                nano_cpus=500_000_000, device_read_bps=["/dev/vda:1048576"],
                                device_write_iops=["/dev/vda:50"])
    # -1 (or unset) swappiness is the kernel's
    assert not specs.resources(pb.ContainerConfig(memory_swappiness=-1)).HasField("memory_swappiness")
    # an update reads the same names
    assert specs.resources(pb.UpdateRequest(memory="128m", pids_limit=50)) == rpb.Resources(
        memory_bytes=128 << 20, pids_limit=50)


@pytest.mark.parametrize("cfg, words", [
    (pb.ContainerConfig(memory="1k"), "6MB"),
    (pb.ContainerConfig(memory="9000p"), "too large"),
    (pb.ContainerConfig(cpu_shares=9999999999), "the maximum allowed cpu-shares is 262144"),
    (pb.ContainerConfig(cpus=1, cpu_quota=50000), "Conflicting options: Nano CPUs and CPU Quota cannot both be set"),
    (pb.ContainerConfig(cpus=1, cpu_period=50000), "Conflicting options: Nano CPUs and CPU Period cannot both be set"),
    (pb.ContainerConfig(device_read_bps=["sda:1m"]), 'for "--device-read-bps" flag: bad format for device path'),
    (pb.ContainerConfig(device_read_bps=["/dev/sda:abc"]), "invalid rate for device: /dev/sda:abc. The correct"),
    (pb.ContainerConfig(device_write_iops=["/dev/sda:1.5"]), "Number must be a positive integer"),
    (pb.ContainerConfig(blkio_weight_device=["/dev/sda"]), 'for "--blkio-weight-device" flag: bad format'),
    (pb.ContainerConfig(memory_swap="1x", memory="8m"), "invalid memory swap value"),
    (pb.ContainerConfig(pids_limit=9999999999999), "--pids-limit"),
    (pb.ContainerConfig(cpus=-1), "--cpus"),
    (pb.UpdateRequest(memory="1k"), "6MB"),
])
def test_user_request_refused_in_one_line(cfg, words):
    with pytest.raises(InvalidArgument) as e:
        specs.resources(cfg)
    assert words in e.value.message and "\n" not in e.value.message


def test_every_limit_reaches_the_runtime_and_inspect():
    """Each declared limit has its field in the runtime's message, a Docker
    key and an OCI place; inspect shows it under that key."""
    runtime_fields = set(rpb.Resources.DESCRIPTOR.fields_by_name)
    assert {f.name for f in FIELDS} == runtime_fields
    res = rpb.Resources(memory_bytes=64 << 20, cpu_shares=512, cpu_quota=50000, cpu_period=100000, pids_limit=8,
                        memory_reservation=32 << 20, nano_cpus=500_000_000, device_read_bps=["/dev/vda:1024"])
    shown = documents._limits(res)
    assert {key: shown[key] for key in ("Memory", "MemorySwap", "NanoCpus", "CpuShares", "CpuQuota", "CpuPeriod",
                                        "PidsLimit", "MemoryReservation", "BlkioDeviceReadBps")} == {
        "Memory": 64 << 20, "MemorySwap": 128 << 20, "NanoCpus": 500_000_000, "CpuShares": 512, "CpuQuota": 0,
        "CpuPeriod": 0, "PidsLimit": 8, "MemoryReservation": 32 << 20,
        "BlkioDeviceReadBps": [{"Path": "/dev/vda", "Rate": 1024}]}
    # Docker's zero values: null for no limit, [] for no weight device
    empty = documents._limits(rpb.Resources())
    assert empty["PidsLimit"] is None and empty["MemorySwappiness"] is None and empty["BlkioDeviceWriteIOps"] is None
    assert empty["BlkioWeightDevice"] == [] and empty["OomKillDisable"] is False and empty["CpusetCpus"] == ""
    assert documents._limits(rpb.Resources(pids_limit=-1, memory_bytes=8 << 20, memory_swap=-1))[
        "PidsLimit"] is None
    assert documents._limits(rpb.Resources(memory_bytes=8 << 20, memory_swap=-1))["MemorySwap"] == -1


def test_oci_resources_both_ways():
    res = Resources(memory_bytes=64 << 20, cpu_shares=512, cpu_quota=50000, pids_limit=8, memory_reservation=32 << 20)
    oci = ocispec.resources(res)
    assert oci == {"memory": {"limit": 64 << 20, "reservation": 32 << 20, "swap": 128 << 20},
                   "cpu": {"shares": 512, "quota": 50000, "period": 100000}, "pids": {"limit": 8}}
    assert ocispec.resources_of(oci) == dataclasses.replace(res, cpu_period=100000)
    assert ocispec.resources(Resources()) == {}
    more = Resources(memory_bytes=64 << 20, memory_swap=-1, memory_swappiness=0, oom_kill_disable=True,
                     cpuset_cpus="0", cpu_period=50000, device_write_iops=("8:0:100",))
    oci = ocispec.resources(more)
    assert oci == {"memory": {"limit": 64 << 20, "swap": -1, "swappiness": 0, "disableOOMKiller": True},
                   "cpu": {"period": 50000, "cpus": "0"},
                   "blockIO": {"throttleWriteIOPSDevice": [{"major": 8, "minor": 0, "rate": 100}]}}
    assert ocispec.resources_of(oci) == more
    assert ocispec.resources_of({"devices": [{"allow": False, "access": "rwm"}]}) == Resources()
