"""cgroup v2: one unified tree. Controllers are enabled for children through
cgroup.subtree_control of every ancestor below the mount."""
import os

from common.errors import InvalidArgument
from services.runtime.cgroups import base, controllers

BY_NAME = {c.name: c for c in controllers.V2}


class V2Driver(base.Driver):
    version = "2"

    def __init__(self, parent: str, mount: str = "/sys/fs/cgroup"):
        super().__init__(parent)
        self.mount = mount

    def _dir(self, cid: str = "") -> str:
        return os.path.join(self.mount, self.parent_of(cid), cid)

    def dirs(self, cid: str) -> list[str]:
        return [self._dir(cid)]

    def container_view(self, cid: str) -> dict[str, str]:
        return {"": self._dir(cid)}

    def _enable_controllers(self, path: str) -> None:
        available = base.read(os.path.join(path, "cgroup.controllers")).split()
        wanted = [c.name for c in controllers.V2 if c.enable and c.name in available]
        if wanted:
            base.write(os.path.join(path, "cgroup.subtree_control"),
                       " ".join("+" + c for c in wanted))

    def create(self, cid: str, res: base.Resources) -> list[str]:
        self._enable_controllers(self.mount)
        for level in self.parent_levels(cid):  # the engine's parent, then a --cgroup-parent's levels
            parent = os.path.join(self.mount, level)
            os.makedirs(parent, exist_ok=True)
            self._enable_controllers(parent)
        path = self._dir(cid)
        os.makedirs(path, exist_ok=True)
        try:
            self.update(cid, res)
        except BaseException:
            base.remove_dir(path)
            raise
        return [path]

    def update(self, cid: str, res: base.Resources) -> None:
        d = self._dir(cid)
        for c in controllers.V2:
            c.set(d, res)

    def oom_kills(self, cid: str) -> int:
        return BY_NAME["memory"].oom_kills(self._dir(cid))

    def stats(self, cid: str) -> dict:
        d = self._dir(cid)
        sample = dict.fromkeys(base.SAMPLE_KEYS, 0)
        for c in controllers.V2:
            c.stats(d, sample)
        return sample

    def freeze(self, cid: str, timeout: float = 10.0) -> None:
        BY_NAME["freezer"].freeze(self._dir(cid), timeout)

    def thaw(self, cid: str, timeout: float = 10.0) -> None:
        BY_NAME["freezer"].thaw(self._dir(cid), timeout)

    def frozen(self, cid: str) -> bool:
        return BY_NAME["freezer"].frozen(self._dir(cid))

    def kill_all(self, cid: str, timeout: float = 10.0) -> int:
        # cgroup.kill (Linux 5.14) kills the whole subtree at once; without
        # it, the freezer and a SIGKILL for each (the driver's way).
        path = self._dir(cid)
        kill = os.path.join(path, "cgroup.kill")
        found = 0
        if os.path.exists(kill):
            found = len(base.procs([path]))
            if found:
                try:
                    base.write(kill, 1)
                except (OSError, InvalidArgument):
                    pass
        return max(found, super().kill_all(cid, timeout))

    def destroy(self, cid: str) -> None:
        try:
            self.kill_all(cid)
        except TimeoutError:
            pass  # remove_dir reports the cgroup that stays busy
        base.remove_dir(self._dir(cid))
        self.remove_levels(cid, [self.mount])

    def remove_parent(self) -> None:
        try:
            os.rmdir(self._dir())
        except OSError:
            pass
