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
FAILED_PRECONDITION, RESOURCE_EXHAUSTED: a full disk, the one line naming
the container's path) and exit status 2. Standard library only."""
import errno
import marshal
import os
import posixpath
import stat
import struct
import sys
import tarfile

from common import tarsafe
from common.errors import is_no_space, no_space
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


def clean(path: str) -> str:
    """Docker's container path: cleaned lexically from "/" ("/d/sub/.." is
    "/d", "/.." and "//" are "/": nothing is above the root), a trailing
    "/" (a directory) or "/." (its contents) kept. Lexical first, as
    Docker: ".." never walks back out of a symlink's target."""
    out = posixpath.normpath("/" + path.lstrip("/"))
    if _current_dir(path):
        out = out.rstrip("/") + "/."
    if path.endswith("/") and not out.endswith("/"):
        out += "/"
    return out


def _current_dir(path: str) -> bool:
    """The last component is "." (DIR/. or DIR/./): a directory's contents."""
    return path.rstrip("/").rpartition("/")[2] == "." if path.rstrip("/") else False


def _resolve(clean_path: str) -> str:
    """The directory part's symlinks resolved (inside the root: it is "/"
    now), the last component kept as it is: a symlink is copied as one, a
    trailing "/" or "/." makes lstat follow it, as in Docker."""
    head, _, base = clean_path.rpartition("/")
    return os.path.realpath(head or "/").rstrip("/") + "/" + base


def _missing(path: str, container: str) -> Failure:
    return Failure("NOT_FOUND", f"Could not find the file {path} in container {container}".rstrip())


def stat_of(path: str, follow: bool = False, container: str = "") -> dict:
    """The stat Docker's client decides with: "name" is the last component
    of the cleaned path ("/" for the root, "." for DIR/.), "walk" the real
    path to archive (no "." or ".." left: the kernel mounts are skipped by
    that name). follow (-L): a symlink is replaced by what it points to,
    under its own name."""
    cleaned = clean(path)
    try:
        resolved = _resolve(cleaned)  # a link that cannot be read (/proc/self from outside its pid namespace)
        st = os.lstat(resolved)
        if follow and stat.S_ISLNK(st.st_mode):
            resolved = os.path.realpath(resolved)
            try:
                st = os.lstat(resolved)
            except FileNotFoundError:
                raise _missing(resolved, container) from None  # Docker names the missing target
    except FileNotFoundError:
        raise _missing(path, container) from None
    except OSError as e:  # a file used as a directory ("/etc/passwd/"), a loop
        raise Failure("FAILED_PRECONDITION", f"lstat {cleaned}: {(e.strerror or str(e)).lower()}") from None
    link = os.path.realpath(resolved) if stat.S_ISLNK(st.st_mode) else ""
    name = cleaned.rstrip("/").rpartition("/")[2] or "/"
    return {"name": name, "size": st.st_size, "mode": st.st_mode, "mtime": st.st_mtime, "link_target": link,
            "walk": os.path.normpath(resolved)}


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


def top_name(name: str) -> str:
    """The tar's top entry: "." for a directory's contents (DIR/., and the
    root, which Docker copies as its contents), else the path's last name.
    Never "/" or "..": entries are relative to where they are extracted."""
    return "." if name in (".", "/") else name


def get(path: str, follow: bool, idmap, container: str, skip: set[str]) -> None:
    st = stat_of(path, follow, container)
    walk = st.pop("walk")
    if any(walk.startswith(k.rstrip("/") + "/") for k in skip):
        raise _missing(path, container)
    header = marshal.dumps(st)
    out = sys.stdout.buffer
    out.write(struct.pack(">I", len(header)) + header)
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tf:
        _add(tf, walk, top_name(st["name"]), _header(idmap), skip, True)
    out.flush()


def put(path: str, copy_ids: bool, idmap, container: str) -> None:
    """As Docker's extraction point: every symlink followed, the last
    component's too (DEST/new where DEST links to a directory), and it
    must be a directory."""
    st = stat_of(path, True, container)
    if not stat.S_ISDIR(st["mode"]):
        raise Failure("INVALID_ARGUMENT", f"extraction point is not a directory: {path}")
    dest = st["walk"]
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
    # Non-dumpable before the container's mounts are ours (and run from the
    # sealed copy: copy.py): nothing of the host's, /proc/PID/exe or
    # /proc/PID/fd, may open through this process (CVE-2019-5736).
    sc.prctl(sc.PR_SET_DUMPABLE, 0)
    try:
        live = enter(cfg["target"])
        name = cfg.get("name", "")
        if op == "stat":
            st = stat_of(cfg["path"], False, name)
            del st["walk"]
            sys.stdout.buffer.write(marshal.dumps(st))
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
        if is_no_space(e):
            # The path as the container sees it (this process's root is its).
            ctr = cfg.get("name", "")
            where = f"{os.fsdecode(e.filename)} in container {ctr}" if e.filename else f"container {ctr}"
            _fail("RESOURCE_EXHAUSTED", str(no_space(e, where)))
        where = f": {e.filename}" if e.filename else ""
        _fail("FAILED_PRECONDITION", f"{e.strerror or e}{where}")
    sys.stdout.flush()


def _fail(code: str, message: str) -> None:
    sys.stderr.write(f"{code} {message}\n")
    sys.stderr.flush()
    os._exit(2)


if __name__ == "__main__":
    main()
