"""One differential case: a command line (with optional set-up and clean-up
command lines) run the same way on docker and on doca, and what of the two
results must agree.

Command lines are written once, without the program name, and split with
shlex (so Go templates are quoted as on a shell). Placeholders, replaced by
the same value on both engines, so that names in the output agree:
  %n, %m  two container names unique to the run of the case
  %v      a volume name unique to the run of the case
  %i      the image both engines hold under the same name (busybox:latest)"""
import dataclasses
import shlex

IMAGE = "busybox:latest"


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    cmd: str
    setup: tuple[str, ...] = ()      # must succeed on both engines
    cleanup: tuple[str, ...] = ()    # always run, errors ignored
    stdin: str | None = None
    setup_stdin: str | None = None   # fed to every set-up line (a Dockerfile for `build -`)
    says: tuple[str, ...] = ()       # phrases both stderrs must hold (case-insensitive)
    ignore: tuple[str, ...] = ()     # parts not compared ("code", "stdout", "stderr"): see DIVERGENCES.md
    xfail: str | None = None         # doca is wrong today: what differs

    def argv(self, line: str, names: dict[str, str]) -> list[str]:
        for key, value in names.items():
            line = line.replace(key, value)
        return shlex.split(line)


def case(id: str, cmd: str, *, setup=(), cleanup=(), says=(), ignore=(), **kw) -> Case:
    """A Case with tuples for strings given alone (`setup="run ..."`)."""
    as_tuple = lambda v: (v,) if isinstance(v, str) else tuple(v)  # noqa: E731
    return Case(id, cmd, setup=as_tuple(setup), cleanup=as_tuple(cleanup), says=as_tuple(says),
                ignore=as_tuple(ignore), **kw)


def quote(*words: str) -> str:
    return shlex.join(words)
