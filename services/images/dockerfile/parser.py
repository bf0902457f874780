"""Dockerfile text -> `Dockerfile` (a tuple of instructions with their source
lines). The lexer makes logical lines; this module hands each to the parser
of its keyword and holds the small instructions (FROM, WORKDIR, USER,
STOPSIGNAL, MAINTAINER, EXPOSE, VOLUME, ONBUILD) itself.

Nothing here knows about stages or variables: an instruction before the
first FROM, or a FROM naming a missing stage, is the build plan's error.
"""
import dataclasses
import difflib
import re

from .commands import parse_cmd, parse_entrypoint, parse_healthcheck, parse_run, parse_shell
from .errors import DockerfileError, Location
from .files import parse_add, parse_copy
from .flags import Request
from .heredoc import find_markers
from .instructions import (Expose, From, Instruction, Maintainer, Onbuild, StopSignal, User,
                           Volume, Workdir)
from .keyvalue import parse_arg, parse_env, parse_label
from .lexer import HEREDOC_KEYWORDS, Node, split_nodes
from .words import fields, json_array, leading_flags

STAGE_NAME = re.compile(r"^[a-z][a-z0-9._-]*$")
RESERVED_STAGE_NAMES = ("scratch", "context")
NOT_TRIGGERS = ("ONBUILD", "FROM", "MAINTAINER")


@dataclasses.dataclass(frozen=True)
class Dockerfile:
    filename: str
    instructions: tuple[Instruction, ...]
    escape: str = "\\"
    syntax: str | None = None  # the `# syntax=` directive, recorded and ignored
    check: str | None = None   # the `# check=` directive, recorded and ignored


def parse(text: str | bytes, filename: str = "Dockerfile") -> Dockerfile:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DockerfileError(filename, text[:e.start].count(b"\n") + 1,
                                  "invalid UTF-8: expected a UTF-8 text file") from None
    directives, nodes = split_nodes(text, filename)
    instructions = tuple(build_instruction(n, filename, directives.escape) for n in nodes)
    return Dockerfile(filename, instructions, directives.escape, directives.syntax, directives.check)


def build_instruction(node: Node, filename: str, escape: str) -> Instruction:
    loc = Location(filename, node.line, node.end_line)
    parser = PARSERS.get(node.keyword)
    if parser is None:
        near = difflib.get_close_matches(node.keyword, PARSERS, n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise loc.error(f"unknown instruction: {node.keyword}{hint}")
    flag_words, text = leading_flags(node.rest, escape)
    return parser(Request(node.keyword, tuple(flag_words), text, loc, escape, node.heredocs))


def parse_from(req: Request) -> From:
    flags = req.flags()
    words = fields(req.text)
    name = None
    if len(words) == 3 and words[1].lower() == "as":
        name = words[2].lower()
        if not STAGE_NAME.match(name):
            raise req.error(f"invalid stage name {words[2]!r}: expected a letter followed by "
                            "letters, digits, '.', '_' or '-'")
        if name in RESERVED_STAGE_NAMES:
            raise req.error(f"stage name {name!r} is reserved: expected another name")
    elif len(words) != 1:
        raise req.error("FROM requires either one or three arguments: "
                        "expected FROM [--platform=<platform>] <image> [AS <name>]")
    return From(loc=req.loc, image=words[0], name=name, platform=flags.get("platform"))


def _whole(req: Request, usage: str) -> str:
    req.flags()
    value = req.text.strip()
    if not value:
        raise req.error(f"{req.keyword} requires exactly one argument: expected {req.keyword} {usage}")
    return value


def parse_workdir(req: Request) -> Workdir:
    return Workdir(loc=req.loc, value=_whole(req, "<path>"))


def parse_user(req: Request) -> User:
    return User(loc=req.loc, value=_whole(req, "<user>[:<group>]"))


def parse_maintainer(req: Request) -> Maintainer:
    return Maintainer(loc=req.loc, value=_whole(req, "<name>"))


def parse_stopsignal(req: Request) -> StopSignal:
    req.flags()
    words = fields(req.text)
    if len(words) != 1:
        raise req.error("STOPSIGNAL requires exactly one argument: expected STOPSIGNAL <signal>")
    return StopSignal(loc=req.loc, value=words[0])


def parse_expose(req: Request) -> Expose:
    req.flags()
    ports = fields(req.text)
    if not ports:
        raise req.error("EXPOSE requires at least one argument: expected EXPOSE <port>[/<protocol>] ...")
    return Expose(loc=req.loc, ports=tuple(ports))


def parse_volume(req: Request) -> Volume:
    req.flags()
    argv = json_array(req.text)
    paths = argv if argv is not None else fields(req.text)
    if not paths:
        raise req.error('VOLUME requires at least one argument: expected VOLUME <path> ... or VOLUME ["<path>", ...]')
    if any(not p.strip() for p in paths):
        raise req.error("VOLUME specified can not be an empty string: expected a path")
    return Volume(loc=req.loc, paths=tuple(paths))


def parse_onbuild(req: Request) -> Onbuild:
    req.flags()
    text = req.text.strip()
    if not text:
        raise req.error("ONBUILD requires an instruction: expected ONBUILD <instruction>")
    word, rest = (text.split(None, 1) + [""])[:2]
    keyword = word.upper()
    if keyword in NOT_TRIGGERS:
        raise req.error(f"{keyword} isn't allowed as an ONBUILD trigger: expected another instruction")
    if keyword in HEREDOC_KEYWORDS and find_markers(rest, req.escape):
        raise req.error("heredocs are not supported in ONBUILD triggers: expected a one-line instruction")
    node = Node(keyword, rest.strip(), req.loc.line, req.loc.end_line)
    trigger = build_instruction(node, req.loc.file, req.escape)
    return Onbuild(loc=req.loc, trigger=trigger, text=f"{keyword} {rest.strip()}".rstrip())


PARSERS = {
    "FROM": parse_from, "RUN": parse_run, "CMD": parse_cmd, "ENTRYPOINT": parse_entrypoint,
    "SHELL": parse_shell, "HEALTHCHECK": parse_healthcheck, "COPY": parse_copy, "ADD": parse_add,
    "ENV": parse_env, "LABEL": parse_label, "ARG": parse_arg, "WORKDIR": parse_workdir,
    "USER": parse_user, "STOPSIGNAL": parse_stopsignal, "EXPOSE": parse_expose,
    "VOLUME": parse_volume, "MAINTAINER": parse_maintainer, "ONBUILD": parse_onbuild,
}
