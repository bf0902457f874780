"""Where a container's run-time files live: the bundle (config.json, the
rootfs mount point) and the shim's files (shim.marshal, exec.fifo,
init.pid, exit.json, attach.sock, shim.log), under <run dir>/runtime.

They are kept on a tmpfs, as containerd keeps its state under /run: they
are derived from the record (container.json, which stays under --root with
the log) and written again when missing (create.py, ensure_bundle), and on
a disk they cost: on this host's ext4 (no journal) a new inode skips the
recently deleted ones, and a burst of starts after removals spent a quarter
of its CPU allocating the inodes of these files.

When the run dir is on a tmpfs already (/run on most hosts), that is used;
else the runtime mounts one there, and unmounts it when it stops with no
container left (as it gives back its parent cgroup then)."""
import pathlib

from services.runtime import syscalls as sc
from services.runtime.netns import is_mountpoint

TMPFS_MAGIC = 0x01021994
OPTIONS = "mode=0700"  # root's alone: bundles hold the environment (common/storeperms.py)


class VolatileDir:
    def __init__(self, path: pathlib.Path):
        self.path = pathlib.Path(path)

    def ensure(self) -> pathlib.Path:
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if sc.fs_type(self.path) != TMPFS_MAGIC:
            sc.mount("tmpfs", str(self.path), "tmpfs", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC, OPTIONS)
        self.path.chmod(0o700)  # one an older doca mounted (0711), or the run dir's own tmpfs
        return self.path

    def release(self) -> None:
        """At service stop with no container left: a tmpfs of ours goes (one
        that came with the run dir stays, empty)."""
        if is_mountpoint(self.path) and sc.fs_type(self.path) == TMPFS_MAGIC:
            sc.umount2(str(self.path), sc.MNT_DETACH)
            try:
                self.path.rmdir()
            except OSError:
                pass
