"""Network namespaces that outlive a container's processes, so that a
restart (policy, `doca start`, `doca restart`) keeps its endpoint and
address: a bind mount of the namespace at <state>/netns/<id>, as
`ip netns add` makes them.

The netns directory is itself a shared bind mount: every shim's mount
namespace holds a (slave) copy of the host's mounts, and only a shared
parent lets the host's umount of one namespace reach those copies; without
it a removed container's namespace would live on inside its neighbours."""
import os
import pathlib

from services.runtime import syscalls as sc


def _is_mountpoint(path: pathlib.Path) -> bool:
    target = str(path)
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == target for line in f)


class NetnsDir:
    def __init__(self, path: pathlib.Path):
        self.path = pathlib.Path(path)

    def ensure(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        if not _is_mountpoint(self.path):
            sc.mount(str(self.path), str(self.path), None, sc.MS_BIND, None)
            sc.mount(None, str(self.path), None, sc.MS_SHARED, None)

    def file(self, cid: str) -> pathlib.Path:
        return self.path / cid

    def release(self, cid: str) -> None:
        """Unmounts and deletes one namespace file; fine when already gone."""
        f = self.file(cid)
        try:
            sc.umount2(str(f), sc.MNT_DETACH)
        except OSError:
            pass
        try:
            f.unlink()
        except FileNotFoundError:
            pass

    def close(self) -> None:
        """At service stop with no container left: the directory's mount goes."""
        if _is_mountpoint(self.path):
            sc.umount2(str(self.path), sc.MNT_DETACH)
        try:
            self.path.rmdir()
        except OSError:
            pass

    def leftovers(self, known: set[str]) -> list[str]:
        return [p.name for p in self.path.iterdir() if p.name not in known] if self.path.is_dir() else []


def create_or_join(path: str, create: bool) -> None:
    """In the shim (single-threaded), before the init is cloned: makes a new
    network namespace pinned at `path`, or joins the pinned one."""
    if create:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444))
        sc.unshare(sc.CLONE_NEWNET)
        sc.mount("/proc/self/ns/net", path, None, sc.MS_BIND, None)
    else:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            sc.setns(fd, sc.CLONE_NEWNET)
        finally:
            os.close(fd)
