"""`python -m services.runtime.copy_init CFG_FD`: docker cp inside a
container's root, in a fresh process (never a fork of the threaded server).

It first makes the container's root its own "/": a container with a
process joins that process's mount namespace (what the container sees,
volumes included); a stopped one gets its overlay (and volumes) mounted in a
private mount namespace, then a chroot. From then on every path, and every
symlink on the way, resolves inside the container: a symlink to /etc/shadow
means the container's. Then one operation (marshal config on CFG_FD):

- stat PATH: the path's stat (marshal) on stdout;
- get PATH: a 4-byte length + the stat (marshal), then PATH as a tar;
- put DIR: a tar on stdin extracted into DIR (common.tarsafe's rules).

Failures: "CODE message" on stderr (NOT_FOUND, INVALID_ARGUMENT,
FAILED_PRECONDITION) and exit status 2. Standard library only."""
import errno
import marshal
import os
import stat
import struct
import sys
import tarfile

from common import tarsafe
from services.runtime import overlay_linux, proc, rootfs_linux, syscalls as sc

# No user or group name lookups: NSS inside a container's root could load
# the container's own libraries into this root process (CVE-2019-14271).
# Tar headers carry numeric ids, as Docker's do.
tarfile.pwd = tarfile.grp = None


# an entry replaced or removed while it is copied
_VANISHED = (errno.ENOENT, errno.ENOTDIR, errno.ELOOP)


class Failure(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _same_container(target: dict) -> bool:
    """The pid is still the container's init (a child of its live shim):
    a reused pid must never let us into another namespace."""
    pid = target.get("pid", 0)
    if not pid or not proc.same_process(target["shim_pid"], target["shim_start"]):
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return False
    return ppid == target["shim_pid"]


def enter(target: dict) -> bool:
    """Makes the container's root this process's "/"; True when that is
    the live container's mount namespace (its /proc, /sys, /dev mounted)."""
    if target.get("pid"):
        try:
            fd = os.open(f"/proc/{target['pid']}/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            fd = -1
        if fd >= 0:
            try:
                if _same_container(target) and os.fstat(fd).st_ino != os.stat("/proc/self/ns/mnt").st_ino:
                    sc.setns(fd, sc.CLONE_NEWNS)
                    os.chdir("/")
                    return True
            finally:
                os.close(fd)
    # No process (stopped, or it just exited): the root as the shim mounts it.
    m = target["mount"]
    overlay_linux.mount_rootfs(m["bundle"], m["spec"], m["rootfs_mount"], m["state"], m["userns"])
    rootfs = os.path.join(m["bundle"], m["spec"].get("root", {}).get("path", "rootfs"))
    for mount in m["spec"].get("mounts", ()):
        if mount.get("type") == "bind" and os.path.exists(mount.get("source", "")):
            rootfs_linux.mount_one(rootfs, mount)  # volumes and bind mounts: their data, not the mount point's
    if m["spec"].get("root", {}).get("readonly"):
        sc.mount(None, rootfs, None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY, None)
    os.chroot(rootfs)
    os.chdir("/")
    return False


def kernel_mounts(spec: dict) -> set[str]:
    """The mount points of a live container whose contents are none of its
    files (proc, sysfs, the tmpfs /dev, devpts, mqueue, cgroup, --tmpfs):
    as Docker's cp, which reads the root and the volumes, a copy shows them
    as empty directories. Called inside the root (paths resolve there)."""
    out = set()
    for m in spec.get("mounts", ()):
        opts = m.get("options", ())
        dest = m.get("destination", "")
        if m.get("type") == "bind" or "bind" in opts or "rbind" in opts or not dest.startswith("/"):
            continue
        out.add(os.path.realpath(dest))
    return out


def _resolve(path: str, follow: bool) -> str:
    """PATH with its directories' symlinks resolved (inside the root: it is
    "/" now); the last component too when following."""
    if not path.startswith("/"):
        path = "/" + path
    if follow or path.endswith("/.") or path.endswith("/") or path == "/":
        return os.path.realpath(path)
    head, tail = os.path.split(path)
    return os.path.join(os.path.realpath(head), tail)


def stat_of(path: str, follow: bool = False, container: str = "") -> dict:
    resolved = _resolve(path, follow)
    try:
        st = os.lstat(resolved)
    except (FileNotFoundError, NotADirectoryError):
        raise Failure("NOT_FOUND", f"Could not find the file {path} in container {container}".rstrip()) from None
    link = os.path.realpath(resolved) if stat.S_ISLNK(st.st_mode) else ""
    name = os.path.basename(path.rstrip("/")) or "/"
    return {"name": name, "size": st.st_size, "mode": st.st_mode, "mtime": st.st_mtime, "link_target": link,
            "resolved": resolved}


def _header(idmap):
    """Whole-second mtimes (no pax record for each file), and the host ids
    of a --userns-remap container back to the container's."""
    def fix(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.mtime = int(info.mtime)
        if idmap:
            ubase, gbase, size = idmap
            if ubase <= info.uid < ubase + size:
                info.uid -= ubase
            if gbase <= info.gid < gbase + size:
                info.gid -= gbase
        return info
    return fix


def _add(tf: tarfile.TarFile, path: str, arcname: str, fix, skip: set[str], top: bool) -> None:
    """tarfile.add's walk, except that the contents of `skip` are left out
    and an entry that vanishes meanwhile (a running container changes its
    files) is left out too, as Docker does, instead of failing the copy."""
    try:
        info = tf.gettarinfo(path, arcname)
        if info is None:  # a socket: not in a tar
            return
        info = fix(info)
        if info.isreg():
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            with os.fdopen(fd, "rb") as f:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return  # replaced since the lstat (never block on a fifo)
                tf.addfile(info, f)
            return
        if info.isdir():
            names = [] if path in skip else sorted(os.listdir(path))
            tf.addfile(info)
        else:
            tf.addfile(info)
            return
    except OSError as e:
        if top or e.errno not in _VANISHED:
            raise
        return
    for name in names:
        _add(tf, os.path.join(path, name), os.path.join(arcname, name), fix, skip, False)


def get(path: str, follow: bool, idmap, container: str, skip: set[str]) -> None:
    st = stat_of(path, follow, container)
    if any(st["resolved"].startswith(k.rstrip("/") + "/") for k in skip):
        raise Failure("NOT_FOUND", f"Could not find the file {path} in container {container}".rstrip())
    header = marshal.dumps({k: v for k, v in st.items() if k != "resolved"})
    out = sys.stdout.buffer
    out.write(struct.pack(">I", len(header)) + header)
    contents = path.endswith("/.") or path.rstrip("/") == ""
    arcname = "." if contents else st["name"]
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tf:
        _add(tf, st["resolved"], arcname, _header(idmap), skip, True)
    out.flush()


def put(path: str, copy_ids: bool, idmap, container: str) -> None:
    dest = stat_of(path, True, container)["resolved"]
    if not os.path.isdir(dest):
        raise Failure("INVALID_ARGUMENT", f"extraction point is not a directory: {path}")
    ubase, gbase = (idmap[0], idmap[1]) if idmap else (0, 0)

    def owner(uid: int, gid: int) -> tuple[int, int]:
        return (ubase + uid, gbase + gid) if copy_ids else (ubase, gbase)
    try:
        tarsafe.extract(sys.stdin.buffer, dest, owner=owner)
    except OSError as e:
        if e.errno != errno.EROFS:
            raise
        # Docker's two messages: a read-only volume (or bind) is not the rootfs
        try:
            on_root = os.stat(dest).st_dev == os.stat("/").st_dev
        except OSError:
            on_root = True
        raise Failure("FAILED_PRECONDITION", "container rootfs is marked read-only" if on_root
                      else "mounted volume is marked read-only") from None


def main() -> None:
    with os.fdopen(int(sys.argv[1]), "rb") as f:
        cfg = marshal.load(f)
    op = cfg["op"]
    if op == "put":  # a compressed tar's modules, imported before the container's root hides ours
        import bz2, lzma, zlib  # noqa: F401, E401
    try:
        live = enter(cfg["target"])
        name = cfg.get("name", "")
        if op == "stat":
            st = stat_of(cfg["path"], False, name)
            sys.stdout.buffer.write(marshal.dumps({k: v for k, v in st.items() if k != "resolved"}))
        elif op == "get":
            skip = kernel_mounts(cfg["target"]["mount"]["spec"]) if live else set()
            get(cfg["path"], cfg.get("follow", False), cfg.get("idmap"), name, skip)
        elif op == "put":
            put(cfg["path"], cfg.get("copy_ids", False), cfg.get("idmap"), name)
    except Failure as e:
        _fail(e.code, str(e))
    except tarsafe.Refused as e:
        _fail("INVALID_ARGUMENT", str(e))
    except (tarfile.TarError, EOFError) as e:
        _fail("INVALID_ARGUMENT", f"the data is not a valid tar archive: {e}")
    except OSError as e:
        if e.errno == errno.EROFS:
            _fail("FAILED_PRECONDITION", "container rootfs is marked read-only")
        where = f": {e.filename}" if e.filename else ""
        _fail("FAILED_PRECONDITION", f"{e.strerror or e}{where}")
    sys.stdout.flush()


def _fail(code: str, message: str) -> None:
    sys.stderr.write(f"{code} {message}\n")
    sys.stderr.flush()
    os._exit(2)


if __name__ == "__main__":
    main()
