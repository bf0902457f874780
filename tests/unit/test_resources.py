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
    ({"memory_bytes": 1024}, "the minimum allowed memory is 6MB"),
    ({"memory_bytes": -1}, "must be positive"),
    ({"cpu_shares": 1}, "the minimum allowed cpu-shares is 2"),
    ({"cpu_shares": -3}, "invalid --cpu-shares -3: must be positive"),
    ({"cpu_shares": 262145}, "the maximum allowed cpu-shares is 262144"),
    ({"cpu_quota": 10}, "invalid --cpu-quota 10"),
    ({"cpu_period": -1}, "--cpu-period"),
    ({"pids_limit": -5}, "invalid --pids-limit -5: must be positive or -1 (unlimited)"),
    ({"pids_limit": 4194305}, "--pids-limit"),
    ({"memory_reservation": 1024}, "the minimum allowed memory-reservation is 6MB"),
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
                                             memory_reservation="32m"))
    assert res == rpb.Resources(memory_bytes=64 << 20, cpu_shares=512, cpu_quota=50000, cpu_period=100000,
                                memory_reservation=32 << 20)
    # an update reads the same names
    assert specs.resources(pb.UpdateRequest(memory="128m", pids_limit=50)) == rpb.Resources(
        memory_bytes=128 << 20, pids_limit=50)


@pytest.mark.parametrize("cfg, words", [
    (pb.ContainerConfig(memory="1k"), "6MB"),
    (pb.ContainerConfig(memory="9000p"), "too large"),
    (pb.ContainerConfig(cpu_shares=9999999999), "the maximum allowed cpu-shares is 262144"),
    (pb.ContainerConfig(pids_limit=-5), "--pids-limit"),
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
                        memory_reservation=32 << 20)
    shown = documents._limits(res)
    assert shown == {"Memory": 64 << 20, "MemorySwap": 128 << 20, "NanoCpus": 500_000_000, "CpuShares": 512,
                     "CpuQuota": 50000, "CpuPeriod": 100000, "PidsLimit": 8, "MemoryReservation": 32 << 20}
    assert documents._limits(rpb.Resources())["PidsLimit"] is None  # Docker's null: no limit


def test_oci_resources_both_ways():
    res = Resources(memory_bytes=64 << 20, cpu_shares=512, cpu_quota=50000, pids_limit=8, memory_reservation=32 << 20)
    oci = ocispec.resources(res)
    assert oci == {"memory": {"limit": 64 << 20, "reservation": 32 << 20, "swap": 128 << 20},
                   "cpu": {"shares": 512, "quota": 50000, "period": 100000}, "pids": {"limit": 8}}
    assert ocispec.resources_of(oci) == dataclasses.replace(res, cpu_period=100000)
    assert ocispec.resources(Resources()) == {}
    assert ocispec.resources_of({"devices": [{"allow": False, "access": "rwm"}]}) == Resources()
