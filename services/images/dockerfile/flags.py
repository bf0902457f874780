"""Flags (`--from=build`, `--link`) and the request every instruction parser
receives.

Each instruction accepts its own flags and nothing else, as in BuildKit: an
unknown flag is an error, even on an instruction that takes none (`CMD --help`
must be written `CMD ["--help"]`).
"""
import dataclasses

from .errors import Location
from .heredoc import Heredoc

STRING, BOOL, LIST = "string", "bool", "list"
_TRUE = ("1", "t", "T", "true", "TRUE", "True")
_FALSE = ("0", "f", "F", "false", "FALSE", "False")

# The flags each instruction accepts, and their kind.
SPECS: dict[str, dict[str, str]] = {
    "FROM": {"platform": STRING},
    "RUN": {"mount": LIST, "network": STRING, "security": STRING},
    "COPY": {"from": STRING, "chown": STRING, "chmod": STRING, "link": BOOL, "parents": BOOL,
             "exclude": LIST},
    "ADD": {"chown": STRING, "chmod": STRING, "link": BOOL, "checksum": STRING,
            "keep-git-dir": BOOL, "exclude": LIST},
    "HEALTHCHECK": {"interval": STRING, "timeout": STRING, "start-period": STRING,
                    "start-interval": STRING, "retries": STRING},
}


@dataclasses.dataclass(frozen=True)
class Request:
    """One instruction to parse: its keyword, its flag words, the text after
    the flags, its heredocs, where it is, and the file's escape character."""

    keyword: str
    flag_words: tuple[str, ...]
    text: str
    loc: Location
    escape: str
    heredocs: tuple[Heredoc, ...] = ()

    def error(self, reason: str):
        return self.loc.error(reason)

    def flags(self) -> dict[str, object]:
        """The flags, checked against the instruction's SPECS entry: strings
        and booleans at most once, LIST flags as lists."""
        spec = SPECS.get(self.keyword, {})
        values: dict[str, object] = {}
        for word in self.flag_words:
            name, eq, value = word[2:].partition("=")
            kind = spec.get(name)
            if kind is None:
                allowed = ", ".join(f"--{n}" for n in spec)
                expected = f"expected one of {allowed}" if allowed else f"{self.keyword} takes no flags"
                raise self.error(f"unknown flag --{name} for {self.keyword}: {expected}")
            if kind != BOOL and not value:
                raise self.error(f"--{name} needs a value: expected --{name}=VALUE")
            if kind == LIST:
                values.setdefault(name, []).append(value)
                continue
            if name in values:
                raise self.error(f"--{name} given twice for {self.keyword}: expected it at most once")
            if kind == BOOL:
                if eq and value not in _TRUE + _FALSE:
                    raise self.error(f"--{name} expects true or false, not {value!r}")
                values[name] = not eq or value in _TRUE
            else:
                values[name] = value
        return values
