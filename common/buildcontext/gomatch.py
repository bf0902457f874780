"""Go's path/filepath.Match pattern syntax, translated to Python regexes.

    *        any run of characters except /
    ?        one character except /
    [abc]    one of; [a-z] ranges; [^a-z] negated (only ^: in Go, and so in
             Docker, `[!a]` is the class {!, a}, not a negation)
    \\c       c literally (also inside a class)
    other    itself

As in Go, a class may match `/` (`a[^x]b` matches "a/b"), a range whose ends
are reversed matches nothing, and a malformed pattern (an unclosed `[`, an
empty class `[]`, a `-` or `]` where a class character is expected, a
trailing `\\`) is an error however the name would have matched.

With `double_star` (.dockerignore): `**` as a whole path component matches
any number of directories, none included (`**/x`, `a/**/b`), and everything
below when it ends the pattern (`a/**`). A `**` inside a component (`a**`)
is an ordinary `*`, as in .gitignore.
"""
import functools
import re


class BadPattern(ValueError):
    """A malformed pattern (Go's ErrBadPattern)."""


def _class_char(pattern: str, i: int) -> tuple[str, int]:
    if i >= len(pattern) or pattern[i] in "-]":
        what = "end of pattern" if i >= len(pattern) else repr(pattern[i])
        raise BadPattern(f"unexpected {what} in a character class")
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise BadPattern("unexpected end of pattern after \\ in a character class")
    return pattern[i], i + 1


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    """Translate the class starting after `[` at i; returns (regex, next i)."""
    negated = i < len(pattern) and pattern[i] == "^"
    if negated:
        i += 1
    ranges: list[tuple[str, str]] = []
    count = 0
    while True:
        if i < len(pattern) and pattern[i] == "]" and count:
            i += 1
            break
        lo, i = _class_char(pattern, i)
        hi = lo
        if i < len(pattern) and pattern[i] == "-":
            hi, i = _class_char(pattern, i + 1)
        count += 1
        if lo <= hi:
            ranges.append((lo, hi))
    if not ranges:  # only reversed ranges: nothing (or, negated, anything) matches
        return (".", i) if negated else ("(?!)", i)
    body = "".join(re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}" for lo, hi in ranges)
    return f"[{'^' if negated else ''}{body}]", i


def translate(pattern: str, double_star: bool = False) -> str:
    """The regex (for re.fullmatch with re.DOTALL) of a Go pattern."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if double_star and pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/"):
                end = i + 2
                if end == n:
                    out.append(".*")
                    i = end
                    continue
                if pattern[end] == "/":
                    out.append("(?:.*/)?")
                    i = end + 1
                    continue
            while i < n and pattern[i] == "*":
                i += 1
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "\\":
            if i + 1 == n:
                raise BadPattern("unexpected end of pattern after \\")
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif c == "[":
            regex, i = _char_class(pattern, i + 1)
            out.append(regex)
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str, double_star: bool = False) -> re.Pattern:
    return re.compile(translate(pattern, double_star), re.DOTALL)


def match(pattern: str, name: str) -> bool:
    """filepath.Match(pattern, name) on a Linux host; BadPattern if malformed."""
    return compile_pattern(pattern).fullmatch(name) is not None


def escape(name: str) -> str:
    """A pattern matching exactly `name`."""
    return "".join("\\" + c if c in "*?[\\" else c for c in name)


def split_components(pattern: str) -> list[str]:
    """Split a pattern on the slashes that separate path components: not an
    escaped one, nor one inside a character class."""
    parts: list[str] = []
    start = i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            j += 1  # a first ] is a class character, not the end (malformed in Go anyway)
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        if c == "/":
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts
