"""overlayfs's on-disk markers, read by whoever walks an upper or lower
directory (the images service's layer diffs, the runtime's `doca diff`)."""
import os
import stat

# An opaque directory hides whatever the layers below have under it.
OPAQUE_XATTR = "trusted.overlay.opaque"


def is_whiteout(st: os.stat_result) -> bool:
    """A deleted entry: a 0/0 character device."""
    return stat.S_ISCHR(st.st_mode) and st.st_rdev == 0


def is_opaque(path: str) -> bool:
    try:
        return os.getxattr(path, OPAQUE_XATTR, follow_symlinks=False) == b"y"
    except OSError:
        return False
