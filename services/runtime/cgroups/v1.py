"""cgroup v1: one hierarchy per controller (this development machine).
A process joins by being written into cgroup.procs of EACH hierarchy."""
import os

from services.runtime.cgroups import base, controllers

CONTROLLERS = tuple(c.name for c in controllers.V1)


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
        self.controllers = [c for c in controllers.V1 if c.name in self.mounts]
        self._by_name = {c.name: c for c in self.controllers}

    def _dir(self, controller: str, cid: str = "") -> str:
        return os.path.join(self.mounts[controller], self.parent_of(cid), cid)

    def dirs(self, cid: str) -> list[str]:
        """Every hierarchy's directory of the container: the controllers
        doca manages, and the others (name=systemd, a hybrid host's
        cgroup2), which the container must join too: left at the shim's
        cgroup there, its own cgroup namespace would be rooted at the
        hierarchy's root, release_agent in reach (CVE-2022-0492)."""
        return [self._dir(c.name, cid) for c in self.controllers] + self._other_dirs(cid)

    def _other_dirs(self, cid: str) -> list[str]:
        return [os.path.join(r, self.parent_of(cid), cid) for r in self.others]

    def container_view(self, cid: str) -> dict[str, str]:
        # Docker on v1: each hierarchy shows only the container's own cgroup.
        return {c.name: self._dir(c.name, cid) for c in self.controllers}

    def create(self, cid: str, res: base.Resources) -> list[str]:
        made = []
        try:
            for c in self.controllers:
                levels = [os.path.join(self.mounts[c.name], p) for p in self.parent_levels(cid)]
                for path in levels + [self._dir(c.name, cid)]:
                    if not os.path.isdir(path):
                        os.mkdir(path)
                        c.prepare(path)
                    elif path == levels[0] or path == self._dir(c.name, cid):
                        c.prepare(path)  # the engine's parent, as before; never a cgroup it did not make
                made.append(self._dir(c.name, cid))
            for path in self._other_dirs(cid):  # no limits there: a place to be, as runc's
                os.makedirs(path, exist_ok=True)
                made.append(path)
            self.update(cid, res)
        except BaseException:
            for path in made:
                base.remove_dir(path)
            raise
        return made

    def update(self, cid: str, res: base.Resources) -> None:
        for c in self.controllers:
            c.set(self._dir(c.name, cid), res)

    def stats(self, cid: str) -> dict:
        sample = dict.fromkeys(base.SAMPLE_KEYS, 0)
        for c in self.controllers:
            c.stats(self._dir(c.name, cid), sample)
        return sample

    def set_devices(self, cid: str, rules: list[dict]) -> None:
        if "devices" in self._by_name:
            self._by_name["devices"].allow(self._dir("devices", cid), rules)

    def oom_kills(self, cid: str) -> int:
        if "memory" not in self._by_name:
            return 0
        return self._by_name["memory"].oom_kills(self._dir("memory", cid))

    def freeze(self, cid: str, timeout: float = 10.0) -> None:
        self._by_name["freezer"].freeze(self._dir("freezer", cid), timeout)

    def thaw(self, cid: str, timeout: float = 10.0) -> None:
        self._by_name["freezer"].thaw(self._dir("freezer", cid), timeout)

    def frozen(self, cid: str) -> bool:
        return self._by_name["freezer"].frozen(self._dir("freezer", cid))

    def destroy(self, cid: str) -> None:
        # Whatever is left is killed frozen (no fork escapes the kill), then
        # each hierarchy's directory goes (remove_dir kills again what joined since).
        try:
            self.kill_all(cid)
        except TimeoutError:
            pass  # remove_dir reports the cgroup that stays busy
        for path in self.dirs(cid):
            base.remove_dir(path)
        self.remove_levels(cid, list(dict.fromkeys(self.mounts.values())) + self.others)

    def remove_parent(self) -> None:
        paths = [self._dir(c.name) for c in self.controllers]
        for path in paths + [os.path.join(r, self.parent) for r in self.others]:
            try:
                os.rmdir(path)
            except OSError:
                pass
