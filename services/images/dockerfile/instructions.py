"""The instructions of a Dockerfile as values, one dataclass per keyword.

Fields hold the text as written (quotes and `$VAR`s still in it) except where
the parser already had to look inside (JSON arrays, flags). `expanded(ex)`
returns a copy with variables expanded for the instructions the builder
expands (ENV, ARG, LABEL, COPY, ADD, WORKDIR, USER, EXPOSE, VOLUME,
STOPSIGNAL); the others come back unchanged: their text is for the shell.
FROM is expanded by the build plan, with the global ARGs only.
"""
import dataclasses
import re
from typing import ClassVar

from .errors import ExpansionError, Location
from .expand import Expander
from .heredoc import Heredoc

DEFAULT_SHELL = ("/bin/sh", "-c")
_PORT = re.compile(r"^([0-9]+)(?:-([0-9]+))?(?:/([A-Za-z]+))?$")
_PROTOCOLS = ("tcp", "udp", "sctp")
MAX_PORT = 65535


@dataclasses.dataclass(frozen=True, kw_only=True)
class Instruction:
    keyword: ClassVar[str] = ""
    loc: Location

    def expanded(self, ex: Expander) -> "Instruction":
        """A copy with variables expanded (this very object when the builder
        does not expand this instruction); errors name the line."""
        try:
            return self._expand(ex)
        except ExpansionError as e:
            raise self.loc.error(f"{self.keyword}: {e}") from None

    def _expand(self, ex: Expander) -> "Instruction":
        return self

    def _replace(self, **changes) -> "Instruction":
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass(frozen=True)
class Command:
    """A command line: exec form (`args` is the argv) or shell form (`args`
    is one string, run with the stage's SHELL)."""

    args: tuple[str, ...]
    shell: bool

    def argv(self, shell: tuple[str, ...] | list[str] = DEFAULT_SHELL) -> list[str]:
        return [*shell, *self.args] if self.shell else list(self.args)


@dataclasses.dataclass(frozen=True, kw_only=True)
class From(Instruction):
    keyword: ClassVar[str] = "FROM"
    image: str                  # as written: may hold ${GLOBAL_ARG}s
    name: str | None = None     # the stage name, lower-cased
    platform: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class Run(Instruction):
    keyword: ClassVar[str] = "RUN"
    command: Command
    heredocs: tuple[Heredoc, ...] = ()
    mounts: tuple[str, ...] = ()
    network: str | None = None
    security: str | None = None

    def shell_source(self) -> str:
        """The text a shell-form RUN hands to the shell. `RUN <<EOF` alone is
        its body (a script, perhaps with a #! line, which the executor may
        run as a file instead); otherwise the command line followed by the
        heredoc bodies as written, which the shell reads as heredocs."""
        line = self.command.args[0] if self.command.args else ""
        if len(self.heredocs) == 1 and line.strip() == self.heredocs[0].marker:
            return self.heredocs[0].content
        return line + "".join("\n" + h.raw.rstrip("\n") for h in self.heredocs)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Cmd(Instruction):
    keyword: ClassVar[str] = "CMD"
    command: Command


@dataclasses.dataclass(frozen=True, kw_only=True)
class Entrypoint(Instruction):
    keyword: ClassVar[str] = "ENTRYPOINT"
    command: Command


@dataclasses.dataclass(frozen=True, kw_only=True)
class Shell(Instruction):
    keyword: ClassVar[str] = "SHELL"
    args: tuple[str, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Files(Instruction):
    """What COPY and ADD share: sources (paths, globs, URLs), inline files
    from heredocs, one destination, and the ownership flags."""

    sources: tuple[str, ...]
    dest: str
    heredocs: tuple[Heredoc, ...] = ()
    chown: str | None = None
    chmod: str | None = None
    link: bool = False
    excludes: tuple[str, ...] = ()

    def _expand(self, ex: Expander) -> "Instruction":
        opt = lambda v: None if v is None else ex.word(v)  # noqa: E731
        docs = tuple(dataclasses.replace(h, content=ex.heredoc(h.content)) if h.expand else h
                     for h in self.heredocs)
        return self._replace(sources=tuple(ex.word(s) for s in self.sources), dest=ex.word(self.dest),
                             heredocs=docs, chown=opt(self.chown), chmod=opt(self.chmod),
                             excludes=tuple(ex.word(e) for e in self.excludes),
                             **self._more(ex))

    def _more(self, ex: Expander) -> dict:
        return {}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Copy(_Files):
    keyword: ClassVar[str] = "COPY"
    from_: str | None = None    # --from: a stage name, a stage index or an image
    parents: bool = False

    def _more(self, ex: Expander) -> dict:
        return {"from_": None if self.from_ is None else ex.word(self.from_)}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Add(_Files):
    """ADD: like COPY, plus URLs and git repositories as sources, and a local
    tar archive (plain, gzip, bzip2 or xz) is extracted at the destination
    instead of copied (see `files.archive_kind`)."""

    keyword: ClassVar[str] = "ADD"
    checksum: str | None = None
    keep_git_dir: bool = False

    def _more(self, ex: Expander) -> dict:
        return {"checksum": None if self.checksum is None else ex.word(self.checksum)}


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Pairs(Instruction):
    pairs: tuple[tuple[str, str], ...]

    def _expand(self, ex: Expander) -> "Instruction":
        # Every value sees the variables as they were before this instruction:
        # `ENV a=1 b=$a` gives b the old a, as in Docker.
        return self._replace(pairs=tuple((ex.word(k), ex.word(v)) for k, v in self.pairs))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Env(_Pairs):
    keyword: ClassVar[str] = "ENV"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Label(_Pairs):
    keyword: ClassVar[str] = "LABEL"


@dataclasses.dataclass(frozen=True)
class ArgDecl:
    name: str
    default: str | None = None  # None: declared without a value


@dataclasses.dataclass(frozen=True, kw_only=True)
class Arg(Instruction):
    """ARG: expanded by `Scope.apply`, one declaration after the other, so
    that `ARG a=1 b=$a` sees the new a (the plan does the same globally)."""

    keyword: ClassVar[str] = "ARG"
    args: tuple[ArgDecl, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class _OneValue(Instruction):
    value: str

    def _expand(self, ex: Expander) -> "Instruction":
        return self._replace(value=ex.word(self.value))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Workdir(_OneValue):
    keyword: ClassVar[str] = "WORKDIR"


@dataclasses.dataclass(frozen=True, kw_only=True)
class User(_OneValue):
    keyword: ClassVar[str] = "USER"


@dataclasses.dataclass(frozen=True, kw_only=True)
class StopSignal(_OneValue):
    keyword: ClassVar[str] = "STOPSIGNAL"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Maintainer(Instruction):
    keyword: ClassVar[str] = "MAINTAINER"
    value: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Expose(Instruction):
    keyword: ClassVar[str] = "EXPOSE"
    ports: tuple[str, ...]

    def _expand(self, ex: Expander) -> "Instruction":
        ports = []
        for word in self.ports:
            for port in ex.word(word).split():
                m = _PORT.match(port)
                proto = (m[3] or "tcp").lower() if m else ""
                if (not m or proto not in _PROTOCOLS or int(m[1]) > MAX_PORT
                        or (m[2] and not int(m[1]) <= int(m[2]) <= MAX_PORT)):
                    raise self.loc.error(f"EXPOSE: invalid port {port!r}: expected PORT[-PORT][/tcp|/udp|/sctp]")
                ports.append(f"{m[1]}-{m[2]}/{proto}" if m[2] else f"{m[1]}/{proto}")
        return self._replace(ports=tuple(ports))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Volume(Instruction):
    keyword: ClassVar[str] = "VOLUME"
    paths: tuple[str, ...]

    def _expand(self, ex: Expander) -> "Instruction":
        paths = tuple(ex.word(p) for p in self.paths)
        if any(not p.strip() for p in paths):
            raise self.loc.error("VOLUME: a path expanded to an empty string: expected a path")
        return self._replace(paths=paths)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Healthcheck(Instruction):
    """`test` as in an image config: ("NONE",), ("CMD", argv...) or
    ("CMD-SHELL", line). Durations are nanoseconds; None means not given
    (the image's or the engine's default applies)."""

    keyword: ClassVar[str] = "HEALTHCHECK"
    test: tuple[str, ...]
    interval: int | None = None
    timeout: int | None = None
    start_period: int | None = None
    start_interval: int | None = None
    retries: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class Onbuild(Instruction):
    """ONBUILD: stored in the image for its children; `text` is the trigger
    as written (what goes into the image config), `trigger` it parsed."""

    keyword: ClassVar[str] = "ONBUILD"
    trigger: Instruction
    text: str
