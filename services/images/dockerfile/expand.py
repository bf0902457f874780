"""Variable expansion as the Dockerfile builder does it (not the shell).

Used for ENV, ARG, LABEL, ADD, COPY, WORKDIR, USER, EXPOSE, VOLUME,
STOPSIGNAL, the FROM line and some flags; never for RUN, CMD, ENTRYPOINT,
SHELL or HEALTHCHECK, whose text the container's shell expands.

`word(text)` ("word mode"):
    $VAR ${VAR}           the value, or "" when unset
    ${VAR:-w} ${VAR-w}    w when VAR is unset or empty / only when unset
    ${VAR:+w} ${VAR+w}    w when VAR is set and non-empty / set at all
    ${VAR:?m} ${VAR?m}    an error "VAR: m" when unset or empty / unset
    '...'                 literal; the quotes are removed
    "..."                 expanded; the quotes are removed; inside, the escape
                          character escapes only ", $ and itself
    \\c                   c, literally (the escape character is removed)
    $ then no name        a literal $ (`5$`, `$/`)
The word `w` after a modifier is itself expanded and may use quotes.

`heredoc(text)` ("heredoc mode", the body of an unquoted COPY/ADD heredoc):
variables expand as above, quotes are ordinary characters, and the escape
character only escapes `$` and itself, as in a shell heredoc. (BuildKit also
drops other backslashes there; we keep them, which is what a shell does.)

The pattern modifiers `${VAR#p}`, `${VAR%p}`, `${VAR/p/r}` are not supported:
they raise an ExpansionError that names them.
"""
from collections.abc import Callable, Mapping

from .errors import ExpansionError

Lookup = Callable[[str], "str | None"]


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def next(self) -> str:
        ch = self.peek()
        self.pos += 1
        return ch


class Expander:
    def __init__(self, variables: Mapping[str, str | None] | Lookup, escape: str = "\\"):
        self.lookup: Lookup = variables.get if isinstance(variables, Mapping) else variables
        self.escape = escape

    def word(self, text: str) -> str:
        return self._until(_Reader(text), stop="", quotes=True)

    def heredoc(self, text: str) -> str:
        return self._until(_Reader(text), stop="", quotes=False)

    def _until(self, r: _Reader, stop: str, quotes: bool) -> str:
        """Expand until `stop` (not consumed) or the end of the text."""
        out: list[str] = []
        while r.pos < len(r.text):
            ch = r.peek()
            if stop and ch == stop:
                break
            if ch == "$":
                out.append(self._dollar(r, quotes))
            elif ch == self.escape:
                r.next()
                nxt = r.peek()
                if quotes:
                    out.append(r.next())  # \c is c; a trailing escape vanishes
                elif nxt in ("$", self.escape):
                    out.append(r.next())
                else:
                    out.append(ch)
            elif quotes and ch == "'":
                out.append(self._single(r))
            elif quotes and ch == '"':
                out.append(self._double(r))
            else:
                out.append(r.next())
        return "".join(out)

    def _single(self, r: _Reader) -> str:
        r.next()
        end = r.text.find("'", r.pos)
        if end < 0:
            raise ExpansionError(f"unexpected end of text looking for the single quote closing {r.text!r}")
        value = r.text[r.pos:end]
        r.pos = end + 1
        return value

    def _double(self, r: _Reader) -> str:
        r.next()
        out: list[str] = []
        while True:
            ch = r.peek()
            if not ch:
                raise ExpansionError(f"unexpected end of text looking for the double quote closing {r.text!r}")
            if ch == '"':
                r.next()
                return "".join(out)
            if ch == "$":
                out.append(self._dollar(r, quotes=True))
                continue
            r.next()
            if ch == self.escape and r.peek() in ('"', "$", self.escape):
                ch = r.next()
            out.append(ch)

    def _dollar(self, r: _Reader, quotes: bool) -> str:
        r.next()
        if r.peek() != "{":
            name = _name(r)
            return (self.lookup(name) or "") if name else "$"
        r.next()
        name = _name(r)
        if not name:
            raise ExpansionError(f"bad substitution in {r.text!r}: expected a variable name after ${{")
        op = r.next()
        if op == "}":
            return self.lookup(name) or ""
        colon = op == ":"
        if colon:
            op = r.next()
        if op not in ("-", "+", "?"):
            shown = (":" if colon else "") + op
            if not op:
                raise ExpansionError(f"missing '}}' in {r.text!r} after ${{{name}")
            raise ExpansionError(f"unsupported modifier {shown!r} in ${{{name}...}}: "
                                 "expected }, :-, -, :+, +, :? or ?")
        alt = self._until(r, stop="}", quotes=quotes)
        if r.next() != "}":
            raise ExpansionError(f"missing '}}' in {r.text!r} after ${{{name}")
        value = self.lookup(name)
        unset = value is None or (colon and value == "")
        if op == "-":
            return alt if unset else value
        if op == "+":
            return "" if unset else alt
        if unset:
            raise ExpansionError(f"{name}: {alt or ('is not set or empty' if colon else 'is not set')}")
        return value


def _name(r: _Reader) -> str:
    """A variable name: letters, digits and _, not starting with a digit;
    or a run of digits (a positional parameter, never set here)."""
    start = r.pos
    if r.peek().isdigit():
        while r.peek().isdigit():
            r.pos += 1
    else:
        while r.peek() and (r.peek().isalnum() or r.peek() == "_"):
            r.pos += 1
    return r.text[start:r.pos]


def expand_word(text: str, variables: Mapping[str, str | None], escape: str = "\\") -> str:
    """One-shot `Expander(variables, escape).word(text)`."""
    return Expander(variables, escape).word(text)
