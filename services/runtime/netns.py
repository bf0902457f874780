"""Network namespaces that outlive a container's processes, so that a
restart (policy, `doca start`, `doca restart`) keeps its endpoint and
address: a bind mount of the namespace at <state>/netns/<id>, as
`ip netns add` makes them.

The netns directory is itself a shared bind mount: every shim's mount
namespace holds a (slave) copy of the host's mounts, and only a shared
parent lets the host's umount of one namespace reach those copies; without
it a removed container's namespace would live on inside its neighbours."""
import pathlib

from services.runtime import syscalls as sc


def is_mountpoint(path: pathlib.Path) -> bool:
    target = str(path)
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == target for line in f)


class NetnsDir:
    def __init__(self, path: pathlib.Path):
        self.path = pathlib.Path(path)

    def ensure(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        if not is_mountpoint(self.path):
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
        if is_mountpoint(self.path):
            sc.umount2(str(self.path), sc.MNT_DETACH)
        try:
            self.path.rmdir()
        except OSError:
            pass

    def leftovers(self, known: set[str]) -> list[str]:
        return [p.name for p in self.path.iterdir() if p.name not in known] if self.path.is_dir() else []
