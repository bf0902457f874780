"""User namespaces for --userns-remap, shim side: the container's root is an
unprivileged host uid range (0 -> BASE, SIZE ids).

How the root filesystem stays readable without copying or chowning the
shared layers: each lower layer is bound into the shim's own mount namespace
as an *idmapped* mount (mount_setattr MOUNT_ATTR_IDMAP with a user namespace
carrying the same map), so a file owned by host uid 0 on disk reads as owned
by BASE, i.e. by the container's root. The overlay is mounted over those
idmapped lowers; its upper dir is a plain directory owned by BASE (overlayfs
refuses an idmapped upper written with the mounter's credentials). Files
written by the container land in the upper dir owned by BASE+uid. The layers
on disk are unchanged and still shared with every other container.

Standard library only: the shim imports this."""
import ctypes
import os

from services.runtime import syscalls as sc

SYS_open_tree = 428
SYS_mount_setattr = 442
OPEN_TREE_CLONE = 1
OPEN_TREE_CLOEXEC = 0o2000000
AT_EMPTY_PATH = 0x1000
MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_IDMAP = 0x100000


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def write_maps(pid: int, uid_base: int, gid_base: int, size: int) -> None:
    # os.write, not a buffered file: a refused write must raise (platform.md).
    for name, base in (("uid_map", uid_base), ("gid_map", gid_base)):
        fd = os.open(f"/proc/{pid}/{name}", os.O_WRONLY)
        try:
            os.write(fd, f"0 {base} {size}\n".encode())
        finally:
            os.close(fd)


def holder(uid_base: int, gid_base: int, size: int) -> int:
    """An fd of a user namespace with the map, for idmapping: made by a
    child that unshares and waits; the fd keeps the namespace alive."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(w)
            sc.unshare(sc.CLONE_NEWUSER)
            os.read(r, 1)  # until the parent has the fd (or is gone)
        finally:
            os._exit(0)
    os.close(r)
    try:
        for _ in range(1000):  # its unshare happens moments after the fork
            if os.readlink(f"/proc/{pid}/ns/user") != os.readlink("/proc/self/ns/user"):
                break
            os.sched_yield()
        write_maps(pid, uid_base, gid_base, size)
        return os.open(f"/proc/{pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        os.close(w)
        os.waitpid(pid, 0)


def idmapped_bind(source: str, target: str, userns_fd: int) -> None:
    """`source` seen through the user namespace's map, read-only, at `target`."""
    fd = sc.libc.syscall(SYS_open_tree, sc.AT_FDCWD, source.encode(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)
    if fd < 0:
        raise OSError(ctypes.get_errno(), f"open_tree {source}")
    try:
        attr = _MountAttr(MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY, 0, 0, userns_fd)
        if sc.libc.syscall(SYS_mount_setattr, int(fd), b"", AT_EMPTY_PATH, ctypes.byref(attr),
                           ctypes.sizeof(attr)) < 0:
            raise OSError(ctypes.get_errno(), f"idmapping {source}: {os.strerror(ctypes.get_errno())}")
        os.makedirs(target, exist_ok=True)
        if sc.libc.syscall(sc.SYS_move_mount, int(fd), b"", sc.AT_FDCWD, target.encode(),
                           sc.MOVE_MOUNT_F_EMPTY_PATH) < 0:
            raise OSError(ctypes.get_errno(), f"move_mount {target}")
    finally:
        os.close(int(fd))


def remap_lowers(options: list[str], state: str, userns_fd: int) -> list[str]:
    """overlay options with each lowerdir replaced by its idmapped bind
    (under <state>/idmap, in the shim's mount namespace only)."""
    out = []
    for opt in options:
        key, _, value = opt.partition("=")
        if key == "lowerdir":
            mapped = []
            for i, lower in enumerate(value.split(":")):
                target = os.path.join(state, "idmap", str(i))
                idmapped_bind(lower, target, userns_fd)
                mapped.append(target)
            opt = "lowerdir=" + ":".join(mapped)
        out.append(opt)
    return out
