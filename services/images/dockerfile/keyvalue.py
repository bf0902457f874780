"""ENV, LABEL and ARG: `key=value` words, where quotes group (`a="x y"`) and
stay in place until expansion removes them.

ENV and LABEL also take the legacy form `ENV KEY value with spaces` (the
first word has no `=`): the value is the rest of the line. ARG declares
names with or without a default: `ARG a b=2`.
"""
import re

from .flags import Request
from .instructions import Arg, ArgDecl, Env, Label
from .words import shell_words

_BLANKS = re.compile(r"[ \t\v\f\r]+")


def _pairs(req: Request) -> tuple[tuple[str, str], ...]:
    req.flags()
    k = req.keyword
    usage = f"expected {k} <key>=<value> ..."
    words = shell_words(req.text, req.escape)
    if not words:
        raise req.error(f"{k} requires at least one argument: {usage}")
    if "=" not in words[0]:
        parts = _BLANKS.split(req.text.strip(), maxsplit=1)
        if len(parts) < 2:
            raise req.error(f"{k} {parts[0]} has no value: {usage} (or the legacy {k} <key> <value>)")
        return ((parts[0], parts[1]),)
    pairs = []
    for word in words:
        key, eq, value = word.partition("=")
        if not eq:
            raise req.error(f"{k}: can't find = in {word!r}: {usage}")
        if not key:
            raise req.error(f"{k} names can not be blank: {usage}")
        pairs.append((key, value))
    return tuple(pairs)


def parse_env(req: Request) -> Env:
    return Env(loc=req.loc, pairs=_pairs(req))


def parse_label(req: Request) -> Label:
    return Label(loc=req.loc, pairs=_pairs(req))


def parse_arg(req: Request) -> Arg:
    req.flags()
    usage = "expected ARG <name>[=<default>] ..."
    words = shell_words(req.text, req.escape)
    if not words:
        raise req.error(f"ARG requires at least one argument: {usage}")
    decls = []
    for word in words:
        name, eq, default = word.partition("=")
        if not name:
            raise req.error(f"ARG names can not be blank: {usage}")
        decls.append(ArgDecl(name, default if eq else None))
    return Arg(loc=req.loc, args=tuple(decls))
