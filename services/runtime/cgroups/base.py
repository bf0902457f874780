"""The cgroup driver interface (runc's cgroups.Manager): one per hierarchy
layout, v1 (a mount per controller) and v2 (the unified tree); and the
controller interface (runc's subsystems), one class per controller and
layout, listed in controllers.py, which the drivers go through."""
import abc
import errno
import os
import signal
import time

from common.errors import InvalidArgument
from common.resources import Resources

# What a stats sample holds (0 = not known, or no limit).
SAMPLE_KEYS = ("cpu_ns", "memory_usage", "memory_limit", "memory_inactive_file", "pids_current", "pids_limit",
               "blk_read", "blk_write")


class Controller:
    """One controller of one layout. `name`: runc's, which is its hierarchy
    on v1 and its word in cgroup.subtree_control on v2 (unless `enable` is
    False: what every v2 cgroup has, as cgroup.freeze). `path`: the
    container's directory of that hierarchy."""

    name = ""
    enable = True

    def prepare(self, path: str) -> None:
        """A cgroup just made (the container's, or the engine's parent),
        before any task may join it."""

    def set(self, path: str, res: Resources) -> None:
        """Writes the limits that are set (0: none, or unchanged)."""

    def stats(self, path: str, sample: dict) -> None:
        """Adds its readings to a sample (SAMPLE_KEYS)."""


class Driver(abc.ABC):
    """Cgroups of one engine: everything lives under `parent`, which is
    created on demand and never shared with another stack."""

    version: str = ""

    def __init__(self, parent: str):
        self.parent = parent.strip("/")
        self._placed: dict[str, str] = {}  # cid -> --cgroup-parent (place())

    def place(self, cid: str, cgroup_parent: str) -> None:
        """--cgroup-parent: the container's cgroups under that cgroup, from
        the hierarchy's root when absolute (as Docker's cgroupfs driver), or
        below the engine's parent when relative. Said before create, and
        again for each record when the runtime starts."""
        if cgroup_parent.strip("/"):
            self._placed[cid] = cgroup_parent
        else:
            self._placed.pop(cid, None)

    def parent_of(self, cid: str) -> str:
        """The container's parent cgroup, relative to the hierarchy's root."""
        wanted = self._placed.get(cid, "") if cid else ""
        if not wanted:
            return self.parent
        if wanted.startswith("/"):
            return wanted.strip("/")
        return os.path.join(self.parent, wanted.strip("/"))

    def parent_levels(self, cid: str) -> list[str]:
        """The parent cgroups a create makes when missing, top first: the
        engine's, then each level of a --cgroup-parent."""
        levels = [self.parent]
        if cid in self._placed:
            parts = self.parent_of(cid).split("/")
            levels += ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        return list(dict.fromkeys(levels))

    @abc.abstractmethod
    def create(self, cid: str, res: Resources) -> list[str]:
        """Creates the container's cgroups with their limits; returns the
        directories its init must join (write to cgroup.procs)."""

    @abc.abstractmethod
    def update(self, cid: str, res: Resources) -> None: ...

    @abc.abstractmethod
    def dirs(self, cid: str) -> list[str]: ...

    @abc.abstractmethod
    def container_view(self, cid: str) -> dict[str, str]:
        """What the container sees under /sys/fs/cgroup: relative path ->
        the host directory bound there read-only ("" = the top itself)."""

    @abc.abstractmethod
    def oom_kills(self, cid: str) -> int:
        """How many processes the kernel's OOM killer killed in the container."""

    def set_devices(self, cid: str, rules: list[dict]) -> None:
        """Applies OCI device rules; a driver without device control ignores them."""

    @abc.abstractmethod
    def stats(self, cid: str) -> dict:
        """One read of each file: SAMPLE_KEYS (memory_limit and pids_limit
        0 = none)."""

    @abc.abstractmethod
    def freeze(self, cid: str, timeout: float = 10.0) -> None:
        """Freezes every task of the container; returns once they are frozen."""

    @abc.abstractmethod
    def thaw(self, cid: str, timeout: float = 10.0) -> None: ...

    @abc.abstractmethod
    def frozen(self, cid: str) -> bool:
        """Whether the freezer holds the container (or is freezing it);
        False when its cgroup is gone."""

    def kill_all(self, cid: str, timeout: float = 10.0) -> int:
        """SIGKILLs every process of the container: each hierarchy it
        joined, the cgroups it made below its own too. The cgroups are
        frozen meanwhile, so that no process forks past the kill, then
        thawed (a frozen process dies only once thawed). Returns how many
        processes were found, once none is left; TimeoutError if one
        outlives `timeout` (a task stuck in the kernel)."""
        dirs = self.dirs(cid)
        found = procs(dirs)
        if not found:
            return 0
        deadline = time.monotonic() + timeout
        try:
            self.freeze(cid, timeout=min(2.0, timeout))
        except (OSError, TimeoutError, InvalidArgument):
            pass  # a task that will not freeze: the loop below kills again until none is left
        try:
            _kill(procs(dirs))
        finally:
            try:
                self.thaw(cid, timeout=min(2.0, timeout))
            except (OSError, TimeoutError, InvalidArgument):
                pass
        step = 0.001
        while left := procs(dirs):
            found |= left
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(left)} processes of the container outlived SIGKILL: {sorted(left)[:10]}")
            _kill(left)
            time.sleep(step)
            step = min(step * 2, 0.05)
        return len(found)

    @abc.abstractmethod
    def destroy(self, cid: str) -> None:
        """Kills what is left inside and removes the cgroups; no error when
        they are already gone."""

    @abc.abstractmethod
    def remove_parent(self) -> None:
        """Removes the engine's parent cgroups if they are empty."""

    def remove_levels(self, cid: str, roots: list[str]) -> None:
        """A relative --cgroup-parent's levels, once empty (another container
        may be there still): under the engine's parent, which must go at
        the end. An absolute one stays, as Docker leaves it."""
        wanted = self._placed.get(cid, "")
        if not wanted or wanted.startswith("/"):
            return
        parts = wanted.strip("/").split("/")
        for i in range(len(parts), 0, -1):
            for root in roots:
                try:
                    os.rmdir(os.path.join(root, self.parent, *parts[:i]))
                except OSError:
                    pass

    def cgroups_path(self, cid: str) -> str:
        return f"/{self.parent_of(cid)}/{cid}"


def write(path: str, value) -> None:
    try:
        with open(path, "w") as f:
            f.write(str(value))
    except OSError as e:
        if e.errno in (errno.EINVAL, errno.ERANGE, errno.EBUSY):
            name = os.path.basename(path)
            raise InvalidArgument(f"the kernel refused {value} for {name}: {e.strerror}") from None
        raise


def read(path: str) -> str:
    with open(path) as f:
        return f.read()


def read_key(path: str, key: str) -> int:
    """A value of a flat keyed file (memory.events, memory.oom_control);
    0 when the file or the key is missing."""
    try:
        text = read(path)
    except FileNotFoundError:
        return 0
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key:
            return int(value)
    return 0


def procs(dirs: list[str], procs_file: str = "cgroup.procs") -> set[int]:
    """The processes in these cgroups and every cgroup below them (a dying
    process is no longer listed)."""
    out = set()
    for top in dirs:
        for path, _, _ in os.walk(top):
            try:
                out.update(int(p) for p in read(os.path.join(path, procs_file)).split())
            except (FileNotFoundError, NotADirectoryError):
                pass  # removed meanwhile
    return out


def _kill(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_for(check, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.001)


def read_int(path: str, default: int = 0) -> int:
    """An integer file ("max" and missing files count as the default)."""
    try:
        text = read(path).strip()
    except FileNotFoundError:
        return default
    return int(text) if text.lstrip("-").isdigit() else default


def keyed(path: str) -> dict[str, int]:
    """All of a flat keyed file (memory.stat, cpu.stat) in one read."""
    try:
        text = read(path)
    except FileNotFoundError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if value.strip().lstrip("-").isdigit():
            out[key] = int(value)
    return out


def remove_dir(path: str, procs_file: str = "cgroup.procs") -> None:
    """rmdir a cgroup, killing leftover tasks first; tolerant of absence.
    Child cgroups go first, deepest first: a container given CAP_SYS_ADMIN
    (or a delegated view) may have made its own below."""
    if not os.path.isdir(path):
        return
    # Deepest first, without recursion: a container can nest them deep.
    for below, _, _ in os.walk(path, topdown=False):
        if below != path:
            _remove_one(below, procs_file)
    _remove_one(path, procs_file)


def _remove_one(path: str, procs_file: str) -> None:
    for attempt in range(50):
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError as e:
            if e.errno != errno.EBUSY:
                raise
        try:
            for pid in read(os.path.join(path, procs_file)).split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        except FileNotFoundError:
            return
        time.sleep(0.002 * (attempt + 1))
    os.rmdir(path)
