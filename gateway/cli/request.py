"""A verb's request fields from its command line, as flags.py declares them:
each flag or positional with a `to` puts its value (through its `convert`)
at that field path. Flags that fill the same list field join in table
order. The result is keyword arguments for a message of the CLI codec; a
nested path ("resources.memory") gives a nested dict, which the codec's
constructors take for a message field."""
from gateway.cli.flags import VERBS


def fields(verb: str, args) -> dict:
    """{field: value} for the request of `verb` (flags.VERBS), from args."""
    spec = VERBS[verb]
    out: dict = {}
    for entry in spec.flags + spec.args:
        if entry.to is None:
            continue
        value = getattr(args, entry.dest)
        if entry.convert is not None:
            from gateway.cli import convert
            value = getattr(convert, entry.convert)(value)
        if value is not None:
            _put(out, entry.to, value)
    return out


def _put(out: dict, path: str, value) -> None:
    *parents, name = path.split(".")
    for part in parents:
        out = out.setdefault(part, {})
    if name in out:
        if isinstance(value, dict):  # a map: the later flag's keys win (--label over --label-file)
            value = {**out[name], **value}
        elif not isinstance(value, list):
            raise ValueError(f"flags.py: two flags fill {path}, which is not a list")
        else:
            value = out[name] + value
    out[name] = value
