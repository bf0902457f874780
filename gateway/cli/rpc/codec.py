"""The CLI's protobuf codec, the only one its verbs use: proto3 messages
encoded and decoded in plain Python from tables that tools/genproto.py
generates from protos/ (doca_v1.py beside this file), so they cannot drift
from the .proto files; tojson.py shows them as json_format would.

Why: importing the protobuf package and the generated *_pb2 modules costs a
CLI call ~17 ms, more than the rest of a `doca run -d`. The messages here
offer the part of protobuf's Python API the CLI uses: keyword construction
(None = unset), attributes with proto3 defaults, WhichOneof, HasField,
SerializeToString, FromString; the bytes are the ones protobuf writes
(fields in number order, packed repeated scalars, unknown fields kept and
written last, map entries sorted by key as deterministic serialisation does).
tests/unit/test_cli_codec.py checks it against the protobuf library.

Classes are built on first use: a call builds only the few it needs.
"""

# Field tuples, as generated: (number, name, type, flags, type name, oneof).
REPEATED, PACKED, PRESENCE, MAP = 1, 2, 4, 8
# descriptor.proto's FieldDescriptorProto.Type numbers
(DOUBLE, FLOAT, INT64, UINT64, INT32, FIXED64, FIXED32, BOOL, STRING, GROUP, MESSAGE, BYTES, UINT32, ENUM,
 SFIXED32, SFIXED64, SINT32, SINT64) = range(1, 19)

_WIRE = {DOUBLE: 1, FIXED64: 1, SFIXED64: 1, FLOAT: 5, FIXED32: 5, SFIXED32: 5, STRING: 2, BYTES: 2, MESSAGE: 2}
_DEFAULT = {DOUBLE: 0.0, FLOAT: 0.0, BOOL: False, STRING: "", BYTES: b""}
_M64 = (1 << 64) - 1
_RANGE = {INT32: (-(1 << 31), (1 << 31) - 1), SINT32: (-(1 << 31), (1 << 31) - 1), SFIXED32: (-(1 << 31), (1 << 31) - 1),
          ENUM: (-(1 << 31), (1 << 31) - 1), UINT32: (0, (1 << 32) - 1), FIXED32: (0, (1 << 32) - 1),
          INT64: (-(1 << 63), (1 << 63) - 1), SINT64: (-(1 << 63), (1 << 63) - 1), SFIXED64: (-(1 << 63), (1 << 63) - 1),
          UINT64: (0, _M64), FIXED64: (0, _M64)}


class DecodeError(Exception):
    """Bytes that are not the message (protobuf's message.DecodeError)."""


class OutOfRange(ValueError):
    """A number its field cannot hold (protobuf's own ValueError and text);
    `field`, `value`, `lo`, `hi` let the CLI say which flag, in one line."""

    def __init__(self, value: int, where: str, lo: int, hi: int):
        super().__init__(f"Value out of range: {value}")
        self.value, self.field, self.lo, self.hi = value, where.rsplit(".", 1)[-1], lo, hi


def _struct():
    import _struct  # only when a float or double is on the wire
    return _struct


# -- encoding -----------------------------------------------------------------------

def varint(v: int) -> bytes:
    if v < 0x80:
        return bytes((v,)) if v >= 0 else varint(v & _M64)
    out = bytearray()
    while v > 0x7F:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def _int(v, typ: int, where: str) -> int:
    if type(v) is not int:
        if isinstance(v, bool):
            raise TypeError(f"Field {where}: Expected an int, got a boolean.")
        import _operator
        v = _operator.index(v)
    lo, hi = _RANGE[typ]
    if not lo <= v <= hi:
        raise OutOfRange(v, where, lo, hi)
    return v


def _scalar(typ: int, v, where: str) -> bytes:
    """One value's bytes, without its key."""
    if typ == STRING:
        b = v.encode("utf-8")
        return varint(len(b)) + b
    if typ == BYTES:
        return varint(len(v)) + bytes(v)
    if typ == BOOL:
        return b"\x01" if v else b"\x00"
    if typ == DOUBLE:
        return _struct().pack("<d", v)
    if typ == FLOAT:
        return _struct().pack("<f", v)
    v = _int(v, typ, where)
    if typ in (INT32, INT64, UINT32, UINT64, ENUM):
        return varint(v & _M64)
    if typ == SINT32 or typ == SINT64:
        return varint((v << 1) ^ (v >> 63) if v < 0 else v << 1)
    if typ in (FIXED32, SFIXED32):
        return (v & 0xFFFFFFFF).to_bytes(4, "little")
    return (v & _M64).to_bytes(8, "little")  # FIXED64, SFIXED64


def _is_zero(typ: int, v) -> bool:
    """proto3 leaves out a field without presence that holds its default (the
    bits: -0.0 is written)."""
    if typ == DOUBLE or typ == FLOAT:
        return v == 0 and str(v) != "-0.0"
    return not v


def _encode(msg, out: bytearray) -> None:
    cls = type(msg)
    d = msg.__dict__
    for field in cls._plan:
        name, typ, flags, key, sub, where = field
        if name not in d:
            continue
        v = d[name]
        if flags & REPEATED:
            if not v:
                continue
            if flags & MAP:
                kf, vf = sub._plan
                for k in sorted(v):
                    entry = bytearray(kf[3] + _scalar(kf[1], k, kf[5]))
                    val = v[k]
                    if vf[1] == MESSAGE:
                        body = bytearray()
                        _encode(val, body)
                        entry += vf[3] + varint(len(body)) + body
                    else:
                        entry += vf[3] + _scalar(vf[1], val, vf[5])
                    out += key + varint(len(entry)) + entry
            elif flags & PACKED:
                body = b"".join(_scalar(typ, x, where) for x in v)
                out += key + varint(len(body)) + body
            elif typ == MESSAGE:
                for x in v:
                    body = bytearray()
                    _encode(x, body)
                    out += key + varint(len(body)) + body
            else:
                for x in v:
                    out += key + _scalar(typ, x, where)
        elif typ == MESSAGE:
            body = bytearray()
            _encode(v, body)
            out += key + varint(len(body)) + body
        elif flags & PRESENCE or not _is_zero(typ, v):
            out += key + _scalar(typ, v, where)
    unknown = d.get("_unknown")
    if unknown:
        out += unknown


# -- decoding -----------------------------------------------------------------------

def _read_varint(data, pos: int, end: int) -> tuple[int, int]:
    v = shift = 0
    while True:
        if pos >= end or shift > 63:
            raise DecodeError("truncated varint")
        b = data[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        if b < 0x80:
            return v & _M64, pos
        shift += 7


def _skip(data, pos: int, end: int, wt: int, number: int) -> int:
    """The position after one unknown field's value."""
    if wt == 0:
        return _read_varint(data, pos, end)[1]
    if wt == 1:
        pos += 8
    elif wt == 5:
        pos += 4
    elif wt == 2:
        n, pos = _read_varint(data, pos, end)
        pos += n
    elif wt == 3:  # a group: fields until its end-group key
        while True:
            key, pos = _read_varint(data, pos, end)
            if key & 7 == 4:
                if key >> 3 != number:
                    raise DecodeError("mismatched end-group")
                break
            pos = _skip(data, pos, end, key & 7, key >> 3)
    else:
        raise DecodeError("bad wire type")
    if pos > end:
        raise DecodeError("truncated field")
    return pos


def _value(typ: int, wt: int, data, pos: int, end: int):
    """(value, next position) of one scalar."""
    if wt == 0:
        v, pos = _read_varint(data, pos, end)
        if typ == BOOL:
            return v != 0, pos
        if typ in (INT32, ENUM):
            return ((v & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000, pos
        if typ == INT64:
            return (v ^ (1 << 63)) - (1 << 63), pos
        if typ == UINT32:
            return v & 0xFFFFFFFF, pos
        if typ == SINT32:
            v &= 0xFFFFFFFF
            return (v >> 1) ^ -(v & 1), pos
        if typ == SINT64:
            return (v >> 1) ^ -(v & 1), pos
        return v, pos  # UINT64
    if wt == 2:
        n, pos = _read_varint(data, pos, end)
        stop = pos + n
        if stop > end:
            raise DecodeError("truncated string")
        raw = data[pos:stop]
        if typ == STRING:
            try:
                return raw.decode("utf-8"), stop
            except UnicodeDecodeError:
                raise DecodeError("String field had bad UTF-8") from None
        return bytes(raw), stop
    size = 8 if wt == 1 else 4
    if pos + size > end:
        raise DecodeError("truncated fixed field")
    if typ == DOUBLE or typ == FLOAT:
        return _struct().unpack_from("<d" if size == 8 else "<f", data, pos)[0], pos + size
    return int.from_bytes(data[pos:pos + size], "little", signed=typ in (SFIXED32, SFIXED64)), pos + size


def _wire(typ: int) -> int:
    return _WIRE.get(typ, 0)


def _decode(cls, data, pos: int, end: int, msg) -> None:
    d = msg.__dict__
    by_number = cls._by_number
    unknown = None
    while pos < end:
        start = pos
        b = data[pos]
        if b < 0x80:
            key = b
            pos += 1
        else:
            key, pos = _read_varint(data, pos, end)
        number, wt = key >> 3, key & 7
        field = by_number.get(number)
        if field is not None:
            name, typ, flags, _, sub, _ = field
            fwt = _wire(typ)
            if wt == fwt or (wt == 2 and flags & REPEATED and fwt != 2):
                if typ == MESSAGE:
                    n, pos = _read_varint(data, pos, end)
                    stop = pos + n
                    if stop > end:
                        raise DecodeError("truncated message")
                    if flags & MAP:
                        k, v = _map_entry(sub, data, pos, stop)
                        m = d.get(name)
                        if m is None:
                            m = d[name] = {}
                        m[k] = v
                    elif flags & REPEATED:
                        item = sub()
                        _decode(sub, data, pos, stop, item)
                        d.setdefault(name, []).append(item)
                    else:
                        item = d.get(name)
                        if item is None:
                            item = sub()
                        _decode(sub, data, pos, stop, item)
                        _set(cls, d, name, item)
                    pos = stop
                elif flags & REPEATED:
                    items = d.setdefault(name, [])
                    if wt == 2 and fwt != 2:  # packed
                        n, pos = _read_varint(data, pos, end)
                        stop = pos + n
                        if stop > end:
                            raise DecodeError("truncated packed field")
                        while pos < stop:
                            v, pos = _value(typ, fwt, data, pos, stop)
                            items.append(v)
                    else:
                        v, pos = _value(typ, wt, data, pos, end)
                        items.append(v)
                else:
                    v, pos = _value(typ, wt, data, pos, end)
                    _set(cls, d, name, v)
                continue
        if wt == 4:
            raise DecodeError("unexpected end-group")
        pos = _skip(data, pos, end, wt, number)
        if unknown is None:
            unknown = d.get("_unknown") or bytearray()
        unknown += data[start:pos]
    if pos != end:
        raise DecodeError("truncated message")
    if unknown:
        d["_unknown"] = bytes(unknown)


def _set(cls, d: dict, name: str, value) -> None:
    siblings = cls._oneof_siblings.get(name)
    if siblings:
        for other in siblings:
            d.pop(other, None)
    d[name] = value


def _map_entry(entry_cls, data, pos: int, end: int):
    kf, vf = entry_cls._by_number[1], entry_cls._by_number[2]
    item = entry_cls()
    _decode(entry_cls, data, pos, end, item)
    d = item.__dict__
    k = d.get("key", _DEFAULT.get(kf[1], 0))
    if vf[1] == MESSAGE:
        v = d.get("value")
        if v is None:
            v = vf[4]()
    else:
        v = d.get("value", _DEFAULT.get(vf[1], 0))
    return k, v


# -- messages ---------------------------------------------------------------------

class Message:
    """Base of every generated message class."""

    _full_name = ""
    _module = None  # the Module whose tables describe the class (tojson.py reads its enums)
    _plan: tuple = ()
    _by_name: dict = {}
    _by_number: dict = {}
    _lazy: dict = {}
    _oneofs: dict = {}
    _oneof_siblings: dict = {}

    def __init__(self, /, **fields):
        d = self.__dict__
        by_name = self._by_name
        for name, value in fields.items():
            if value is None:
                continue
            field = by_name.get(name)
            if field is None:
                raise ValueError(f'Protocol message {type(self).__name__} has no "{name}" field.')
            flags = field[2]
            if flags & MAP:
                value = dict(value)
            elif flags & REPEATED:
                value = list(value)
            elif field[1] == MESSAGE and not isinstance(value, field[4]):
                value = field[4](**value) if isinstance(value, dict) else _wrong(field, value)
            _set(type(self), d, name, value)

    def __getattr__(self, name: str):
        """An unset repeated, map or message field (scalars have class defaults)."""
        field = type(self)._lazy.get(name)
        if field is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        if field[2] & MAP:
            v = self.__dict__[name] = {}
        elif field[2] & REPEATED:
            v = self.__dict__[name] = []
        else:
            v = field[4]()  # an unset message reads as an empty one
        return v

    def __setattr__(self, name: str, value) -> None:
        if name not in self._by_name:
            raise AttributeError(f"Assignment not allowed (no field \"{name}\" in protocol message object).")
        if value is None:
            self.__dict__.pop(name, None)
        else:
            _set(type(self), self.__dict__, name, value)

    def WhichOneof(self, oneof: str):
        members = self._oneofs.get(oneof)
        if members is None:
            raise ValueError(f'Protocol message has no oneof "{oneof}" field.')
        d = self.__dict__
        for name in members:
            if name in d:
                return name
        return None

    def HasField(self, name: str) -> bool:
        field = self._by_name.get(name)
        if field is None or field[2] & REPEATED or not (field[1] == MESSAGE or field[2] & PRESENCE):
            raise ValueError(f'Protocol message {type(self).__name__} has no singular "{name}" field.')
        return name in self.__dict__

    def SerializeToString(self, deterministic: bool = True) -> bytes:
        out = bytearray()
        _encode(self, out)
        return bytes(out)

    def MergeFromString(self, data) -> int:
        try:
            _decode(type(self), data, 0, len(data), self)
        except (DecodeError, IndexError) as e:
            raise DecodeError(f"Error parsing message with type '{self._full_name}': {e}") from None
        return len(data)

    def ParseFromString(self, data) -> int:
        self.__dict__.clear()
        return self.MergeFromString(data)

    @classmethod
    def FromString(cls, data):
        msg = cls()
        msg.MergeFromString(data)
        return msg

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.SerializeToString() == self.SerializeToString()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items() if k in self._by_name)
        return f"{type(self).__name__}({fields})"


def _wrong(field, value):
    raise TypeError(f"Message must be initialized with a dict or {field[4]._full_name}: got {type(value).__name__}")


class _Enum:
    """A generated enum: Name(), Value(), values as attributes."""

    def __init__(self, name: str, values: dict):
        self._name = name
        self._values = values
        self.__dict__.update(values)

    def Value(self, name: str) -> int:
        try:
            return self._values[name]
        except KeyError:
            raise ValueError(f"Enum {self._name} has no value defined for name {name!r}") from None

    def Name(self, number: int) -> str:
        for name, value in self._values.items():
            if value == number:
                return name
        raise ValueError(f"Enum {self._name} has no name defined for value {number!r}")


class Module:
    """The generated tables of one package, with their classes built on
    first use. `messages` maps a full name to (fields, nested type names);
    `enums` a full name to {value name: number}."""

    def __init__(self, namespace: dict, package: str, messages: dict, enums: dict, services: dict):
        self.namespace = namespace
        self.package = package
        self.messages = messages
        self.enums = enums
        self.services = services
        self.classes: dict = {}

    def message(self, full_name: str) -> type:
        cls = self.classes.get(full_name)
        if cls is None:
            cls = self._build(full_name)
        return cls

    def _build(self, full_name: str) -> type:
        fields, nested = self.messages[full_name]
        ns = {"_full_name": full_name, "_module": self, "__slots__": ()}
        cls = type(full_name.rpartition(".")[2], (Message,), ns)
        # Registered before its fields are resolved: a message may contain itself.
        self.classes[full_name] = cls
        plan, by_name, by_number, lazy, oneofs = [], {}, {}, {}, {}
        for number, name, typ, flags, type_name, oneof in fields:
            sub = self.message(type_name) if typ == MESSAGE else None
            wt = 2 if (flags & PACKED or typ == MESSAGE) else _wire(typ)
            where = f"{full_name}.{name}"
            field = (name, typ, flags, varint((number << 3) | wt), sub, where)
            plan.append(field)
            by_name[name] = field
            by_number[number] = field
            if flags & REPEATED or typ == MESSAGE:
                lazy[name] = field
            else:
                setattr(cls, name, _DEFAULT.get(typ, 0))
            if oneof:
                oneofs.setdefault(oneof, []).append(name)
        cls._plan = tuple(plan)
        cls._by_name = by_name
        cls._by_number = by_number
        cls._lazy = lazy
        cls._oneofs = oneofs
        cls._oneof_siblings = {n: tuple(m for m in members if m != n) for members in oneofs.values() for n in members}
        for inner in nested:
            short = inner.rpartition(".")[2]
            if inner in self.enums:
                values = self.enums[inner]
                setattr(cls, short, _Enum(inner, values))
                for value_name, number in values.items():
                    setattr(cls, value_name, number)
            else:
                setattr(cls, short, self.message(inner))
        return cls

    def getattr(self, name: str):
        """Module __getattr__: a message, enum or enum value of the package by its short name."""
        full = f"{self.package}.{name}"
        if full in self.messages:
            value = self.message(full)
        elif full in self.enums:
            value = _Enum(full, self.enums[full])
        else:
            for enum, values in self.enums.items():
                if enum.rpartition(".")[0] == self.package and name in values:
                    value = values[name]
                    break
            else:
                raise AttributeError(f"module {self.namespace['__name__']!r} has no attribute {name!r}")
        self.namespace[name] = value
        return value
