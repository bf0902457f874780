"""The mount points a container's runtime made in its upper directory,
which are not the container's changes: a commit leaves them out, as
Docker keeps them in a container's init layer and commits only the layer
above it.

They are the paths Docker's init layer holds (/proc, /dev, /sys and the
/etc files the network service binds) that the image lacks, when they are
still as the runtime made them (an empty file or directory), and a
directory on the way to them whose only entries are such mount points.
A mount point the user filled is a change and stays."""
import os
import stat

from common import fstree as trees
from common.overlayfs import is_opaque
from common.layerview import LayerTree

# Docker's initMount's paths (daemon/initlayer), relative to the root.
INIT_PATHS = ("proc", "dev", "sys", "etc/hosts", "etc/hostname", "etc/resolv.conf")
ANCESTORS = frozenset("/".join(p.split("/")[:i]) for p in INIT_PATHS for i in range(1, p.count("/") + 1))


def copied_up_only(path: str, lower_dirs: list[str], rel: str) -> bool:
    """`path`, a directory of the upper dir, is the image's directory `rel`
    copied up as it was (overlay does so to make a mount point in it): same
    mode and owner, not opaque. Then it is no change of its own."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if is_opaque(path):
        return False
    for lower in lower_dirs:
        try:
            low = os.lstat(os.path.join(lower, rel))
        except OSError:
            continue
        return stat.S_ISDIR(low.st_mode) and (low.st_mode, low.st_uid, low.st_gid) == (st.st_mode, st.st_uid,
                                                                                        st.st_gid)
    return False


def runtime_made(upper: str, lower_dirs: list[str]) -> frozenset:
    """The relative paths of `upper` a diff leaves out."""
    view = LayerTree(lower_dirs)
    absent = {p for p in INIT_PATHS if trees.lookup(view, p, follow_last=False) is None}
    skipped: set[str] = set()

    def made(rel: str) -> bool:
        """rel (in upper) is one of the runtime's mount points, or only holds them."""
        try:
            st = os.lstat(os.path.join(upper, rel))
        except OSError:
            return False
        if stat.S_ISREG(st.st_mode):
            ok = rel in absent and st.st_size == 0
        elif stat.S_ISDIR(st.st_mode) and (rel in absent or rel in ANCESTORS):
            names = os.listdir(os.path.join(upper, rel))
            each = [made(f"{rel}/{n}") for n in names]  # every one: the others are skipped alone
            ok = all(each) and (rel in absent or copied_up_only(os.path.join(upper, rel), lower_dirs, rel))
        else:
            ok = False
        if ok:
            skipped.add(rel)
        return ok

    for top in {p.split("/")[0] for p in INIT_PATHS}:
        made(top)
    return frozenset(skipped)
