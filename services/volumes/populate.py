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
symlink followed (common.beneath).

The volume is written through descriptors only (mkdirat, openat with
O_NOFOLLOW, fchown, fchmod): a running container that has the volume
mounted can swap a directory for a symlink while the copy runs, and a copy
by path would then create files and change modes on the host (Docker copies
in a chroot for the same reason)."""
import os
import stat

from common import fstree
from common.errors import InvalidArgument
from common.layerview import LayerTree

MAX_DEPTH = 256  # directories open at once along the walk: well under any fd limit
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def populate(volume_dir: str, layers: list[str], path: str) -> bool:
    """Copies the image's directory `path` into `volume_dir` when the volume
    is empty and the image has a directory there; True when it copied.
    `layers`: the image's layer directories, top first."""
    root = os.open(volume_dir, _DIR)
    try:
        if os.listdir(root):
            return False
        tree = LayerTree(layers)
        top = fstree.lookup(tree, path)
        if top is None or top.kind != fstree.DIR or not top.path:
            return False  # nothing there, not a directory, or the root itself
        _copy_tree(tree, top, root)
        return True
    finally:
        os.close(root)


def _copy_tree(tree: LayerTree, top: fstree.Node, root: int) -> None:
    """Depth first without recursion; each directory's own metadata once
    its entries are in (they change its times)."""
    stack = [(top, os.dup(root), iter(tree.children(top)))]
    try:
        while stack:
            node, fd, names = stack[-1]
            name = next(names, None)
            if name is None:
                _copy_meta(tree.disk(node), fd)
                os.close(fd)
                stack.pop()
                continue
            child = tree.child(node, name)
            if child is None:
                continue
            if child.kind == fstree.DIR:
                if len(stack) >= MAX_DEPTH:
                    raise InvalidArgument(f"cannot copy the image's {top.path!r} into a volume: "
                                          f"more than {MAX_DEPTH} directories deep")
                os.mkdir(name, 0o700, dir_fd=fd)
                stack.append((child, os.open(name, _DIR, dir_fd=fd), iter(tree.children(child))))
            elif child.kind == fstree.SYMLINK:
                os.symlink(child.linkname, name, dir_fd=fd)
                os.chown(name, child.uid, child.gid, dir_fd=fd, follow_symlinks=False)
            elif child.kind == fstree.FILE:
                _copy_file(tree, child, fd, name)
            # devices, fifos and sockets are not copied into volumes
    finally:
        for _, fd, _ in stack:
            os.close(fd)


def _copy_file(tree: LayerTree, node: fstree.Node, dir_fd: int, name: str) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
    try:
        with open(fd, "wb", closefd=False) as out:
            for chunk in tree.read(node):
                out.write(chunk)
        _copy_meta(tree.disk(node), fd)
    finally:
        os.close(fd)


def _copy_meta(src: str, fd: int) -> None:
    st = os.lstat(src)
    os.fchown(fd, st.st_uid, st.st_gid)  # first: it clears setuid bits, which fchmod sets again
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
    os.utime(fd, ns=(st.st_atime_ns, st.st_mtime_ns))
