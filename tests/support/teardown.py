"""The forced clean-up shared by the suite's daemons (a doca stack, the
differential suite's dockerd): their cgroups under a parent of their own,
the processes in them or naming their directories, killed until none is
left, and the cgroups removed."""
import os
import pathlib
import signal
import time

CGROUP_ROOT = pathlib.Path("/sys/fs/cgroup")


def cgroup_dirs(parent: str) -> list[pathlib.Path]:
    """The cgroups under `parent` (a top-level name), in every hierarchy, deepest first."""
    tops = [p for p in (*CGROUP_ROOT.glob(f"*/{parent}"), CGROUP_ROOT / parent) if p.is_dir()]
    found = [pathlib.Path(dirpath) for top in tops for dirpath, _, _ in os.walk(top)]
    return sorted(found, key=lambda p: len(p.parts), reverse=True)


def pids_of(marks: tuple[bytes, ...], group: int | None = None) -> set[int]:
    """Processes (but this one) whose command line holds one of `marks`, or
    in process group `group`."""
    pids = set()
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if any(m in (entry / "cmdline").read_bytes() for m in marks):
                pids.add(int(entry.name))
            elif group is not None and os.getpgid(int(entry.name)) == group:
                pids.add(int(entry.name))
        except (OSError, ProcessLookupError):
            pass
    return pids


def pids_in(dirs: list[pathlib.Path]) -> set[int]:
    pids = set()
    for d in dirs:
        try:
            pids.update(int(p) for p in (d / "cgroup.procs").read_text().split())
        except OSError:
            pass
    return pids


def thaw(dirs: list[pathlib.Path]) -> None:
    """A frozen process cannot die."""
    for d in dirs:
        for name, value in (("freezer.state", "THAWED"), ("cgroup.freeze", "0")):
            try:
                (d / name).write_text(value)
            except OSError:
                pass


def kill_until_gone(processes, timeout: float = 10) -> None:
    """SIGKILLs what processes() lists until it lists nothing (or `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while (pids := processes()) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def remove_cgroups(dirs: list[pathlib.Path]) -> None:
    """rmdir, deepest first, retried while the kernel still counts a dying process."""
    for d in dirs:
        for _ in range(50):
            try:
                d.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.02)
