"""The codec's messages as JSON values, as protobuf's
json_format.MessageToDict gives them (its default options): Struct
documents as dicts, Timestamps as RFC 3339 text, other messages with their
fields' JSON names (lowerCamelCase), 64-bit integers as text, enums by
name, bytes as base64, only the fields that are set. Also a Timestamp as
epoch seconds. What the verbs used protobuf's own classes for, so that no
verb needs them (tests/unit/test_cli_codec.py compares with json_format).
"""
from gateway.cli.rpc import codec

_INT64 = (codec.INT64, codec.UINT64, codec.SINT64, codec.FIXED64, codec.SFIXED64)
_SECONDS_PER_DAY = 24 * 3600
_SECONDS_MIN, _SECONDS_MAX = -62135596800, 253402300799  # 0001-01-01, 9999-12-31


def seconds(ts) -> float:
    """A Timestamp as epoch seconds; 0.0 when unset (common.timestamps.from_proto's)."""
    return (ts.seconds * 1_000_000_000 + ts.nanos) / 1e9 if ts.seconds or ts.nanos else 0.0


def timestamp_text(ts) -> str:
    """Timestamp.ToJsonString: UTC, Z, with 0, 3, 6 or 9 fractional digits."""
    if not _SECONDS_MIN <= ts.seconds <= _SECONDS_MAX:
        raise ValueError(f"Timestamp is not valid: Seconds {ts.seconds} must be in range "
                         f"[{_SECONDS_MIN}, {_SECONDS_MAX}].")
    if not 0 <= ts.nanos < 1_000_000_000:
        raise ValueError(f"Timestamp is not valid: Nanos {ts.nanos} must be in a range [0, 999999].")
    import datetime  # only where a timestamp is shown
    secs = ts.seconds % _SECONDS_PER_DAY
    text = (datetime.datetime(1970, 1, 1) + datetime.timedelta((ts.seconds - secs) // _SECONDS_PER_DAY, secs)).isoformat()
    nanos = ts.nanos
    if nanos % 1_000_000_000 == 0:
        return text + "Z"
    if nanos % 1_000_000 == 0:
        return f"{text}.{nanos // 1_000_000:03d}Z"
    if nanos % 1000 == 0:
        return f"{text}.{nanos // 1000:06d}Z"
    return f"{text}.{nanos:09d}Z"


def to_dict(msg):
    """json_format.MessageToDict(msg): a dict (a str for a Timestamp)."""
    name = msg._full_name
    if name == "google.protobuf.Timestamp":
        return timestamp_text(msg)
    if name == "google.protobuf.Struct":
        return {k: _value(v) for k, v in msg.fields.items()}
    if name == "google.protobuf.Value":
        return _value(msg)
    if name == "google.protobuf.ListValue":
        return [_value(v) for v in msg.values]
    if name.startswith("google.protobuf."):
        raise NotImplementedError(f"{name} as JSON")  # no doca.v1 message holds another well-known type
    out = {}
    module, d = msg._module, msg.__dict__
    for field, (number, fname, typ, flags, type_name, _) in zip(type(msg)._plan, module.messages[name][0]):
        if fname not in d:
            continue
        v = d[fname]
        if flags & codec.MAP:
            if not v:
                continue
            kf, vf = field[4]._plan
            vtype = module.messages[field[4]._full_name][0][1][4]
            v = {_key(k): _scalar(vf[1], x, vtype, module) for k, x in v.items()}
        elif flags & codec.REPEATED:
            if not v:
                continue
            v = [_scalar(typ, x, type_name, module) for x in v]
        elif not (flags & codec.PRESENCE or typ == codec.MESSAGE) and codec._is_zero(typ, v):
            continue
        else:
            v = _scalar(typ, v, type_name, module)
        out[_json_name(fname)] = v
    return out


def _json_name(name: str) -> str:
    """protoc's default json_name: each '_' dropped, the letter after it upper-cased."""
    if "_" not in name:
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _key(k) -> str:
    if isinstance(k, bool):
        return "true" if k else "false"
    return str(k)


def _scalar(typ: int, v, type_name: str, module):
    if typ == codec.MESSAGE:
        return to_dict(v)
    if typ == codec.ENUM:
        if type_name == "google.protobuf.NullValue":
            return None
        for value_name, number in module.enums[type_name].items():
            if number == v:
                return value_name
        return v  # open enums keep numbers they do not know
    if typ == codec.BYTES:
        import binascii
        return binascii.b2a_base64(v, newline=False).decode("ascii")
    if typ in _INT64:
        return str(v)
    if typ == codec.DOUBLE or typ == codec.FLOAT:
        if v != v:
            return "NaN"
        if v in (float("inf"), float("-inf")):
            return "Infinity" if v > 0 else "-Infinity"
        if typ == codec.FLOAT:
            return _shortest_float(v)
    return v


def _shortest_float(v: float) -> float:
    """The shortest decimal that is the same 32-bit float (protobuf's ToShortestFloat)."""
    s = codec._struct()
    precision = 6
    while True:
        rounded = float(f"{v:.{precision}g}")
        if s.unpack("<f", s.pack("<f", rounded))[0] == v:
            return rounded
        precision += 1


def _value(v):
    """A google.protobuf.Value as JSON (unset or null: None)."""
    kind = v.WhichOneof("kind")
    if kind is None or kind == "null_value":
        return None
    if kind == "number_value":
        n = v.number_value
        if n != n or n in (float("inf"), float("-inf")):
            raise ValueError(f"Fail to serialize {'NaN' if n != n else 'Infinity'} for Value.number_value, "
                             "which would parse as string_value")
        return n
    if kind == "struct_value":
        return to_dict(v.struct_value)
    if kind == "list_value":
        return [_value(x) for x in v.list_value.values]
    return getattr(v, kind)
