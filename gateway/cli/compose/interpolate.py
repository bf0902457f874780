"""Compose's variable substitution, as the Compose Specification words it:
$VAR and ${VAR}; ${VAR:-default} (unset or empty) and ${VAR-default}
(unset); ${VAR:?err} and ${VAR?err} (an error then); ${VAR:+alt} and
${VAR+alt}; $$ for a literal $. A default may hold further substitutions
(${A:-${B}}). Values are substituted, never keys."""
import re
import sys

from gateway.cli.compose.errors import BadFile

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPS = (":-", ":?", ":+", "-", "?", "+")


class Unset(BadFile):
    """${VAR:?err} with VAR unset (or empty)."""


def substitute(text: str, env: dict, where: str, warned: set | None = None) -> str:
    """`text` with its variables replaced from `env`; `where` names the value
    (services.web.image) in the error a bad ${...} gets."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        if text.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        if text.startswith("${", i):
            end = _closing(text, i + 2)
            if end < 0:
                raise _invalid(where)
            out.append(_braced(text[i + 2:end], env, where, warned))
            i = end + 1
            continue
        m = _NAME.match(text, i + 1)
        if m is None:
            raise _invalid(where)
        out.append(_lookup(m.group(), env, warned))
        i = m.end()
    return "".join(out)


def _closing(text: str, start: int) -> int:
    """The index of the } closing a ${ whose body starts at `start` (nested ${...} skipped)."""
    depth, i = 1, start
    while i < len(text):
        if text.startswith("${", i):
            depth, i = depth + 1, i + 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _braced(body: str, env: dict, where: str, warned) -> str:
    m = _NAME.match(body)
    if m is None:
        raise _invalid(where)
    name, rest = m.group(), body[m.end():]
    if not rest:
        return _lookup(name, env, warned)
    op = next((o for o in _OPS if rest.startswith(o)), None)
    if op is None:
        raise _invalid(where)
    arg = rest[len(op):]
    value = env.get(name)
    missing = value is None or (op.startswith(":") and value == "")
    if op in (":-", "-"):
        return substitute(arg, env, where, warned) if missing else value
    if op in (":+", "+"):
        return "" if missing else substitute(arg, env, where, warned)
    if missing:  # :? and ?
        message = substitute(arg, env, where, warned)
        raise Unset(f"required variable {name} is missing a value" + (f": {message}" if message else ""))
    return value


def _lookup(name: str, env: dict, warned) -> str:
    value = env.get(name)
    if value is None:
        # Compose's warning, once per variable
        if warned is None or name not in warned:
            sys.stderr.write(f'WARN[0000] The "{name}" variable is not set. Defaulting to a blank string.\n')
            if warned is not None:
                warned.add(name)
        return ""
    return value


def _invalid(where: str) -> BadFile:
    return BadFile(f"invalid interpolation format for {where}.\n"
                        "You may need to escape any $ with another $.")


def tree(value, env: dict, path: str = "", warned: set | None = None):
    """Every string of a loaded YAML document substituted (mappings' keys kept)."""
    warned = set() if warned is None else warned
    if isinstance(value, str):
        return substitute(value, env, path, warned)
    if isinstance(value, dict):
        return {k: tree(v, env, f"{path}.{k}" if path else str(k), warned) for k, v in value.items()}
    if isinstance(value, list):
        return [tree(v, env, f"{path}[{i}]", warned) for i, v in enumerate(value)]
    return value
