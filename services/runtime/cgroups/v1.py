"""cgroup v1: one hierarchy per controller (this development machine).
A process joins by being written into cgroup.procs of EACH hierarchy."""
import os

from services.runtime.cgroups import base

CONTROLLERS = ("cpu", "cpuacct", "cpuset", "memory", "pids", "blkio", "freezer", "devices")
UNLIMITED = -1


def find_mounts(mountinfo: str = "/proc/self/mountinfo") -> dict[str, str]:
    """controller -> mount point, from the v1 cgroup mounts."""
    out = {}
    for mountpoint, fstype, options in _cgroup_mounts(mountinfo):
        if fstype != "cgroup":
            continue
        for opt in options:
            if opt in CONTROLLERS:
                out.setdefault(opt, mountpoint)
    return out


def other_roots(known: dict[str, str], mountinfo: str = "/proc/self/mountinfo") -> list[str]:
    """Hierarchies doca does not manage (name=systemd, a hybrid host's cgroup2)
    where runc or crun still create the container's cgroups."""
    return sorted({m for m, _, _ in _cgroup_mounts(mountinfo)} - set(known.values()))


def _cgroup_mounts(mountinfo: str):
    with open(mountinfo) as f:
        for line in f:
            pre, _, post = line.partition(" - ")
            fields, post = pre.split(), post.split()
            if post and post[0] in ("cgroup", "cgroup2"):
                yield fields[4], post[0], post[2].split(",") if len(post) > 2 else []


class V1Driver(base.Driver):
    version = "1"

    def __init__(self, parent: str, mounts: dict[str, str] | None = None):
        super().__init__(parent)
        self.mounts = mounts if mounts is not None else find_mounts()
        self.others = other_roots(self.mounts) if mounts is None else []

    def _dir(self, controller: str, cid: str = "") -> str:
        return os.path.join(self.mounts[controller], self.parent, cid)

    def dirs(self, cid: str) -> list[str]:
        """Every hierarchy's directory of the container: the controllers
        doca manages, and the others (name=systemd, a hybrid host's
        cgroup2), which the container must join too: left at the shim's
        cgroup there, its own cgroup namespace would be rooted at the
        hierarchy's root, release_agent in reach (CVE-2022-0492)."""
        return [self._dir(c, cid) for c in CONTROLLERS if c in self.mounts] + self._other_dirs(cid)

    def _other_dirs(self, cid: str) -> list[str]:
        return [os.path.join(r, self.parent, cid) for r in self.others]

    def container_view(self, cid: str) -> dict[str, str]:
        # Docker on v1: each hierarchy shows only the container's own cgroup.
        return {c: self._dir(c, cid) for c in CONTROLLERS if c in self.mounts}

    def _ensure_cpuset(self, path: str) -> None:
        # A new cpuset cgroup starts empty; no task may join until it has cpus and mems.
        parent = os.path.dirname(path.rstrip("/"))
        for name in ("cpuset.cpus", "cpuset.mems"):
            f = os.path.join(path, name)
            if not base.read(f).strip():
                base.write(f, base.read(os.path.join(parent, name)).strip())

    def create(self, cid: str, limits: base.Limits) -> list[str]:
        base.validate(limits)
        made = []
        try:
            for controller in CONTROLLERS:
                if controller not in self.mounts:
                    continue
                for path in (self._dir(controller), self._dir(controller, cid)):
                    if not os.path.isdir(path):
                        os.mkdir(path)
                    if controller == "cpuset":
                        self._ensure_cpuset(path)
                made.append(self._dir(controller, cid))
            for path in self._other_dirs(cid):  # no limits there: a place to be, as runc's
                os.makedirs(path, exist_ok=True)
                made.append(path)
            self.update(cid, limits)
        except BaseException:
            for path in made:
                base.remove_dir(path)
            raise
        return made

    def update(self, cid: str, limits: base.Limits) -> None:
        base.validate(limits)
        if limits.memory_bytes and "memory" in self.mounts:
            d = self._dir("memory", cid)
            memsw = os.path.join(d, "memory.memsw.limit_in_bytes")
            # Docker's default --memory-swap is twice --memory. The kernel wants
            # memsw >= memory at every step, so the order depends on direction.
            steps = [("memory.limit_in_bytes", limits.memory_bytes)]
            if os.path.exists(memsw):
                current = int(base.read(os.path.join(d, "memory.limit_in_bytes")))
                pair = ("memory.memsw.limit_in_bytes", 2 * limits.memory_bytes)
                steps = steps + [pair] if limits.memory_bytes <= current else [pair] + steps
            for name, value in steps:
                base.write(os.path.join(d, name), value)
        if "cpu" in self.mounts:
            d = self._dir("cpu", cid)
            if limits.cpu_shares:
                base.write(os.path.join(d, "cpu.shares"), limits.cpu_shares)
            if limits.cpu_quota:
                base.write(os.path.join(d, "cpu.cfs_period_us"), limits.cpu_period or 100000)
                base.write(os.path.join(d, "cpu.cfs_quota_us"), limits.cpu_quota)
        if limits.pids_limit and "pids" in self.mounts:
            base.write(os.path.join(self._dir("pids", cid), "pids.max"), limits.pids_limit)

    def stats(self, cid: str) -> dict:
        def f(controller, name):
            return os.path.join(self._dir(controller, cid), name)
        limit = base.read_int(f("memory", "memory.limit_in_bytes"))
        pids_max = base.read_int(f("pids", "pids.max"))
        blk_read = blk_write = 0
        try:
            for line in base.read(f("blkio", "blkio.throttle.io_service_bytes")).splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[1] == "Read":
                    blk_read += int(parts[2])
                elif len(parts) == 3 and parts[1] == "Write":
                    blk_write += int(parts[2])
        except FileNotFoundError:
            pass
        return {
            "cpu_ns": base.read_int(f("cpuacct", "cpuacct.usage")),
            "memory_usage": base.read_int(f("memory", "memory.usage_in_bytes")),
            # v1 reports "no limit" as a huge page-aligned number.
            "memory_limit": limit if 0 < limit < (1 << 60) else 0,
            "memory_inactive_file": base.keyed(f("memory", "memory.stat")).get("total_inactive_file", 0),
            "pids_current": base.read_int(f("pids", "pids.current")),
            "pids_limit": pids_max,
            "blk_read": blk_read, "blk_write": blk_write,
        }

    def set_devices(self, cid: str, rules: list[dict]) -> None:
        if "devices" not in self.mounts:
            return
        from services.runtime.devices import v1_lines
        d = self._dir("devices", cid)
        for name, line in v1_lines(rules):
            base.write(os.path.join(d, name), line)

    def oom_kills(self, cid: str) -> int:
        if "memory" not in self.mounts:
            return 0
        # oom_kill counts kills (failcnt stays 0 when memsw is set).
        return base.read_key(os.path.join(self._dir("memory", cid), "memory.oom_control"), "oom_kill")

    def freeze(self, cid: str, timeout: float = 10.0) -> None:
        state = os.path.join(self._dir("freezer", cid), "freezer.state")
        base.write(state, "FROZEN")
        # FREEZING until every task has stopped: poll the state, as runc does.
        base.wait_for(lambda: base.read(state).strip() == "FROZEN", "the freezer", timeout)

    def thaw(self, cid: str, timeout: float = 10.0) -> None:
        state = os.path.join(self._dir("freezer", cid), "freezer.state")
        base.write(state, "THAWED")
        base.wait_for(lambda: base.read(state).strip() == "THAWED", "the freezer to thaw", timeout)

    def frozen(self, cid: str) -> bool:
        try:
            return base.read(os.path.join(self._dir("freezer", cid), "freezer.state")).strip() != "THAWED"
        except FileNotFoundError:
            return False

    def destroy(self, cid: str) -> None:
        # Whatever is left is killed frozen (no fork escapes the kill), then
        # each hierarchy's directory goes (remove_dir kills again what joined since).
        try:
            self.kill_all(cid)
        except TimeoutError:
            pass  # remove_dir reports the cgroup that stays busy
        for path in self.dirs(cid):
            base.remove_dir(path)

    def remove_parent(self) -> None:
        paths = [self._dir(c) for c in CONTROLLERS if c in self.mounts]
        for path in paths + [os.path.join(r, self.parent) for r in self.others]:
            try:
                os.rmdir(path)
            except OSError:
                pass
