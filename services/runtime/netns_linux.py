"""The shim's half of pinned network namespaces (see netns.py): standard
library only, no pathlib, so the shim starts fast."""
import os

from services.runtime import syscalls as sc


def create_or_join(path: str, create: bool) -> None:
    """In the shim (single-threaded), before the init is cloned: makes a new
    network namespace pinned at `path`, or joins the pinned one."""
    if create:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444))
        sc.unshare(sc.CLONE_NEWNET)
        sc.mount("/proc/self/ns/net", path, None, sc.MS_BIND, None)
        from services.runtime.init_linux import loopback_up
        loopback_up()
    else:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            sc.setns(fd, sc.CLONE_NEWNET)
        finally:
            os.close(fd)
