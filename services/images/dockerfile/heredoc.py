"""Heredocs: `RUN <<EOF`, `COPY <<EOF /dest`, found on the instruction line
and read from the lines that follow it.

A marker is a word starting with `<<` (optionally preceded by a file
descriptor number, `3<<EOF`), outside quotes: `<<EOF` keeps leading tabs,
`<<-EOF` strips them from the body and the terminator; a delimiter that is
quoted in any part (`<<"EOF"`, `<<'EOF'`, `<<E\\OF`) turns variable expansion
off for the body. Several markers on one line take their bodies in order.
The delimiter ends at whitespace or a shell operator, so `cat <<EOF>out`
reads the body up to `EOF`, as the shell will. `<<<` is a here-string, not a
heredoc. Bodies are raw text: no comments, no continuations.
"""
import dataclasses

from .errors import DockerfileError

# Characters that end an unquoted delimiter word, as for the shell.
_WORD_END = set("<>|&;()")
_QUOTES = ("'", '"')


@dataclasses.dataclass(frozen=True)
class Marker:
    text: str     # as written on the line: `<<-"EOF"`
    name: str     # the delimiter, quotes removed: `EOF`
    expand: bool  # False when the delimiter was quoted
    chomp: bool   # `<<-`: leading tabs are stripped
    fd: int | None = None


@dataclasses.dataclass(frozen=True)
class Heredoc:
    """One heredoc body. `content` is what a COPY writes (or a RUN runs);
    `raw` is the body and its terminator line exactly as written, which is
    what a shell needs to see when the heredoc is part of a longer command."""

    name: str
    content: str
    expand: bool = True
    chomp: bool = False
    fd: int | None = None
    marker: str = ""
    raw: str = ""


def find_markers(line: str, escape: str) -> list[Marker]:
    """The heredoc markers of one instruction line, left to right."""
    markers: list[Marker] = []
    i, n = 0, len(line)
    quote = None
    word_start = True
    while i < n:
        ch = line[i]
        if quote is not None:
            if ch == escape and quote == '"' and i + 1 < n:
                i += 2
                continue
            if ch == quote:
                quote = None
            i += 1
            continue
        if word_start:
            j = i
            while j < n and line[j].isdigit():
                j += 1
            if line.startswith("<<", j) and not line.startswith("<<<", j):
                marker, end = _read_marker(line, i, j, escape)
                if marker is not None:
                    markers.append(marker)
                    i, word_start = end, False
                    continue
        if ch.isspace():
            word_start = True
        else:
            word_start = False
            if ch == escape:
                i += 2
                continue
            if ch in _QUOTES:
                quote = ch
        i += 1
    return markers


def _read_marker(line: str, start: int, at: int, escape: str) -> tuple[Marker | None, int]:
    fd = int(line[start:at]) if at > start else None
    i = at + 2
    chomp = line.startswith("-", i)
    if chomp:
        i += 1
    name: list[str] = []
    quoted = False
    quote = None
    n = len(line)
    while i < n:
        ch = line[i]
        if quote is None and (ch.isspace() or ch in _WORD_END):
            break
        if ch == escape and quote != "'" and i + 1 < n:
            quoted = True
            name.append(line[i + 1])
            i += 2
            continue
        if quote is None and ch in _QUOTES:
            quote, quoted = ch, True
        elif ch == quote:
            quote = None
        else:
            name.append(ch)
        i += 1
    if not name:
        return None, i
    return Marker(line[start:i], "".join(name), not quoted, chomp, fd), i


def read_bodies(markers: list[Marker], lines: list[str], pos: int, filename: str,
                line: int) -> tuple[list[Heredoc], int]:
    """Read one body per marker from `lines[pos:]`; returns the heredocs and
    the index of the first line after the last terminator. `line` (the
    instruction's first line) is where an unterminated heredoc is reported."""
    docs: list[Heredoc] = []
    for m in markers:
        body: list[str] = []
        raw: list[str] = []
        while True:
            if pos >= len(lines):
                raise DockerfileError(filename, line, f"unterminated heredoc {m.text}: "
                                      f"expected a line {m.name!r} before the end of the file")
            text = lines[pos]
            pos += 1
            raw.append(text + "\n")
            if m.chomp:
                text = text.lstrip("\t")
            if text == m.name:
                break
            body.append(text + "\n")
        docs.append(Heredoc(m.name, "".join(body), m.expand, m.chomp, m.fd, m.text, "".join(raw)))
    return docs, pos
