"""cgroup v2: one unified tree. Controllers are enabled for children through
cgroup.subtree_control of every ancestor below the mount."""
import os

from common.errors import InvalidArgument
from services.runtime.cgroups import base

WANTED = ("cpu", "memory", "pids", "io", "cpuset")


def shares_to_weight(shares: int) -> int:
    """cpu.shares (2..262144) to cpu.weight (1..10000), as runc and crun map it."""
    return 1 + ((shares - 2) * 9999) // 262142


class V2Driver(base.Driver):
    version = "2"

    def __init__(self, parent: str, mount: str = "/sys/fs/cgroup"):
        super().__init__(parent)
        self.mount = mount

    def _dir(self, cid: str = "") -> str:
        return os.path.join(self.mount, self.parent, cid)

    def dirs(self, cid: str) -> list[str]:
        return [self._dir(cid)]

    def container_view(self, cid: str) -> dict[str, str]:
        return {"": self._dir(cid)}

    def _enable_controllers(self, path: str) -> None:
        available = base.read(os.path.join(path, "cgroup.controllers")).split()
        wanted = [c for c in WANTED if c in available]
        if wanted:
            base.write(os.path.join(path, "cgroup.subtree_control"),
                       " ".join("+" + c for c in wanted))

    def create(self, cid: str, limits: base.Limits) -> list[str]:
        base.validate(limits)
        parent = self._dir()
        os.makedirs(parent, exist_ok=True)
        self._enable_controllers(self.mount)
        self._enable_controllers(parent)
        path = self._dir(cid)
        os.makedirs(path, exist_ok=True)
        try:
            self.update(cid, limits)
        except BaseException:
            base.remove_dir(path)
            raise
        return [path]

    def update(self, cid: str, limits: base.Limits) -> None:
        base.validate(limits)
        d = self._dir(cid)
        if limits.memory_bytes:
            base.write(os.path.join(d, "memory.max"), limits.memory_bytes)
            # Docker's default --memory-swap is twice --memory: swap = memory.
            base.write(os.path.join(d, "memory.swap.max"), limits.memory_bytes)
        if limits.cpu_quota:
            base.write(os.path.join(d, "cpu.max"), f"{limits.cpu_quota} {limits.cpu_period or 100000}")
        if limits.cpu_shares:
            base.write(os.path.join(d, "cpu.weight"), shares_to_weight(limits.cpu_shares))
        if limits.pids_limit:
            base.write(os.path.join(d, "pids.max"), limits.pids_limit)

    def oom_kills(self, cid: str) -> int:
        return base.read_key(os.path.join(self._dir(cid), "memory.events"), "oom_kill")

    def stats(self, cid: str) -> dict:
        d = self._dir(cid)
        blk_read = blk_write = 0
        try:
            for line in base.read(os.path.join(d, "io.stat")).splitlines():
                for field in line.split()[1:]:
                    key, _, value = field.partition("=")
                    if key == "rbytes":
                        blk_read += int(value)
                    elif key == "wbytes":
                        blk_write += int(value)
        except FileNotFoundError:
            pass
        return {
            "cpu_ns": base.keyed(os.path.join(d, "cpu.stat")).get("usage_usec", 0) * 1000,
            "memory_usage": base.read_int(os.path.join(d, "memory.current")),
            "memory_limit": base.read_int(os.path.join(d, "memory.max")),
            "memory_inactive_file": base.keyed(os.path.join(d, "memory.stat")).get("inactive_file", 0),
            "pids_current": base.read_int(os.path.join(d, "pids.current")),
            "pids_limit": base.read_int(os.path.join(d, "pids.max")),
            "blk_read": blk_read, "blk_write": blk_write,
        }

    def freeze(self, cid: str, timeout: float = 10.0) -> None:
        d = self._dir(cid)
        base.write(os.path.join(d, "cgroup.freeze"), 1)
        base.wait_for(lambda: base.read_key(os.path.join(d, "cgroup.events"), "frozen") == 1, "cgroup.freeze", timeout)

    def thaw(self, cid: str, timeout: float = 10.0) -> None:
        d = self._dir(cid)
        base.write(os.path.join(d, "cgroup.freeze"), 0)
        base.wait_for(lambda: base.read_key(os.path.join(d, "cgroup.events"), "frozen") == 0, "cgroup.freeze", timeout)

    def frozen(self, cid: str) -> bool:
        try:
            return base.read(os.path.join(self._dir(cid), "cgroup.freeze")).strip() == "1"
        except FileNotFoundError:
            return False

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

    def remove_parent(self) -> None:
        try:
            os.rmdir(self._dir())
        except OSError:
            pass
