"""`inspect -f` as Docker's CLI runs it (cli/command/inspect/inspector.go):
the template runs on the document decoded into its Go type
(inspect_types.py); if that fails it runs again on the raw JSON map with
text/template's missingkey=error, and that run's error is what the user
sees ("template parsing error: template: :1:13: executing "" at
<.HostConfig.Nope>: map has no entry for key "Nope""), the document
printing nothing. Hence, on the typed run: a field Go's struct has but
the JSON lacks prints its zero value (<nil>, [], map[]); a key missing
from a map prints <no value>; on the raw run any missing key fails.

Go's values are modelled by the classes below: what they print (go_text),
their JSON (to_json), and a field taken from them (go_field: raises
FieldFailed, the typed run's failure)."""
import json

from gateway.cli import gotemplate
from gateway.cli.inspect_types import DOCUMENT, STRUCTS, spelled

FieldFailed = gotemplate.FieldFailed
ADDRESS = "0xc000000000"  # a non-nil pointer inside a struct: Go prints its address


def _go_numbers(value):
    """JSON numbers as Go marshals them: the document's come as floats."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _go_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_numbers(v) for v in value]
    return value


def _dumps(value) -> str:
    return json.dumps(_go_numbers(value), separators=(",", ":"))


class GoStruct(dict):
    """A struct: every field of its type, by Go name (zero when the JSON
    lacks it); the raw JSON for json."""

    def __init__(self, struct: str, fields: dict, types: dict, raw):
        super().__init__(fields)
        self.struct, self.go_types, self.raw = struct, types, raw
        self.go_name = spelled(struct)  # as Go's messages spell its type

    def __bool__(self) -> bool:  # Go: a struct is always true
        return True

    def go_field(self, key: str):
        if key not in self.go_types:
            raise FieldFailed(f"can't evaluate field {key} in type {self.go_name}")
        return self[key]

    def go_text(self) -> str:
        parts = []
        for key, value in self.items():
            nested_pointer = self.go_types[key].startswith("*") and not isinstance(value, GoNil)
            parts.append(ADDRESS if nested_pointer else gotemplate.text(value))
        return "{" + " ".join(parts) + "}"

    def to_json(self) -> str:
        """Go marshals the struct's fields only: those the document has, in
        the struct's order (a key Docker's type lacks is not there)."""
        raw = self.raw if isinstance(self.raw, dict) else {}
        keys = {go: key for go, key, _ in STRUCTS[self.struct]}
        return "{" + ",".join(f"{_dumps(keys[go])}:{_json_of(v)}" for go, v in self.items() if keys[go] in raw) + "}"


class GoNil:
    """A nil pointer (prints <nil>) or a nil interface{} (<no value>)."""

    def __init__(self, typ: str, shown: str = "<nil>"):
        self.typ, self.shown = typ, shown

    def __bool__(self) -> bool:
        return False

    def go_field(self, key: str):
        raise FieldFailed(f"nil pointer evaluating {self.typ}.{key}")

    def go_text(self) -> str:
        return self.shown

    def to_json(self) -> str:
        return "null"


class GoList(list):
    """A slice or an array; a nil slice prints [] and marshals to null."""

    def __init__(self, items, typ: str, nil: bool = False):
        super().__init__(items)
        self.typ, self.nil = typ, nil

    def go_field(self, key: str):
        raise FieldFailed(f"can't evaluate field {key} in type {spelled(self.typ)}")

    def go_text(self) -> str:
        return "[" + " ".join(gotemplate.text(v) for v in self) + "]"

    def to_json(self) -> str:
        return "null" if self.nil else "[" + ",".join(_json_of(v) for v in self) + "]"


class GoMap(dict):
    """A map: a missing string key is Go's invalid value (<no value>);
    `index` gives the element type's zero value; a map keyed by a named
    type (nat.PortMap) takes no field."""

    def __init__(self, items: dict, typ: str, elem: str, string_key: bool, nil: bool = False):
        super().__init__(items)
        self.typ, self.elem, self.string_key, self.nil = typ, elem, string_key, nil

    def go_field(self, key: str):
        if not self.string_key:
            raise FieldFailed(f"can't evaluate field {key} in type {spelled(self.typ)}")
        return self.get(key)

    def go_index(self, key):
        return self[key] if key in self else typed(None, self.elem)

    def go_text(self) -> str:
        return "map[" + " ".join(f"{k}:{gotemplate.text(v)}" for k, v in sorted(self.items())) + "]"

    def to_json(self) -> str:
        if self.nil:
            return "null"
        return "{" + ",".join(f"{_dumps(k)}:{_json_of(v)}" for k, v in self.items()) + "}"


class GoTime(str):
    """time.Time: its JSON is RFC 3339; Go prints 2006-01-02 15:04:05.999999999 -0700 MST."""

    def go_field(self, key: str):
        raise FieldFailed(f"can't evaluate field {key} in type time.Time")

    def go_text(self) -> str:
        date, _, clock = str(self).partition("T")
        if clock.endswith("Z"):
            return f"{date} {clock[:-1]} +0000 UTC"
        for sign in "+-":
            if sign in clock:
                at = clock.rindex(sign)
                zone = sign + clock[at + 1:].replace(":", "")
                return f"{date} {clock[:at]} {zone} {zone}"
        return str(self)

    def to_json(self) -> str:
        return _dumps(str(self))


class GoDuration(int):
    """time.Duration: nanoseconds in JSON; Go prints 1m30s, 1.5s, 20ms."""

    def go_field(self, key: str):
        raise FieldFailed(f"can't evaluate field {key} in type time.Duration")

    def go_text(self) -> str:
        return duration_text(int(self))

    def to_json(self) -> str:
        return str(int(self))


def duration_text(ns: int) -> str:
    """Go's Duration.String()."""
    if ns == 0:
        return "0s"
    sign, ns = ("-", -ns) if ns < 0 else ("", ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return sign + _decimal(ns, size) + unit
    h, rest = divmod(ns, 3600 * 10**9)
    m, rest = divmod(rest, 60 * 10**9)
    out = (f"{h}h" if h else "") + (f"{m}m" if h or m else "") + _decimal(rest, 10**9) + "s"
    return sign + out


def _decimal(n: int, size: int) -> str:
    whole, frac = divmod(n, size)
    if not frac:
        return str(whole)
    digits = str(frac).rjust(len(str(size)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"


def _json_of(value) -> str:
    return value.to_json() if hasattr(value, "to_json") else _dumps(value)


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def typed(value, typ: str):
    """The JSON `value` (None: absent or null) as Go's value of type `typ`."""
    if typ == "string":
        return value if isinstance(value, str) else ""
    if typ in ("int", "int64"):
        return int(_number(value))
    if typ == "float":
        return float(_number(value))
    if typ == "bool":
        return value is True
    if typ == "time":
        return GoTime(value if isinstance(value, str) else "0001-01-01T00:00:00Z")
    if typ == "duration":
        return GoDuration(int(_number(value)))
    if typ == "any":
        return GoNil("interface {}", "<no value>") if value is None else value
    if typ.startswith("*"):
        if value is None:
            return GoNil(spelled(typ))
        pointed = typed(value, typ[1:])
        if isinstance(pointed, GoStruct):  # Go's messages name the pointer type
            pointed.go_name = spelled(typ)
        return pointed
    if typ.startswith("[]"):
        items = value if isinstance(value, list) else []
        return GoList([typed(v, typ[2:]) for v in items], typ, nil=not isinstance(value, list))
    if typ.startswith("[") and "]" in typ:  # an array: never nil
        items = value if isinstance(value, list) else []
        return GoList([typed(v, typ[typ.index("]") + 1:]) for v in items], typ)
    if typ.startswith("map["):
        key, elem = typ[4:].split("]", 1)
        items = value if isinstance(value, dict) else {}
        return GoMap({k: typed(v, elem) for k, v in items.items()}, typ, elem, key == "string",
                     nil=not isinstance(value, dict))
    fields = STRUCTS[typ]
    raw = value if isinstance(value, dict) else {}
    return GoStruct(typ, {go: typed(raw.get(key), t) for go, key, t in fields},
                    {go: t for go, _, t in fields}, value)


class GoNumber(str):
    """A number of the raw run: Docker's CLI decodes the JSON with
    UseNumber, so it is a json.Number, a string to Go's comparisons and
    printf (eq with 0 fails, with "0" holds), its digits as printed."""
    go_type = "json.Number"

    def to_json(self) -> str:
        return str(self)


class RawMap(dict):
    """A JSON object of the raw run: a Go map, so its json has the keys
    sorted (and numbers unquoted)."""

    def to_json(self) -> str:
        return "{" + ",".join(f"{_dumps(k)}:{_json_of(v)}" for k, v in sorted(self.items())) + "}"


class RawList(list):
    def to_json(self) -> str:
        return "[" + ",".join(_json_of(v) for v in self) + "]"


def raw_document(value):
    """The JSON as Docker's raw run holds it: numbers as json.Number."""
    if isinstance(value, dict):
        return RawMap((k, raw_document(v)) for k, v in value.items())
    if isinstance(value, list):
        return RawList(raw_document(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return GoNumber(_dumps(value))
    return value


def typed_document(doc: dict, kind: str | None):
    """The document as Docker's CLI decodes it; None when its type is not known."""
    name = DOCUMENT.get(kind or "")
    return typed(doc, name) if name else None


def render_document(render, doc: dict, kind: str | None, raw_fallback: bool = True) -> str:
    """One document's output, or gotemplate.TemplateError with Docker's
    words: the typed run first, then the raw map's (missingkey=error).
    Without `raw_fallback` (`volume inspect`: Docker's CLI has no raw
    document there) the typed run's error is the one told."""
    value = typed_document(doc, kind)
    if value is not None:
        try:
            return render(value, mode="typed")
        except gotemplate.ParseError:
            raise
        except gotemplate.TemplateError as e:
            if not raw_fallback:
                raise gotemplate.TemplateError(f"template parsing error: {e}") from None
    try:
        return render(raw_document(doc), mode="raw")
    except gotemplate.ParseError:
        raise
    except gotemplate.TemplateError as e:
        raise gotemplate.TemplateError(f"template parsing error: {e}") from None
