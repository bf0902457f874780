"""Dockerfile text -> logical lines (`Node`s), before any instruction is
understood.

What happens here, in order:
- parser directives, only at the very top: `# escape=\\` (or a backtick),
  `# syntax=...` and `# check=...` (kept, not acted on). The first line that is
  not a known directive (a comment, a blank line, an instruction, an unknown
  directive) ends them; a later `# escape=` is an ordinary comment;
- comments: a line whose first non-blank character is `#`. A `#` anywhere
  else is text (`RUN echo a # b` echoes "a # b");
- continuations: a line ending with the escape character (trailing blanks
  allowed) continues on the next line; the escape character and the line end
  are removed and nothing is put in their place (`RUN a \\` + `  b` gives
  `a   b`). Comment lines and blank lines inside a continuation are skipped;
- heredoc bodies for RUN, COPY and ADD, read after the whole logical line.
"""
import dataclasses
import re

from .errors import DockerfileError
from .heredoc import Heredoc, find_markers, read_bodies

DEFAULT_ESCAPE = "\\"
KNOWN_DIRECTIVES = ("syntax", "escape", "check")
HEREDOC_KEYWORDS = ("RUN", "COPY", "ADD")

_DIRECTIVE = re.compile(r"^#[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*(.*?)[ \t]*$")
_INSTRUCTION = re.compile(r"(\S+)\s*(.*)", re.S)


@dataclasses.dataclass(frozen=True)
class Directives:
    escape: str = DEFAULT_ESCAPE
    syntax: str | None = None
    check: str | None = None


@dataclasses.dataclass(frozen=True)
class Node:
    """One instruction as text: `keyword` upper-cased, `rest` the text after
    it with continuations joined; `line`..`end_line` the physical lines it
    spans, heredoc bodies included."""

    keyword: str
    rest: str
    line: int
    end_line: int
    heredocs: tuple[Heredoc, ...] = ()


def source_lines(text: str) -> list[str]:
    """Lines without their endings (LF or CRLF), a leading BOM dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_directives(lines: list[str], filename: str) -> Directives:
    found: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        m = _DIRECTIVE.match(line)
        if not m or m[1].lower() not in KNOWN_DIRECTIVES:
            break
        key = m[1].lower()
        if key in found:
            raise DockerfileError(filename, number, f"only one {key} parser directive can be used")
        if key == "escape" and m[2] not in ("\\", "`"):
            raise DockerfileError(filename, number,
                                  f"invalid escape token {m[2]!r}: expected \\ or `")
        found[key] = m[2]
    return Directives(found.get("escape", DEFAULT_ESCAPE), found.get("syntax"), found.get("check"))


def _is_skipped(line: str) -> bool:
    """Blank lines and comment lines carry no instruction text."""
    stripped = line.lstrip()
    return not stripped or stripped.startswith("#")


def split_nodes(text: str, filename: str = "Dockerfile") -> tuple[Directives, list[Node]]:
    lines = source_lines(text)
    directives = read_directives(lines, filename)
    continued = re.compile(re.escape(directives.escape) + r"[ \t]*$")
    nodes: list[Node] = []
    pos = 0
    while pos < len(lines):
        first = pos + 1
        line = lines[pos]
        pos += 1
        if _is_skipped(line):
            continue
        last = first
        logical = line.lstrip()
        m = continued.search(logical)
        more = m is not None
        if more:
            logical = logical[:m.start()]
        while more:
            more = False
            while pos < len(lines):
                line = lines[pos]
                pos += 1
                if _is_skipped(line):
                    continue
                last = pos
                m = continued.search(line)
                more = m is not None
                logical += line[:m.start()] if more else line
                break
        if not logical.strip():
            continue  # a lone escape character continued into nothing
        word, rest = _INSTRUCTION.match(logical.lstrip()).groups()
        keyword = word.upper()
        heredocs: list[Heredoc] = []
        if keyword in HEREDOC_KEYWORDS:
            markers = find_markers(rest, directives.escape)
            if markers:
                heredocs, pos = read_bodies(markers, lines, pos, filename, first)
                last = pos
        nodes.append(Node(keyword, rest.rstrip(), first, last, tuple(heredocs)))
    return directives, nodes
