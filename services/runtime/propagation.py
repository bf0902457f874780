"""A bind's rslave/rshared propagation needs its source on a mount that
can propagate: Docker's daemon checks it at each start and refuses in
these words (a private source would make the option silently do nothing).
What applies the propagation: rootfs_linux.py (doca's init) and
config.json's linux.rootfsPropagation (runc, crun; create.py)."""
from common.errors import FailedPrecondition
from services.runtime import rootfs_linux

SHARED = ("shared", "rshared")
SLAVE = ("slave", "rslave")


def check(mounts) -> None:
    for m in mounts:
        options = set(m.options)
        if not options & {*SHARED, *SLAVE} or not m.source:
            continue
        point, tags = rootfs_linux.mount_of(m.source)
        shared = any(t.startswith("shared:") for t in tags)
        if options & set(SHARED) and not shared:
            raise FailedPrecondition(f"path {m.source} is mounted on {point} but it is not a shared mount.")
        if not shared and not any(t.startswith("master:") for t in tags):
            raise FailedPrecondition(f"path {m.source} is mounted on {point} but it is not a shared or slave mount.")
