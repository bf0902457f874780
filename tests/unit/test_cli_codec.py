"""The CLI's codec (gateway/cli/rpc/codec.py) against the protobuf library: for every
doca.v1 message (and the well-known types they use) and for a test proto
with every scalar type, repeated (packed and not), maps, nesting, oneofs and
proto3 optional: the same bytes from the same values, the same values from
the same bytes, unknown fields kept, bad bytes refused; and the same JSON
values as json_format (tojson), Timestamps too."""
import importlib
import json
import math
import pathlib
import random
import sys
import types

import pytest
from google.protobuf import descriptor, descriptor_pool, message_factory
from grpc_tools import protoc

from gateway.cli.rpc import codec, doca_v1, tojson

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import genproto  # noqa: E402

FD = descriptor.FieldDescriptor

TEST_PROTO = """
syntax = "proto3";
package codectest;

enum Color { RED = 0; GREEN = 1; NEGATIVE = -2; }

message Scalars {
  double d = 1; float f = 2; int64 i64 = 3; uint64 u64 = 4; int32 i32 = 5; fixed64 f64 = 6;
  fixed32 f32 = 7; bool b = 8; string s = 9; bytes by = 12; uint32 u32 = 13; Color e = 14;
  sfixed32 sf32 = 15; sfixed64 sf64 = 16; sint32 s32 = 17; sint64 s64 = 18;
}

message Repeated {
  repeated double d = 1; repeated float f = 2; repeated int64 i64 = 3; repeated uint64 u64 = 4;
  repeated int32 i32 = 5; repeated fixed64 f64 = 6; repeated fixed32 f32 = 7; repeated bool b = 8;
  repeated string s = 9; repeated bytes by = 12; repeated uint32 u32 = 13; repeated Color e = 14;
  repeated sfixed32 sf32 = 15; repeated sfixed64 sf64 = 16; repeated sint32 s32 = 17; repeated sint64 s64 = 18;
  repeated int32 unpacked = 20 [packed = false]; repeated Scalars msgs = 21; repeated sint64 unpacked_s = 22 [packed = false];
}

message Maps {
  map<string, string> ss = 1; map<int32, int64> ii = 2; map<bool, bytes> bb = 3; map<uint64, Scalars> um = 4;
  map<sint32, Color> se = 5; map<fixed64, double> fd = 6; map<string, Maps> rec = 7; map<sfixed32, float> sf = 8;
}

message Oneofs {
  oneof pick { int32 a = 1; string b = 2; Scalars c = 3; bytes d = 4; Color e = 5; }
  optional int32 opt = 6; optional string opt_s = 7; optional double opt_d = 8;
  Oneofs self = 9;
  oneof other { bool x = 10; Maps y = 11; }
}

message Outer {
  message Inner {
    message Deep { int32 x = 1; }
    enum Kind { A = 0; B = 1; }
    Deep deep = 1;
    repeated Inner more = 2;
    Kind kind = 3;
  }
  Inner inner = 1;
  repeated Inner.Deep deeps = 2;
  Inner.Kind kind = 3;
}

message Empty {}
"""


@pytest.fixture(scope="module")
def testproto(tmp_path_factory):
    """(protobuf module, lite module) of TEST_PROTO."""
    d = tmp_path_factory.mktemp("codectest")
    (d / "codectest.proto").write_text(TEST_PROTO)
    include = pathlib.Path(protoc.__file__).parent / "_proto"
    assert protoc.main(["protoc", f"-I{d}", f"-I{include}", f"--python_out={d}",
                        f"--descriptor_set_out={d / 'set.pb'}", "--include_imports", "codectest.proto"]) == 0
    from google.protobuf import descriptor_pb2
    fds = descriptor_pb2.FileDescriptorSet.FromString((d / "set.pb").read_bytes())
    lite = types.ModuleType("codectest_lite")
    exec(compile(genproto.lite_module(fds, "codectest"), "codectest_lite.py", "exec"), lite.__dict__)
    sys.path.insert(0, str(d))
    try:
        pb = importlib.import_module("codectest_pb2")
    finally:
        sys.path.remove(str(d))
    return pb, lite


def _doca_v1_protobuf():
    for name in ("containers", "images", "system", "volumes"):
        importlib.import_module(f"doca.v1.{name}_pb2")
    return descriptor_pool.Default()


# -- values -------------------------------------------------------------------------

INTS = {FD.TYPE_INT32: (-(1 << 31), (1 << 31) - 1), FD.TYPE_SINT32: (-(1 << 31), (1 << 31) - 1),
        FD.TYPE_SFIXED32: (-(1 << 31), (1 << 31) - 1), FD.TYPE_INT64: (-(1 << 63), (1 << 63) - 1),
        FD.TYPE_SINT64: (-(1 << 63), (1 << 63) - 1), FD.TYPE_SFIXED64: (-(1 << 63), (1 << 63) - 1),
        FD.TYPE_UINT32: (0, (1 << 32) - 1), FD.TYPE_FIXED32: (0, (1 << 32) - 1),
        FD.TYPE_UINT64: (0, (1 << 64) - 1), FD.TYPE_FIXED64: (0, (1 << 64) - 1)}
STRINGS = ["", "a", "busybox", "é✓", "\U0001F600 x", "x" * 200, "KEY=VALUE", "\0nul"]
FLOATS = [0.0, -0.0, 1.5, -2.25, 1e300, -1e-300, float("inf"), float("-inf"), 0.1]
FLOAT32 = [0.0, -0.0, 1.5, -2.25, 3.4028234663852886e38, float("inf"), 0.25]


def _scalar(rnd: random.Random, fd):
    t = fd.type
    if t in INTS:
        lo, hi = INTS[t]
        return rnd.choice([0, 1, -1 if lo else 2, lo, hi, rnd.randint(lo, hi), 127, 128, 300])
    if t == FD.TYPE_BOOL:
        return rnd.choice([True, False])
    if t == FD.TYPE_STRING:
        return rnd.choice(STRINGS)
    if t == FD.TYPE_BYTES:
        return rnd.choice([b"", b"\0\xff", bytes(range(256)), b"data" * 100])
    if t == FD.TYPE_DOUBLE:
        return rnd.choice(FLOATS)
    if t == FD.TYPE_FLOAT:
        return rnd.choice(FLOAT32)
    if t == FD.TYPE_ENUM:
        return rnd.choice([v.number for v in fd.enum_type.values] + [7])  # open enums keep unknown numbers
    raise AssertionError(t)


def _values(rnd: random.Random, desc, depth: int = 0) -> dict:
    """Random field values for `desc`, as plain Python (None = unset)."""
    out = {}
    chosen_oneofs = set()
    for fd in desc.fields:
        if rnd.random() < 0.35:
            continue
        oneof = fd.containing_oneof
        if oneof is not None and not (fd.has_presence and len(oneof.fields) == 1 and oneof.name.startswith("_")):
            if oneof.name in chosen_oneofs:
                continue
            chosen_oneofs.add(oneof.name)
        deep = depth >= 3
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            kfd, vfd = fd.message_type.fields_by_name["key"], fd.message_type.fields_by_name["value"]
            if deep and vfd.message_type is not None:
                continue
            n = rnd.randint(0, 3)
            out[fd.name] = {_scalar(rnd, kfd): (_values(rnd, vfd.message_type, depth + 1) if vfd.message_type
                                                 else _scalar(rnd, vfd)) for _ in range(n)}
        elif fd.is_repeated:
            if fd.message_type is not None:
                if deep:
                    continue
                out[fd.name] = [_values(rnd, fd.message_type, depth + 1) for _ in range(rnd.randint(0, 3))]
            else:
                out[fd.name] = [_scalar(rnd, fd) for _ in range(rnd.randint(0, 4))]
        elif fd.message_type is not None:
            if deep:
                continue
            out[fd.name] = _values(rnd, fd.message_type, depth + 1)
        else:
            out[fd.name] = _scalar(rnd, fd)
    return out


def _build(cls_of, desc, values: dict, lite: bool):
    """A message of either library from _values' output."""
    kw = {}
    for name, v in values.items():
        fd = desc.fields_by_name[name]
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            vfd = fd.message_type.fields_by_name["value"]
            kw[name] = {k: (_build(cls_of, vfd.message_type, x, lite) if vfd.message_type else x) for k, x in v.items()}
        elif fd.is_repeated and fd.message_type is not None:
            kw[name] = [_build(cls_of, fd.message_type, x, lite) for x in v]
        elif fd.message_type is not None:
            kw[name] = _build(cls_of, fd.message_type, v, lite)
        else:
            kw[name] = v
    return cls_of(desc.full_name)(**kw)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.copysign(1, a) == math.copysign(1, b) and (a == b or (math.isnan(a) and math.isnan(b)))
    return type(a) is type(b) and a == b


def _compare(pbmsg, litemsg, desc, path: str = "") -> None:
    """Every field of the protobuf message reads the same on the lite one."""
    for fd in desc.fields:
        where = f"{path}{desc.name}.{fd.name}"
        pv, lv = getattr(pbmsg, fd.name), getattr(litemsg, fd.name)
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            vfd = fd.message_type.fields_by_name["value"]
            assert set(pv) == set(lv), where
            for k in pv:
                if vfd.message_type is not None:
                    _compare(pv[k], lv[k], vfd.message_type, where + ".")
                else:
                    assert _same(pv[k], lv[k]), (where, k, pv[k], lv[k])
        elif fd.is_repeated:
            assert len(pv) == len(lv), where
            for x, y in zip(pv, lv):
                if fd.message_type is not None:
                    _compare(x, y, fd.message_type, where + ".")
                else:
                    assert _same(x, y), (where, x, y)
        else:
            if fd.has_presence:
                assert pbmsg.HasField(fd.name) == litemsg.HasField(fd.name), where
            if fd.message_type is not None:
                if pbmsg.HasField(fd.name):
                    _compare(pv, lv, fd.message_type, where + ".")
            else:
                assert _same(pv, lv), (where, pv, lv)
    for oneof in desc.oneofs:
        assert pbmsg.WhichOneof(oneof.name) == litemsg.WhichOneof(oneof.name), oneof.full_name


def _unknown(rnd: random.Random, desc) -> bytes:
    """Fields this message does not have: every wire type, groups too."""
    used = {fd.number for fd in desc.fields}
    number = max(used | {0}) + rnd.randint(1, 3000)
    kind = rnd.randrange(5)
    if kind == 0:
        return codec.varint(number << 3) + codec.varint(rnd.choice([0, 1, 300, (1 << 64) - 1]))
    if kind == 1:
        return codec.varint((number << 3) | 1) + bytes(range(8))
    if kind == 2:
        return codec.varint((number << 3) | 2) + codec.varint(5) + b"hello"
    if kind == 3:
        return codec.varint((number << 3) | 5) + b"\x01\x02\x03\x04"
    inner = codec.varint((1 << 3) | 0) + b"\x05" + codec.varint((2 << 3) | 2) + b"\x01x"
    return codec.varint((number << 3) | 3) + inner + codec.varint((number << 3) | 4)


def _check_message(rnd, desc, pb_class, lite_class, lite_of, pb_of, rounds: int) -> None:
    for _ in range(rounds):
        values = _values(rnd, desc)
        pbmsg = _build(pb_of, desc, values, lite=False)
        litemsg = _build(lite_of, desc, values, lite=True)
        want = pbmsg.SerializeToString(deterministic=True)
        # Same values -> same bytes.
        assert _same_bytes(pb_class, litemsg.SerializeToString(), want), (desc.full_name, values)
        # Same bytes -> same values (and the same bytes again).
        decoded = lite_class.FromString(want)
        _compare(pbmsg, decoded, desc)
        assert _same_bytes(pb_class, decoded.SerializeToString(), want)
        # Unknown fields survive, written after the known ones as protobuf does.
        extra = b"".join(_unknown(rnd, desc) for _ in range(rnd.randint(1, 3)))
        mixed = want + extra
        pb2 = pb_class.FromString(mixed)
        lite2 = lite_class.FromString(mixed)
        _compare(pb2, lite2, desc)
        assert _same_bytes(pb_class, lite2.SerializeToString(), pb2.SerializeToString(deterministic=True))


def _same_bytes(pb_class, ours: bytes, want: bytes) -> bool:
    """Byte for byte; where maps hold several entries, their order may differ
    (upb's "deterministic" order is its own: keys compared as unsigned, longer
    strings first...): then the same bytes once protobuf has read ours."""
    return ours == want or pb_class.FromString(ours).SerializeToString(deterministic=True) == want


def _messages(lite) -> list[str]:
    """The messages of a codec module's tables (map entries go with their maps)."""
    return [n for n in lite.MESSAGES if not n.endswith("Entry")]


def _protobuf_classes(pool):
    """full name -> protobuf's class of that message in `pool`."""
    return lambda full: message_factory.GetMessageClass(pool.FindMessageTypeByName(full))


def test_every_doca_v1_message_matches_protobuf():
    pool = _doca_v1_protobuf()
    rnd = random.Random(1234)
    names = _messages(doca_v1)
    assert "doca.v1.ContainerConfig" in names and "google.protobuf.Struct" in names
    pb_of = _protobuf_classes(pool)
    for full in names:
        desc = pool.FindMessageTypeByName(full)
        _check_message(rnd, desc, pb_of(full), doca_v1._module.message(full), doca_v1._module.message, pb_of, 25)


def test_every_type_and_shape_matches_protobuf(testproto):
    pb, lite = testproto
    pool = pb.DESCRIPTOR.pool
    rnd = random.Random(99)
    pb_of = _protobuf_classes(pool)
    for full in _messages(lite):
        desc = pool.FindMessageTypeByName(full)
        _check_message(rnd, desc, pb_of(full), lite._module.message(full), lite._module.message, pb_of, 150)


def test_tables_are_what_protoc_describes(testproto):
    """Flags the codec relies on: packed by default in proto3, not when asked;
    maps; presence for optional, oneof members and messages."""
    _, lite = testproto
    fields = {f[1]: f for f in lite.MESSAGES["codectest.Repeated"][0]}
    assert fields["i32"][3] == codec.REPEATED | codec.PACKED
    assert fields["unpacked"][3] == codec.REPEATED
    assert fields["s"][3] == fields["msgs"][3] == codec.REPEATED
    assert {f[1]: f[3] for f in lite.MESSAGES["codectest.Maps"][0]}["ss"] == codec.REPEATED | codec.MAP
    oneofs = {f[1]: f for f in lite.MESSAGES["codectest.Oneofs"][0]}
    assert oneofs["a"][3] == codec.PRESENCE and oneofs["a"][5] == "pick"
    assert oneofs["opt"][3] == codec.PRESENCE
    assert oneofs["self"][3] == codec.PRESENCE


def test_api_surface(testproto):
    pb, lite = testproto
    m = lite.Oneofs(a=5)
    assert m.WhichOneof("pick") == "a" and m.a == 5 and m.b == ""
    m.b = "x"  # setting a member clears the others
    assert m.WhichOneof("pick") == "b" and not m.HasField("a")
    assert not m.HasField("opt") and m.opt == 0
    m.opt = 0
    assert m.HasField("opt") and m.SerializeToString() == pb.Oneofs(b="x", opt=0).SerializeToString()
    assert lite.Oneofs(opt=None).SerializeToString() == b""  # None leaves a field unset
    assert lite.Outer.Inner.Kind.B == 1 and lite.Outer.Inner.B == 1 and lite.NEGATIVE == -2
    assert lite.Color.Name(1) == "GREEN" and lite.Color.Value("NEGATIVE") == -2
    assert lite.Outer().inner.deep.x == 0  # unset messages read as empty ones
    assert not lite.Outer().HasField("inner")
    r = lite.Repeated()
    r.s.append("a")
    assert r.SerializeToString() == pb.Repeated(s=["a"]).SerializeToString()
    with pytest.raises(ValueError, match='has no "nope" field'):
        lite.Scalars(nope=1)
    with pytest.raises(ValueError, match="Value out of range: 4294967296"):
        lite.Scalars(u32=1 << 32).SerializeToString()
    with pytest.raises(ValueError, match="Value out of range: -1"):
        lite.Scalars(u64=-1).SerializeToString()
    with pytest.raises(UnicodeEncodeError):
        lite.Scalars(s="\udcff").SerializeToString()
    with pytest.raises(TypeError, match="Expected an int, got a boolean"):
        lite.Scalars(i64=True).SerializeToString()


@pytest.mark.parametrize("data", [b"\x0a\x05ab", b"\x08", b"\x08\xff", b"\x0b", b"\x0c", b"\x0f\x00",
                                  b"\x12\x02\xff\xfe", b"\x11\x00\x00", b"\x0a\x02\xff\xfe\x12\x02\xc3"])
def test_bad_bytes_are_refused_as_protobuf_refuses_them(testproto, data):
    pb, lite = testproto
    from google.protobuf.message import DecodeError
    with pytest.raises(DecodeError):
        pb.Oneofs.FromString(data)
    with pytest.raises(codec.DecodeError, match="Error parsing message with type 'codectest.Oneofs'"):
        lite.Oneofs.FromString(data)


def test_services_are_the_protos():
    pool = _doca_v1_protobuf()
    for service, methods in doca_v1.SERVICES.items():
        desc = pool.FindServiceByName(f"doca.v1.{service}")
        assert set(methods) == {m.name for m in desc.methods}
        for m in desc.methods:
            assert methods[m.name] == (f"/doca.v1.{service}/{m.name}", m.input_type.full_name,
                                       m.output_type.full_name, m.client_streaming, m.server_streaming)


# -- as JSON (what the verbs show) ----------------------------------------------------

def _check_json(rnd, desc, lite_of, pb_of, rounds: int) -> int:
    """tojson.to_dict of the codec's message is json_format.MessageToDict of
    protobuf's, value for value (both refuse what neither can show)."""
    from google.protobuf import json_format
    shown = 0
    for _ in range(rounds):
        values = _values(rnd, desc)
        pbmsg = _build(pb_of, desc, values, lite=False)
        litemsg = lite_of(desc.full_name).FromString(pbmsg.SerializeToString())
        try:
            want = json_format.MessageToDict(pbmsg)
        except (json_format.Error, ValueError):
            with pytest.raises(ValueError):
                tojson.to_dict(litemsg)
            continue
        got = tojson.to_dict(litemsg)
        assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True), (desc.full_name, values)
        shown += 1
    return shown


def test_every_doca_v1_message_as_json_is_protobufs():
    pool = _doca_v1_protobuf()
    rnd, pb_of = random.Random(4321), _protobuf_classes(pool)
    shown = sum(_check_json(rnd, pool.FindMessageTypeByName(full), doca_v1._module.message, pb_of, 25)
                for full in _messages(doca_v1))
    assert shown > 2000


def test_every_type_and_shape_as_json_is_protobufs(testproto):
    pb, lite = testproto
    pool = pb.DESCRIPTOR.pool
    rnd, pb_of = random.Random(77), _protobuf_classes(pool)
    for full in _messages(lite):
        _check_json(rnd, pool.FindMessageTypeByName(full), lite._module.message, pb_of, 150)


@pytest.mark.parametrize("seconds, nanos", [(0, 0), (1, 0), (1_700_000_000, 123_000_000), (1_700_000_000, 123_456_000),
                                            (1_700_000_000, 123_456_789), (-1, 999_999_999), (-62135596800, 0),
                                            (253402300799, 999_999_999), (86399, 1)])
def test_timestamps_as_protobuf_shows_them(seconds, nanos):
    from google.protobuf import timestamp_pb2
    want = timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos)
    ts = doca_v1._module.message("google.protobuf.Timestamp")(seconds=seconds, nanos=nanos)
    assert tojson.timestamp_text(ts) == want.ToJsonString()
    assert tojson.seconds(ts) == (want.ToNanoseconds() / 1e9 if seconds or nanos else 0.0)
    with pytest.raises(ValueError):
        tojson.timestamp_text(doca_v1._module.message("google.protobuf.Timestamp")(seconds=253402300800))
