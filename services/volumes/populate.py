"""Docker's copy of an image's content into a volume: when an empty volume
is mounted where the image has a directory, that directory's content (with
owners, modes, times, symlinks) is copied into the volume first, so
`-v data:/etc/app` starts with the image's defaults.

The image is read from its unpacked layers seen as overlayfs merges them
(common.layerview: whiteouts and opaque directories honoured): no mount is
needed, nothing of the container's own (still empty) upper layer counts.

The path is the container's, never the host's: `..` stops at the image's
root and the image's symlinks are followed inside the image (common.fstree
walks it as the kernel would in a chroot), as the runtime resolves the
mount's destination (rootfs_linux.secure_join). An image with
VOLUME /../../etc, or a symlink /data -> /etc, gets the image's own /etc
copied, never the host's; files are read beneath their layer with no
symlink followed (common.beneath)."""
import os
import stat

from common import fstree
from common.layerview import LayerTree


def populate(volume_dir: str, layers: list[str], path: str) -> bool:
    """Copies the image's directory `path` into `volume_dir` when the volume
    is empty and the image has a directory there; True when it copied.
    `layers`: the image's layer directories, top first."""
    if os.listdir(volume_dir):
        return False
    tree = LayerTree(layers)
    top = fstree.lookup(tree, path)
    if top is None or top.kind != fstree.DIR or not top.path:
        return False  # nothing there, not a directory, or the root itself
    dirs = [(top, volume_dir)]
    for rel, node in fstree.walk(tree, top):
        target = os.path.join(volume_dir, rel)
        if node.kind == fstree.DIR:
            os.mkdir(target)
            dirs.append((node, target))
        elif node.kind == fstree.SYMLINK:
            os.symlink(node.linkname, target)
            os.lchown(target, node.uid, node.gid)
        elif node.kind == fstree.FILE:
            with open(target, "xb") as f:
                for chunk in tree.read(node):
                    f.write(chunk)
            _copy_meta(tree.disk(node), target)
        # devices, fifos and sockets are not copied into volumes
    for node, target in reversed(dirs):  # deepest first: their entries changed their times
        _copy_meta(tree.disk(node), target)
    return True


def _copy_meta(src: str, dst: str) -> None:
    st = os.lstat(src)
    os.chown(dst, st.st_uid, st.st_gid, follow_symlinks=False)
    os.chmod(dst, stat.S_IMODE(st.st_mode))
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)
