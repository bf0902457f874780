"""The part of Go's text/template that `--format` is used for in scripts
(`docker inspect -f`, `docker events --format`, `docker info -f`):

- "json" alone: the whole object as one JSON line;
- fields and variables: {{.State.Status}}, {{.}}, {{$}}, {{$v.IPAddress}};
- pipelines and functions: {{json .Config}}, {{.Name | upper}},
  {{index .Config.Labels "com.example"}}, len, lower, upper, title, join,
  split, print, println, printf (%s %d %v %q), eq, ne, lt, le, gt, ge,
  not, and, or;
- {{if}}/{{else if}}/{{else}}, {{range}} (over a list or a map's values in
  key order, with `$k, $v :=`), {{with}}, each closed by {{end}};
- {{- and -}} trim the white space beside them; {{$x := PIPELINE}} sets a variable.

Values print as Go prints them: true/false, map[k:v], [a b], "<no value>"
for a missing key. A template that does not parse is a ValueError with
Go's kind of message (the CLI's one line)."""
import json
import re

_ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.S)
_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(\()|(\))|(\|)|(:=)|(,)|([^\s|(),]+))')


class TemplateError(ValueError):
    for_the_user = True  # the CLI prints it as one line (errors.guarded)


class FieldFailed(TemplateError):
    """A field that cannot be taken: made into Go's located message
    ('template: :1:13: executing "" at <.A.B>: REASON') by the action."""

    def __init__(self, reason: str, word: str = ""):
        super().__init__(reason)
        self.reason, self.word = reason, word


# Keys of the scope beside the variables ($...): the run's mode and the template's text.
MODE, TEXT = "\0mode", "\0text"


# -- parsing --------------------------------------------------------------------

def _lex(template: str) -> list:
    """[("text", str, pos) | ("action", str, pos)], with {{- and -}} trimming
    applied; pos: where the action's words begin in the template."""
    out, pos = [], 0
    for m in _ACTION.finditer(template):
        text = template[pos:m.start()]
        if m.group(1):
            text = text.rstrip()
        out.append(["text", text, pos])
        body = m.group(2)
        out.append(["action", body.strip(), bool(m.group(3)), m.start(2) + len(body) - len(body.lstrip())])
        pos = m.end()
    out.append(["text", template[pos:], pos])
    for item in out:  # a "{{" no "}}" follows: Go's parser stops there
        if item[0] == "text" and "{{" in item[1]:
            line = template[:template.find(item[1])].count("\n") + item[1][:item[1].find("{{")].count("\n") + 1
            raise TemplateError(f"template: :{line}: unclosed action")
    for i, item in enumerate(out):
        if item[0] == "action" and item[2] and i + 1 < len(out):
            out[i + 1][1] = out[i + 1][1].lstrip()
    return [(t[0], t[1], t[-1]) for t in out if t[0] == "action" or t[1]]


def _words(action: str) -> list[str]:
    words, pos = [], 0
    action = action.strip()
    while pos < len(action):
        m = _TOKEN.match(action, pos)
        if not m or m.end() == pos:
            raise TemplateError(f"template: unexpected {action[pos:]!r}")
        words.append(m.group(0).strip())
        pos = m.end()
    return [w for w in words if w]


def _parse(items: list, i: int = 0, stop=()) -> tuple[list, int, str]:
    """Nodes up to an action whose first word is in `stop` (the template's
    end for the top level); returns (nodes, index after it, that action, its place)."""
    nodes = []
    while i < len(items):
        kind, body, pos = items[i]
        i += 1
        if kind == "text":
            nodes.append(("text", body))
            continue
        if body.startswith("/*"):
            continue  # a comment
        words = _words(body)
        if not words:
            raise TemplateError("template: missing value for command")
        head = words[0]
        if head in stop:
            return nodes, i, body, pos
        if head in ("end", "else"):
            raise TemplateError(f"template: unexpected {{{{{head}}}}}")
        if head in ("if", "with", "range"):
            node, i = _block(head, words[1:], items, i, (body, pos))
            nodes.append(node)
        elif head.startswith("$") and len(words) > 2 and words[1] in (":=", "="):  # {{$x := PIPELINE}}
            nodes.append(("assign", head, _pipeline(words[2:]), (body, pos)))
        else:
            nodes.append(("action", _pipeline(words), (body, pos)))
    if stop:
        raise TemplateError("template: unexpected EOF")
    return nodes, i, "", 0


def _block(head: str, words: list[str], items: list, i: int, src: tuple) -> tuple[tuple, int]:
    vars_ = []
    if head == "range" and ":=" in words:  # range $k, $v := PIPELINE
        at = words.index(":=")
        vars_ = [w for w in words[:at] if w != ","]
        words = words[at + 1:]
    pipe = _pipeline(words)
    body, i, ended, at = _parse(items, i, stop=("end", "else"))
    other: list = []
    ended_words = _words(ended)
    if ended_words[0] == "else":
        if len(ended_words) > 1 and ended_words[1] == "if":  # else if: a nested if in the else branch
            node, i = _block("if", ended_words[2:], items, i, (ended, at))
            return (head, pipe, vars_, body, [node], src), i
        other, i, ended, _ = _parse(items, i, stop=("end",))
    return (head, pipe, vars_, body, other, src), i


def _pipeline(words: list[str]) -> list[list]:
    cmds, cur, depth = [], [], 0
    for w in words:
        if w == "|" and depth == 0:
            if not cur:
                raise TemplateError("template: missing command in pipeline")
            cmds.append(cur)
            cur = []
        else:
            cur.append(w)
    if not cur:
        raise TemplateError("template: missing command in pipeline")
    cmds.append(cur)
    for w in words:  # Go resolves function names as it parses: an unknown one is a parse error
        if re.fullmatch(r"[A-Za-z_]\w*", w) and w not in ("true", "false", "nil") and w not in FUNCS:
            raise TemplateError(f'template: :1: function "{w}" not defined')
    return cmds


# -- evaluation -----------------------------------------------------------------

def _field(value, path: str, mode=None, word: str = ""):
    """Go's field chain. `mode` "typed": on Go's values (inspect_template.py:
    a missing map key is the invalid value, fields of invalid values too);
    "raw": on a JSON map with missingkey=error; None: a missing key is
    <no value> unless the map is Strict."""
    word = word or path
    try:
        for key in filter(None, path.split(".")):
            take = getattr(value, "go_field", None)
            if take is not None:
                value = take(key)
            elif mode == "raw":
                if isinstance(value, dict):
                    if key not in value:
                        raise FieldFailed(f'map has no entry for key "{key}"')
                    value = value[key]
                elif value is None:
                    raise FieldFailed(f"nil pointer evaluating interface {{}}.{key}")
                else:
                    raise FieldFailed(f"can't evaluate field {key} in type interface {{}}")
            elif mode == "typed" and value is not None and not isinstance(value, dict):
                go = {bool: "bool", int: "int", float: "float64", str: "string"}.get(type(value), "interface {}")
                raise FieldFailed(f"can't evaluate field {key} in type {go}")
            elif getattr(value, "strict", False) and key not in value:  # Go's struct, or map with missingkey=error
                raise FieldFailed(f"can't evaluate field {key} in type {value.type_name}" if value.type_name
                                  else f'map has no entry for key "{key}"')
            else:
                value = value.get(key) if isinstance(value, dict) else None
    except FieldFailed as e:
        e.word = e.word or word
        raise
    return value


def _truth(value) -> bool:
    return bool(value) if value is not None else False


def _printf(fmt: str, *args) -> str:
    args = list(args)

    def one(m):
        verb = m.group(1)
        if verb == "%":
            return "%"
        value = args.pop(0) if args else None
        if verb == "q":
            return json.dumps(value if isinstance(value, str) else text(value))
        if verb == "d":
            if isinstance(value, str):  # Go's fmt: a bad verb for the value's type
                return f"%!d({getattr(value, 'go_type', 'string')}={value})"
            return str(int(value)) if value is not None else "0"
        return text(value)
    return re.sub(r"%([sdvq%])", one, fmt)


def _index(value, *keys):
    for k in keys:
        if hasattr(value, "go_index"):  # a Go map: a missing key is its element's zero value
            value = value.go_index(k)
        elif isinstance(value, dict):
            value = value.get(k)
        elif isinstance(value, list) and isinstance(k, (int, float)) and 0 <= int(k) < len(value):
            value = value[int(k)]
        else:
            raise TemplateError(f"template: error calling index: cannot index {text(value)} with {k!r}")
    return value


class CallFailed(TemplateError):
    """A function's own error: Go's 'error calling NAME: ...' at its command."""


def _comparable(a, b):
    """`a`, once Go's comparison allows it with `b`: a json.Number (inspect's
    raw run: a number is a string kind to Go) only with a string."""
    if any(getattr(v, "go_type", "") == "json.Number" for v in (a, b)) and not (
            isinstance(a, str) and isinstance(b, str)):
        raise CallFailed("incompatible types for comparison")
    return a


FUNCS = {
    # a listing's row (tableformat.Row) is a Go map to Docker's CLI: its keys sorted
    "json": lambda v: v.to_json() if hasattr(v, "to_json") else json.dumps(v, separators=(",", ":")),
    "index": _index,
    "len": lambda v: len(v) if v is not None else 0,
    "lower": lambda v: text(v).lower(),
    "upper": lambda v: text(v).upper(),
    "title": lambda v: text(v).title(),
    "join": lambda v, sep: sep.join(text(x) for x in (v or [])),
    "split": lambda v, sep: text(v).split(sep),
    "print": lambda *a: "".join(text(x) for x in a),
    "println": lambda *a: " ".join(text(x) for x in a) + "\n",
    "printf": _printf,
    "eq": lambda a, *b: any(_comparable(a, x) == x for x in b),
    "ne": lambda a, b: _comparable(a, b) != b,
    "lt": lambda a, b: _comparable(a, b) < b,
    "le": lambda a, b: _comparable(a, b) <= b,
    "gt": lambda a, b: _comparable(a, b) > b,
    "ge": lambda a, b: _comparable(a, b) >= b,
    "not": lambda v: not _truth(v),
    "and": lambda *a: next((x for x in a if not _truth(x)), a[-1]),
    "or": lambda *a: next((x for x in a if _truth(x)), a[-1]),
}


def _arg(word: str, dot, scope: dict):
    if word.startswith('"'):
        return json.loads(word)
    if word.startswith("`"):
        return word[1:-1]
    if word == ".":
        return dot
    if word.startswith("."):
        return _field(dot, word, scope.get(MODE), word)
    if word.startswith("$"):
        name, _, path = word.partition(".")
        if name not in scope:
            raise TemplateError(f"template: undefined variable: {name}")
        return _field(scope[name], path, scope.get(MODE), word)
    if word in ("true", "false"):
        return word == "true"
    if word == "nil":
        return None
    if re.fullmatch(r"-?\d+", word):
        return int(word)
    if re.fullmatch(r"-?\d+\.\d*", word):
        return float(word)
    raise TemplateError(f'template: function "{word}" not defined')


def _run(pipe: list[list], dot, scope: dict):
    result, have = None, False
    for cmd in pipe:
        head = cmd[0]
        if head in FUNCS:
            args = [_arg(w, dot, scope) for w in cmd[1:]] + ([result] if have else [])
            try:
                result = FUNCS[head](*args)
            except TypeError:
                raise TemplateError(f"template: wrong number of args for {head}") from None
            except CallFailed as e:
                raise FieldFailed(f"error calling {head}: {e}", word=" ".join(cmd)) from None
        else:
            value = _arg(head, dot, scope)  # an unknown bare word: 'function "x" not defined'
            if callable(value):  # a method of the row (ps' .Label "KEY"), as Go calls one
                args = [_arg(w, dot, scope) for w in cmd[1:]] + ([result] if have else [])
                try:
                    result = value(*args)
                except TypeError:
                    raise TemplateError(f"template: wrong number of args for {head[1:]}: "
                                        f"want 1 got {len(args)}") from None
                have = True
                continue
            if len(cmd) > 1 or have:
                raise TemplateError(f"template: can't give argument to non-function {head}")
            result = value
        have = True
    return result


def _located(e: FieldFailed, src: tuple, scope: dict) -> TemplateError:
    """Go's message for a field that failed: where its node begins (a chain:
    at its second link, as Go's parser places a chain), line and column."""
    body, pos = src
    word = e.word
    at = pos + max(body.find(word), 0) if word else pos
    link = word.find(".", 1) if word.startswith(".") else word.find(".") if word.startswith("$") else -1
    if link > 0 and " " not in word:
        at += link
    template = scope.get(TEXT, "")
    line, col = template.count("\n", 0, at) + 1, at - (template.rfind("\n", 0, at) + 1)
    return TemplateError(f'template: :{line}:{col}: executing "" at <{word}>: {e.reason}')


def _eval(pipe: list[list], dot, scope: dict, src: tuple):
    try:
        return _run(pipe, dot, scope)
    except FieldFailed as e:
        raise _located(e, src, scope) from None


def _exec(nodes: list, dot, scope: dict, out: list) -> None:
    for node in nodes:
        kind = node[0]
        if kind == "text":
            out.append(node[1])
        elif kind == "action":
            out.append(text(_eval(node[1], dot, scope, node[2])))
        elif kind == "assign":
            scope[node[1]] = _eval(node[2], dot, scope, node[3])
        else:
            _, pipe, vars_, body, other, src = node
            value = _eval(pipe, dot, scope, src)
            if kind == "if":
                _exec(body if _truth(value) else other, dot, scope, out)
            elif kind == "with":
                _exec(body, value, scope, out) if _truth(value) else _exec(other, dot, scope, out)
            else:
                if hasattr(value, "go_types"):  # a Go struct (inspect's typed run): Go's range refuses it
                    raise TemplateError(f"range can't iterate over {text(value)}")
                pairs = (sorted(value.items()) if isinstance(value, dict)
                         else list(enumerate(value)) if isinstance(value, list) else [])
                if not pairs:
                    _exec(other, dot, scope, out)
                for key, item in pairs:
                    inner = dict(scope)
                    if len(vars_) == 1:
                        inner[vars_[0]] = item
                    elif len(vars_) == 2:
                        inner[vars_[0]], inner[vars_[1]] = key, item
                    _exec(body, item, inner, out)


def text(value) -> str:
    """A value as Go's fmt prints it."""
    go = getattr(value, "go_text", None)
    if go is not None:  # a Go value of inspect's typed run (inspect_template.py)
        return go()
    if value is None:
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{text(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(text(v) for v in value) + "]"
    return str(value)


class Strict(dict):
    """A document as Docker's CLI templates it: a key it lacks is an error,
    not "<no value>" — a Go struct's field (type_name: info, version), or a
    map's key with missingkey=error (no type_name)."""
    strict = True

    def __init__(self, doc: dict, type_name: str = "", deep: bool = True):
        super().__init__((k, strict(v, type_name and "struct") if deep else v) for k, v in doc.items())
        self.type_name = type_name


def strict(value, type_name: str = "", deep: bool = True):
    """`value` with every dict in it made Strict (`deep` False: only the top)."""
    if isinstance(value, dict) and not callable(getattr(value, "to_json", None)):
        return Strict(value, type_name, deep)
    if isinstance(value, list) and deep:
        return [strict(v, type_name) for v in value]
    return value


class ParseError(TemplateError):
    """Docker's CLI: 'template parsing error: template: :1: unclosed action',
    exit 64 (inspect, info, version, events); the listing verbs say it with
    exit 1 (tableformat.py)."""
    exit_code = 64


def compile_template(template: str):
    """Parses once (errors before any output); returns render(doc) -> str."""
    if template == "json":
        return lambda doc, mode=None: FUNCS["json"](doc)
    try:
        nodes = _parse(_lex(template))[0]
    except TemplateError as e:
        raise ParseError(f"template parsing error: {e}") from None

    def render_one(doc, mode=None) -> str:
        """`mode`: see _field."""
        out: list[str] = []
        _exec(nodes, doc, {"$": doc, MODE: mode, TEXT: template}, out)
        return "".join(out)
    return render_one


def render(template: str, doc) -> str:
    return compile_template(template)(doc)
