"""The runtime's typed spec (services/runtime/model.py) mirrors
doca.runtime.v1's messages field by field, and its generic conversions
agree with protobuf's own: message <-> typed <-> the JSON form records
have always been written in (json_format's)."""
import dataclasses

import pytest
from google.protobuf import json_format

from common.errors import InvalidArgument
from common.resources import Resources
from doca.runtime.v1 import runtime_pb2 as pb
from services.runtime import model

CLASSES = [model.ContainerSpec, model.Process, model.Rootfs, model.Mount, model.WindowSize, model.LogConfig,
           model.RestartPolicy, model.Healthcheck, model.UsernsRemap, Resources]


def _full() -> pb.ContainerSpec:
    """A message with every field set (a repeated message twice)."""
    msg = pb.ContainerSpec()
    _fill(msg)
    return msg


# A value each limit accepts (the others: 8 MiB for memory, 100000)
VALID_LIMITS = {"memory_swap": 16 << 20, "memory_swappiness": 60, "cpuset_cpus": "0", "cpuset_mems": "0",
                "nano_cpus": 1_000_000_000, "blkio_weight": 500, "oom_score_adj": -5, "kernel_memory": 8 << 20,
                "devices": ["/dev/a:/dev/b:r", "/dev/c"], "device_cgroup_rules": ["c 1:3 mr", "b *:* m"]}


def _fill(msg) -> None:
    for f in msg.DESCRIPTOR.fields:
        value = getattr(msg, f.name)
        if msg.DESCRIPTOR.name == "Resources" and f.name in VALID_LIMITS and f.is_repeated:
            value.extend(VALID_LIMITS[f.name])
        elif msg.DESCRIPTOR.name == "Resources" and f.name in VALID_LIMITS:
            setattr(msg, f.name, VALID_LIMITS[f.name])
        elif msg.DESCRIPTOR.name == "Resources" and f.is_repeated:
            value.extend(["/dev/a:100", "8:0:200"])
        elif f.message_type is not None and f.message_type.GetOptions().map_entry:
            value.update({"k1": "v1", "k2": "v2"})
        elif f.message_type is not None and f.is_repeated:
            _fill(value.add())
            _fill(value.add())
        elif f.message_type is not None:
            _fill(value)
        elif f.is_repeated:
            value.extend([f"{f.name}-1", f"{f.name}-2"])
        elif f.type == f.TYPE_STRING:
            setattr(msg, f.name, f"{f.name}-value")
        elif f.type == f.TYPE_BOOL:
            setattr(msg, f.name, True)
        elif msg.DESCRIPTOR.name == "Resources":  # a value each limit accepts
            setattr(msg, f.name, 8 << 20 if f.name.startswith("memory") else 100000)
        else:
            setattr(msg, f.name, 7)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_fields_mirror_the_message(cls):
    proto = getattr(pb, cls.__name__).DESCRIPTOR
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in proto.fields]


def test_message_typed_message():
    msg = _full()
    spec = model.from_message(model.ContainerSpec, msg)
    assert spec.mounts[1].options == ("options-1", "options-2") and spec.labels == {"k1": "v1", "k2": "v2"}
    assert spec.resources.pids_limit == 100000 and spec.stop_timeout == 7
    assert model.to_message(spec, pb.ContainerSpec()) == msg


def test_json_form_is_json_formats():
    msg = _full()
    spec = model.from_message(model.ContainerSpec, msg)
    # what an older doca wrote (int64 as strings) reads the same
    assert model.from_json(model.ContainerSpec, json_format.MessageToDict(msg)) == spec
    assert json_format.ParseDict(model.to_json(spec), pb.ContainerSpec()) == msg


def test_defaults_and_presence():
    empty = model.from_message(model.ContainerSpec, pb.ContainerSpec())
    assert empty == model.ContainerSpec() and empty.stop_timeout is None
    assert model.to_json(empty) == {}
    zero = pb.ContainerSpec(stop_timeout=0)  # an `optional` set to 0 is not unset
    spec = model.from_message(model.ContainerSpec, zero)
    assert spec.stop_timeout == 0 and model.to_json(spec) == {"stopTimeout": 0}
    assert model.to_message(spec, pb.ContainerSpec()).HasField("stop_timeout")
    assert not model.to_message(empty, pb.ContainerSpec()).HasField("healthcheck")


def test_limits_checked_as_the_spec_is_made():
    with pytest.raises(InvalidArgument):
        model.from_message(model.ContainerSpec, pb.ContainerSpec(resources=pb.Resources(memory_bytes=1024)))


def test_changes_are_the_fields_set():
    assert model.changes(pb.Resources(memory_bytes=64 << 20, pids_limit=5), Resources) == {
        "memory_bytes": 64 << 20, "pids_limit": 5}
