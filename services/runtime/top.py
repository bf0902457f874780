"""docker top: the host's `ps` with the user's options, keeping the rows of
the processes in the container's cgroups (host pids, as Docker shows)."""
import subprocess

from common.errors import FailedPrecondition, InvalidArgument
from services.runtime.state import RuntimeState
from services.runtime.store import Record

DEFAULT_ARGS = ("-ef",)


def parse_ps(output: str, pids: set[int]) -> tuple[list[str], list[list[str]]]:
    """ps's table -> (titles, rows of the given pids). The last column (the
    command) keeps its spaces; a thread line ("-" as PID, ps -m) follows
    its process."""
    lines = output.splitlines()
    titles = lines[0].split() if lines else []
    if "PID" not in titles:
        raise InvalidArgument("Couldn't find PID field in ps output: give ps options that show the PID column")
    at, rows, keep = titles.index("PID"), [], False
    for line in lines[1:]:
        fields = line.split()
        if len(fields) <= at:
            continue
        if fields[at] == "-":
            if keep:
                rows.append(_row(fields, len(titles)))
            continue
        if not fields[at].isdigit():
            raise InvalidArgument(f"unexpected pid {fields[at]!r} in ps output")
        keep = int(fields[at]) in pids
        if keep:
            rows.append(_row(fields, len(titles)))
    return titles, rows


def _row(fields: list[str], width: int) -> list[str]:
    return fields[:width - 1] + [" ".join(fields[width - 1:])]


class TopMixin(RuntimeState):
    def _pids(self, rec: Record) -> set[int]:
        pids: set[int] = set()
        for d in self.cgroups.dirs(rec.id):
            try:
                with open(f"{d}/cgroup.procs") as f:
                    pids.update(int(p) for p in f.read().split())
            except FileNotFoundError:
                continue
        return pids

    def top(self, ref: str, ps_args: list[str]) -> tuple[list[str], list[list[str]]]:
        rec = self.get(ref)
        if rec.status not in ("running", "paused"):
            raise FailedPrecondition(f"container {rec.name} is not running")
        args = list(ps_args) or list(DEFAULT_ARGS)
        pids = self._pids(rec)
        # Only the container's processes when ps takes a pid list with the
        # options given (some, like f, refuse -q): then the whole table.
        r = None
        if pids:
            r = subprocess.run(["ps", *args, "-q", ",".join(map(str, sorted(pids)))],
                               capture_output=True, text=True, timeout=30)
        if r is None or r.returncode != 0:
            r = subprocess.run(["ps", *args], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            why = next((line.strip() for line in r.stderr.splitlines() if line.strip()), f"exit status {r.returncode}")
            raise InvalidArgument(f"ps {' '.join(args)} failed: {why}")
        titles, rows = parse_ps(r.stdout, pids)
        self.emit_container(rec, "top")
        return titles, rows
