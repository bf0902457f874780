"""`.dockerignore`: which paths of a build context the builder never sees.

Reading (as Docker does): a line starting with `#` in its first column is a
comment (` # x` is a pattern); lines are trimmed of surrounding blanks and
blank ones skipped; `!` starts an exception; each pattern is cleaned like Go's
path.Clean (`./a/` is `a`, `a//b/../c` is `a/c`) and one leading `/` is
dropped, so every pattern is relative to the context root.

Matching: patterns use Go's filepath.Match syntax plus `**` (see gomatch). A
rule matches a path when it matches the path or one of its parent
directories (`node_modules` excludes `node_modules/x/y`). Rules apply in
order and the last one that matches wins: `*.md` then `!README.md` keeps
README.md. Files and directories match alike (`foo/` is `foo`).

Walking: an excluded directory must still be walked when an exception could
match something below it (`build` then `!build/keep.txt`). Docker's classic
builder only saw exceptions that literally start with the directory's path;
we also see wildcard ones (`!**/*.txt`), so such a file is kept as the rules
say, where Docker silently dropped it.
"""
import dataclasses
import posixpath

from common.buildcontext.errors import DockerfileError
from common.buildcontext.gomatch import BadPattern, compile_pattern, escape, split_components


@dataclasses.dataclass(frozen=True)
class Rule:
    """One pattern line; BadPattern if the pattern is malformed."""

    pattern: str             # cleaned, without the "!"
    exception: bool = False  # a "!" rule: matching paths are kept
    line: int = 0            # in the .dockerignore; 0 for rules added by code

    def __post_init__(self):
        object.__setattr__(self, "regex", compile_pattern(self.pattern, double_star=True))


def clean_path(path: str) -> str:
    """A context-relative path: cleaned, no leading "/" or "./", "" for the root."""
    path = posixpath.normpath(path).lstrip("/")
    return "" if path == "." else path


def _clean_pattern(pattern: str) -> str:
    pattern = posixpath.normpath(pattern)
    if pattern.startswith("//"):  # normpath keeps two leading slashes; Go keeps one
        pattern = "/" + pattern.lstrip("/")
    return pattern[1:] if len(pattern) > 1 and pattern.startswith("/") else pattern


def _segment_matches(part: str, name: str) -> bool:
    return compile_pattern(part).fullmatch(name) is not None


def _may_match_below(parts: list[str], dirs: list[str]) -> bool:
    """Could a pattern split in `parts` match some path strictly below the
    directory split in `dirs`? (Errs on the side of yes: it only decides
    whether to walk.)"""
    if not dirs:
        return bool(parts)
    if not parts:
        return False
    if parts[0] == "**":
        return _may_match_below(parts[1:], dirs) or _may_match_below(parts, dirs[1:])
    return _segment_matches(parts[0], dirs[0]) and _may_match_below(parts[1:], dirs[1:])


class IgnoreMatcher:
    def __init__(self, rules: tuple[Rule, ...] | list[Rule] = ()):
        self.rules = tuple(rules)

    @classmethod
    def parse(cls, text: str | bytes, filename: str = ".dockerignore") -> "IgnoreMatcher":
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="surrogateescape")
        if text.startswith("\ufeff"):
            text = text[1:]
        rules = []
        for number, line in enumerate(text.split("\n"), 1):
            if line.startswith("#"):
                continue
            pattern = line.strip()
            if not pattern:
                continue
            exception = pattern.startswith("!")
            if exception:
                pattern = pattern[1:].strip()
                if not pattern:
                    raise DockerfileError(filename, number, "a lone '!': expected !<pattern>")
            pattern = _clean_pattern(pattern)
            try:
                rules.append(Rule(pattern, exception, number))
            except BadPattern as e:
                raise DockerfileError(filename, number, f"bad pattern {pattern!r}: {e}: "
                                      "expected Go filepath.Match syntax") from None
        return cls(rules)

    @property
    def has_exceptions(self) -> bool:
        return any(r.exception for r in self.rules)

    def matches(self, path: str, parent: tuple[bool, ...] | None = None) -> tuple[bool, ...]:
        """For each rule, whether it matches `path` or a parent of it; pass
        the parent directory's answer as `parent` to do one level only."""
        path = clean_path(path)
        if not path:
            return (False,) * len(self.rules)
        if parent is None:
            head, _, _ = path.rpartition("/")
            parent = self.matches(head) if head else (False,) * len(self.rules)
        return tuple(p or r.regex.fullmatch(path) is not None for p, r in zip(parent, self.rules))

    def decide(self, matched: tuple[bool, ...]) -> bool:
        """Excluded? The last matching rule wins; no match keeps the path."""
        for rule, hit in zip(reversed(self.rules), reversed(matched)):
            if hit:
                return not rule.exception
        return False

    def excluded(self, path: str, is_dir: bool = False) -> bool:
        """Whether `path` (relative to the context root) is left out. The
        answer is the same for a file and a directory (`is_dir` says which
        the caller has); for a directory see also `must_walk`."""
        return self.decide(self.matches(path))

    def must_walk(self, path: str, excluded: bool | None = None) -> bool:
        """Whether a walk must enter directory `path`: it is not excluded, or
        an exception may keep something below it. (`excluded`: the answer of
        `excluded(path)` when the caller already has it.)"""
        if not (self.excluded(path, True) if excluded is None else excluded):
            return True
        dirs = clean_path(path).split("/")
        return any(r.exception and _may_match_below(split_components(r.pattern), dirs)
                   for r in self.rules)

    def keeping(self, *paths: str) -> "IgnoreMatcher":
        """This matcher plus exceptions for those of `paths` it excludes."""
        extra = [Rule(escape(clean_path(p)), True) for p in paths if clean_path(p) and self.excluded(p)]
        return IgnoreMatcher(self.rules + tuple(extra)) if extra else self
