"""The container's root filesystem, set up by its init in its own mount
namespace: the OCI mounts, /dev, pivot_root, masked and read-only paths.

Follows the stages of runc's rootfs_linux.go. Standard library only.
"""
import contextlib
import os
import stat

from common.beneath import make_beneath
from services.runtime import syscalls as sc

# OCI mount option -> (flags to set, flags to clear); everything else is data.
_FLAGS = {
    "ro": (sc.MS_RDONLY, 0), "rw": (0, sc.MS_RDONLY),
    "nosuid": (sc.MS_NOSUID, 0), "suid": (0, sc.MS_NOSUID),
    "nodev": (sc.MS_NODEV, 0), "dev": (0, sc.MS_NODEV),
    "noexec": (sc.MS_NOEXEC, 0), "exec": (0, sc.MS_NOEXEC),
    "sync": (sc.MS_SYNCHRONOUS, 0), "async": (0, sc.MS_SYNCHRONOUS),
    "dirsync": (sc.MS_DIRSYNC, 0), "remount": (sc.MS_REMOUNT, 0),
    "mand": (sc.MS_MANDLOCK, 0), "nomand": (0, sc.MS_MANDLOCK),
    "atime": (0, sc.MS_NOATIME), "noatime": (sc.MS_NOATIME, 0),
    "diratime": (0, sc.MS_NODIRATIME), "nodiratime": (sc.MS_NODIRATIME, 0),
    "bind": (sc.MS_BIND, 0), "rbind": (sc.MS_BIND | sc.MS_REC, 0),
    "relatime": (sc.MS_RELATIME, 0), "norelatime": (0, sc.MS_RELATIME),
    "strictatime": (sc.MS_STRICTATIME, 0), "nostrictatime": (0, sc.MS_STRICTATIME),
    "nosymfollow": (sc.MS_NOSYMFOLLOW, 0),
}
_PROPAGATION = {
    "private": sc.MS_PRIVATE, "rprivate": sc.MS_PRIVATE | sc.MS_REC,
    "slave": sc.MS_SLAVE, "rslave": sc.MS_SLAVE | sc.MS_REC,
    "shared": sc.MS_SHARED, "rshared": sc.MS_SHARED | sc.MS_REC,
    "unbindable": sc.MS_UNBINDABLE, "runbindable": sc.MS_UNBINDABLE | sc.MS_REC,
}

# The device nodes every container gets (OCI runtime spec, "Default Devices").
DEFAULT_DEVICES = (("null", 1, 3), ("zero", 1, 5), ("full", 1, 7),
                   ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0))
DEFAULT_LINKS = (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                 ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2"),
                 ("ptmx", "pts/ptmx"))


def parse_options(options) -> tuple[int, list[int], str]:
    flags, propagation, data = 0, [], []
    for opt in options or ():
        if opt in _FLAGS:
            on, off = _FLAGS[opt]
            flags = (flags | on) & ~off
        elif opt in _PROPAGATION:
            propagation.append(_PROPAGATION[opt])
        else:
            data.append(opt)
    return flags, propagation, ",".join(data)


def secure_join(root: str, path: str) -> str:
    """`path` inside `root`, resolving symlinks as if root were /, so an
    image's symlink cannot send a mount outside the container's root."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    resolved: list[str] = []
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            if resolved:
                resolved.pop()
            continue
        candidate = os.path.join(root, *resolved, part)
        try:
            target = os.readlink(candidate)
        except OSError:
            resolved.append(part)
            continue
        hops += 1
        if hops > 40:
            raise OSError(40, f"too many levels of symbolic links in {path}")
        if target.startswith("/"):
            resolved = []
        parts = [p for p in target.split("/") if p not in ("", ".")] + parts
    return os.path.join(root, *resolved)


def _make_target(rootfs: str, target: str, source: str | None, is_bind: bool) -> None:
    """The mount point, made through descriptors beneath the root
    (common.beneath): a bind of a file needs a file, anything else a
    directory."""
    rel = target[len(rootfs):]
    file_target = is_bind and source and not os.path.isdir(source)
    make_beneath(rootfs, rel, directory=not file_target)


def mount_cgroups(target: str, flags: int, view: dict) -> None:
    """The OCI "cgroup" mount without a cgroup namespace: a tmpfs holding a
    read-only bind of the container's own cgroup in each hierarchy."""
    safe = flags & (sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
    if "" in view:  # v2: the container's directory is the whole view
        sc.mount(view[""], target, None, sc.MS_BIND, None)
    else:
        sc.mount("tmpfs", target, "tmpfs", safe, "mode=755")
        for name, source in view.items():
            path = os.path.join(target, name)
            os.makedirs(path, exist_ok=True)
            sc.mount(source, path, None, sc.MS_BIND, None)
            sc.mount(None, path, None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY | safe, None)
        return  # the tmpfs itself stays writable, its binds read-only, as runc mounts them
    if flags & sc.MS_RDONLY:
        sc.mount(None, target, None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY | safe, None)


def hold_bind_sources(mounts: list) -> list:
    """The mounts with each bind source replaced by /proc/self/fd/N of an
    O_PATH descriptor opened now. Called while still the host's root: after
    the switch to a user namespace's root the state directories (0700) can
    no longer be walked, but a descriptor's magic link still resolves."""
    held = []
    for m in mounts:
        source = m.get("source") or ""
        if "bind" in (m.get("options") or ()) or m.get("type") == "bind":
            if source.startswith("/"):
                fd = os.open(source, os.O_PATH | os.O_CLOEXEC)
                m = dict(m, source=f"/proc/self/fd/{fd}")
        held.append(m)
    return held


@contextlib.contextmanager
def _inside(rootfs: str, target: str):
    """`target` as /proc/self/fd/N of an O_PATH descriptor, once the kernel
    says it is inside `rootfs`: a directory of a volume that another
    running container shares can be swapped for a symlink between
    secure_join and mount(2) (CVE-2021-30465); the mount then goes to what
    was checked, or nowhere. A mount made through it hides what the
    descriptor holds: open it again for the next call (as runc does)."""
    fd = os.open(target, os.O_PATH | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        where = os.readlink(f"/proc/self/fd/{fd}")
        root_fd = os.open(rootfs, os.O_PATH | os.O_CLOEXEC)
        try:
            root = os.readlink(f"/proc/self/fd/{root_fd}")
        finally:
            os.close(root_fd)
        if stat.S_ISLNK(os.fstat(fd).st_mode) or not (where == root or where.startswith(root.rstrip("/") + "/")):
            raise OSError(18, f"mount destination {target} moved out of the container's root while it was set up")
        yield f"/proc/self/fd/{fd}"
    finally:
        os.close(fd)


def mount_one(rootfs: str, m: dict, cgroup_view: dict | None = None, in_userns: bool = False) -> None:
    target = secure_join(rootfs, m["destination"])
    fstype = m.get("type") or ("bind" if "bind" in (m.get("options") or ()) else "none")
    flags, propagation, data = parse_options(m.get("options"))
    if fstype == "cgroup":
        make_beneath(rootfs, target[len(rootfs):])
        mount_cgroups(target, flags, cgroup_view or {})
        return
    is_bind = bool(flags & sc.MS_BIND)
    source = m.get("source")
    _make_target(rootfs, target, source, is_bind)
    if is_bind:
        with _inside(rootfs, target) as at:
            sc.mount(source, at, None, flags & (sc.MS_BIND | sc.MS_REC), None)
        extra = flags & ~(sc.MS_BIND | sc.MS_REC)
        if extra:  # a read-only bind needs a second, remounting call
            with _inside(rootfs, target) as at:
                sc.mount(None, at, None, sc.MS_REMOUNT | sc.MS_BIND | extra, None)
    elif fstype == "sysfs" and in_userns:
        # A user namespace cannot mount sysfs for a network namespace it does
        # not own (the pinned one is the host's): the host's /sys, read-only.
        with _inside(rootfs, target) as at:
            sc.mount("/sys", at, None, sc.MS_BIND | sc.MS_REC, None)
        with _inside(rootfs, target) as at:
            sc.mount(None, at, None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY | (flags & ~sc.MS_RDONLY), None)
        for hidden in ("class/net", "devices/virtual/net"):  # the host's interfaces are none of its business
            path = os.path.join(target, hidden)
            if os.path.isdir(path):
                with _inside(rootfs, path) as at:
                    sc.mount("tmpfs", at, "tmpfs", sc.MS_RDONLY | sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC,
                             "size=0")
    else:
        with _inside(rootfs, target) as at:
            sc.mount(source or fstype, at, fstype, flags, data or None)
    for p in propagation:
        with _inside(rootfs, target) as at:
            sc.mount(None, at, None, p, None)


def host_devices(rootfs: str, devices, in_userns: bool = False) -> None:
    """--device: OCI linux.devices made as runc makes them (type, numbers,
    mode, owner); in a user namespace, where mknod is refused, the host's
    node is bound instead."""
    for d in devices or ():
        path = os.path.join(rootfs, d["path"].lstrip("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.lexists(path):
            os.unlink(path)
        if in_userns:
            open(path, "a").close()
            sc.mount(d.get("hostPath", d["path"]), path, None, sc.MS_BIND, None)
            continue
        kind = stat.S_IFCHR if d["type"] == "c" else stat.S_IFBLK
        os.mknod(path, d.get("fileMode", 0o666) | kind, os.makedev(d["major"], d["minor"]))
        os.chown(path, d.get("uid", 0), d.get("gid", 0))


def oom_score_adj(value) -> None:
    """--oom-score-adj: the container's processes inherit it from its init."""
    if not value:
        return
    fd = os.open("/proc/self/oom_score_adj", os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, str(value).encode())
    except OSError as e:  # below the current value: CAP_SYS_RESOURCE, which this host may not grant
        raise OSError(e.errno, f"cannot set the OOM score adjustment to {value}: {e.strerror}") from None
    finally:
        os.close(fd)


def create_devices(rootfs: str, in_userns: bool = False) -> None:
    dev = os.path.join(rootfs, "dev")
    old = os.umask(0)
    try:
        for name, major, minor in DEFAULT_DEVICES:
            path = os.path.join(dev, name)
            if os.path.exists(path):
                continue
            if in_userns:  # no mknod in a user namespace: the host's node, bound
                open(path, "a").close()
                sc.mount(f"/dev/{name}", path, None, sc.MS_BIND, None)
            else:
                os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
        for name, target in DEFAULT_LINKS:
            path = os.path.join(dev, name)
            if not os.path.lexists(path):
                os.symlink(target, path)
    finally:
        os.umask(old)


def pivot(rootfs: str, shared: bool = False) -> None:
    """pivot_root(".", ".") then detach the old root: no host path stays
    reachable from the container. When the namespace still shares peer
    groups with the host's (shares_mounts), the old root is made a slave
    first, as runc does, so that its detaching never reaches the host."""
    if not shared:
        os.chdir(rootfs)
        sc.pivot_root(".", ".")
        sc.umount2(".", sc.MNT_DETACH)
        os.chdir("/")
        return
    # runc's order: "." must name the old root for mount(2), which does not
    # step onto the mount stacked over the cwd as umount2(2) does.
    old = os.open("/", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.chdir(rootfs)
        sc.pivot_root(".", ".")
        os.fchdir(old)
    finally:
        os.close(old)
    sc.mount(None, ".", None, sc.MS_SLAVE | sc.MS_REC, None)
    sc.umount2(".", sc.MNT_DETACH)
    os.chdir("/")


def shares_mounts(spec: dict) -> bool:
    """A bind asks for shared propagation (-v SRC:DST:rshared, the CRI's
    PROPAGATION_BIDIRECTIONAL): runc's rootfsPropagation "rshared", as
    containerd sets it. Neither the shim's nor the init's mount namespace
    turns / into a slave then (a slave never propagates back to its
    master): their copies of the host's shared mounts stay its peers, and
    the init's bind of the source joins that peer group. The mount holding
    the bundle is made private instead (private_parent), so that the
    overlay stays out of the host and pivot_root accepts it."""
    return any(o in ("shared", "rshared") for m in spec.get("mounts", ()) for o in (m.get("options") or ()))


def mount_of(path: str) -> tuple[str, list[str]]:
    """The mount `path` lies on: its mount point (the longest one above it
    in /proc/self/mountinfo) and its optional fields (shared:N, master:N)."""
    path = os.path.realpath(path)
    best, tags = "/", []
    with open("/proc/self/mountinfo", "rb") as f:
        for line in f:
            fields = line.decode("utf-8", "surrogateescape").split(" ")
            point = fields[4].replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
            point = point.replace("\\134", "\\")
            if (path == point or path.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
                best, tags = point, fields[6:fields.index("-")]
    return best, tags


def private_parent(path: str) -> None:
    """The mount `path` lies on made private, in this mount namespace only."""
    sc.mount(None, mount_of(path)[0], None, sc.MS_PRIVATE, None)


def mask_paths(paths) -> None:
    for path in paths or ():
        if not os.path.lexists(path):
            continue
        if os.path.isdir(path):
            sc.mount("tmpfs", path, "tmpfs", sc.MS_RDONLY, None)
        else:
            sc.mount("/dev/null", path, None, sc.MS_BIND, None)


def readonly_paths(paths) -> None:
    for path in paths or ():
        if not os.path.lexists(path):
            continue
        sc.mount(path, path, None, sc.MS_BIND | sc.MS_REC, None)
        sc.mount(None, path, None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY | sc.MS_REC, None)


def write_sysctls(sysctls) -> None:
    """--sysctl, as runc: after the pivot (the container's /proc), before
    /proc/sys is made read-only. A key this kernel lacks fails the start."""
    for key, value in (sysctls or {}).items():
        path = "/proc/sys/" + key.replace(".", "/")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
        except OSError as e:  # runc's words; the init exits 127 for a missing one
            raise OSError(e.errno, f"open {path}: {(e.strerror or '').lower()}") from None
        try:
            os.write(fd, value.encode())
        finally:
            os.close(fd)


def setup(spec: dict, rootfs: str, cgroup_view: dict, in_userns: bool = False) -> None:
    """Every mount of the spec, then /dev, then pivot_root; the root is
    already an overlay mount made by the shim."""
    oom_score_adj(spec.get("process", {}).get("oomScoreAdj"))
    for m in spec.get("mounts", ()):
        mount_one(rootfs, m, cgroup_view, in_userns)
        if m["destination"] == "/dev":
            create_devices(rootfs, in_userns)
            old = os.umask(0)
            try:
                host_devices(rootfs, spec.get("linux", {}).get("devices"), in_userns)
            finally:
                os.umask(old)
    pivot(rootfs, shares_mounts(spec))
    linux = spec.get("linux", {})
    mask_paths(linux.get("maskedPaths"))
    write_sysctls(linux.get("sysctl"))
    readonly_paths(linux.get("readonlyPaths"))
    if spec.get("root", {}).get("readonly"):
        sc.mount(None, "/", None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY, None)
