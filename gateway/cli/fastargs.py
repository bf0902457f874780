"""The command line of the table's verbs (flags.py: run, create, start, stop,
kill, rm, wait, ps, exec...) read without argparse, which costs a CLI call
more than the rest of its start-up (argparse imports re and gettext, and
building the parsers is slow).

parse() gives the namespace the full reader would give, or None: then
main.py hands the line to cmdline.py (Docker's grammar, its help and usage
errors with their exit codes) and argparse. So this reads only what it can
read exactly as they do (exact option strings,
--opt=value, -abc of flags, options before the positionals) and returns
None for anything else: abbreviations, values that start with '-', '--',
help, bad numbers. Both readers are built from flags.py;
tests/unit/test_cli_flags.py compares them on many command lines.
"""
from gateway.cli.flags import APPEND, CHOICE, FLAG, FLOAT, GLOBAL, HELP, INT, REMAINDER, VERBS, VERSION

# Positionals: ONE_AND_REST = a name, then everything left (argparse.REMAINDER);
# SOME = nargs "+"; NONE = no positional.
NONE, SOME, ONE_AND_REST = range(3)
# Verbs whose command line (the rest) may not be empty: Docker's exec
# requires COMMAND; cmdline.py says so in Docker's words.
NEEDS_COMMAND = ("exec",)


class Args:
    """What argparse's Namespace offers the handlers: attributes."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Args({self.__dict__!r})"


def positional_kind(args) -> int:
    """How the verb's positionals (flags.Arg) are read: the three shapes the table uses."""
    shape = tuple(a.nargs for a in args)
    kinds = {(): NONE, ("+",): SOME, (None, REMAINDER): ONE_AND_REST}
    return kinds[shape]


def _table(flags) -> tuple[dict, dict]:
    """(option string -> (dest, kind, choices), dest -> default)."""
    strings, defaults = {}, {}
    for flag in flags:
        kind = HELP if flag.kind == VERSION else flag.kind  # argparse prints either
        for name in flag.names:
            strings[name] = (flag.dest, kind, flag.choices)
        if kind != HELP:
            defaults[flag.dest] = list(flag.default) if kind == APPEND else flag.default
    return strings, defaults


def _ambiguous(token: str, strings: dict) -> bool:
    """argparse's parser errors on this token wherever it stands (even among
    a command's arguments): a prefix of several of its option strings."""
    if len(token) < 2 or token[0] != "-" or token in strings:
        return False
    if "=" in token and token.split("=", 1)[0] in strings:
        return False
    if token[1] == "-":
        prefix = token.split("=", 1)[0]
        return sum(1 for s in strings if s.startswith(prefix)) > 1
    short = token[:2]
    return sum(1 for s in strings if s == short or s.startswith(token)) > 1


def _value(kind: int, text: str, choices):
    """The converted value, or raises ValueError (declined: cmdline.py reads
    numbers as Go does, e.g. " 7", "010", "1_0" differ from Python's int)."""
    if kind == INT:
        digits = text[1:] if text[:1] in "+-" else text
        if not (digits.isascii() and digits.isdigit()) or (len(digits) > 1 and digits[0] == "0"):
            raise ValueError(text)
        return int(text)
    if kind == FLOAT:
        if "_" in text or text != text.strip():
            raise ValueError(text)
        return float(text)
    if kind == CHOICE and text not in choices:
        raise ValueError(text)
    return text


def _option(argv: list, j: int, strings: dict, values: dict) -> int:
    """Reads the option at argv[j] into values; the index after it, or -1
    when argparse must read this command line."""
    token = argv[j]
    spec = strings.get(token)
    explicit = None
    if spec is None:
        if token.startswith("--") and "=" in token:
            name, explicit = token.split("=", 1)
            spec = strings.get(name)
            if spec is None or spec[1] in (FLAG, HELP):
                return -1
        elif len(token) > 2 and token[1] != "-":
            # -it: single-letter flags together, when no option string starts with the token
            if any(s.startswith(token) for s in strings):
                return -1
            for letter in token[1:]:
                spec = strings.get("-" + letter)
                if spec is None or spec[1] != FLAG:
                    return -1
                values[spec[0]] = True
            return j + 1
        else:
            return -1
    dest, kind, choices = spec
    if kind == HELP:
        return -1
    if kind == FLAG:
        values[dest] = True
        return j + 1
    if explicit is None:
        if j + 1 >= len(argv) or argv[j + 1].startswith("-"):
            return -1
        explicit, j = argv[j + 1], j + 1
    try:
        value = _value(kind, explicit, choices)
    except (ValueError, TypeError, OverflowError):
        return -1
    if kind == APPEND:
        values[dest].append(value)
    else:
        values[dest] = value
    return j + 1


def parse(argv: list) -> Args | None:
    """The namespace of a table verb's command line, or None (argparse's turn)."""
    argv = list(argv)
    if "--" in argv:
        return None
    gstrings, values = _table(GLOBAL)
    i, n = 0, len(argv)
    while i < n and argv[i].startswith("-"):
        i = _option(argv, i, gstrings, values)
        if i < 0:
            return None
    if i >= n or argv[i] not in VERBS:
        return None
    verb = argv[i]
    spec = VERBS[verb]
    positional, dests = positional_kind(spec.args), [a.dest for a in spec.args]
    strings, defaults = _table(spec.flags)
    for token in argv[i + 1:]:
        if _ambiguous(token, gstrings) or _ambiguous(token, strings):
            return None
    values.update(defaults)
    values["verb"], values["target"] = verb, spec.target
    names: list = []
    closed = False  # options after the names: no name may follow
    j = i + 1
    while j < n:
        token = argv[j]
        if token.startswith("-"):
            if names:
                closed = True
            j = _option(argv, j, strings, values)
            if j < 0:
                return None
            continue
        if positional == ONE_AND_REST:
            values[dests[0]], values[dests[1]] = token, argv[j + 1:]
            if not values[dests[1]] and verb in NEEDS_COMMAND:
                return None
            break
        if positional == NONE or closed:
            return None
        names.append(token)
        j += 1
    else:
        if positional == ONE_AND_REST:
            return None  # the name is missing
    if positional == SOME:
        if not names:
            return None
        values[dests[0]] = names
    return Args(values)
