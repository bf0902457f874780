"""Writing tar archives as a stream of byte chunks (save, export, commit).

tarfile builds the headers (ustar, with a PAX header only when a field
needs one: a long name, an xattr, a big size); bodies are read from disk in
large chunks and yielded as they are, so an archive of any size goes out
without being held in memory or written to a temporary file first.
"""
import os
import stat
import tarfile
from typing import Iterator

BLOCK = 512
CHUNK = 1 << 20
END = b"\0" * (2 * BLOCK)  # two zero blocks close an archive
# overlay's own bookkeeping (opaque, redirect, origin...) and labels that
# belong to this host: never carried into a layer.
SKIPPED_XATTR_PREFIXES = ("trusted.overlay.", "security.selinux")


def padding(size: int) -> bytes:
    return b"\0" * (-size % BLOCK)


def header(info: tarfile.TarInfo) -> bytes:
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def small_file(name: str, data: bytes, mode: int = 0o644, mtime: int = 0) -> bytes:
    """A whole member (header, body, padding) for a document held in memory."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, mtime
    return header(info) + data + padding(len(data))


def directory(name: str, mode: int = 0o755, mtime: int = 0) -> bytes:
    info = tarfile.TarInfo(name.rstrip("/"))
    info.type, info.mode, info.mtime = tarfile.DIRTYPE, mode, mtime
    return header(info)


def body(path, size: int, expect: tuple[int, int] | None = None) -> Iterator[bytes]:
    """Exactly `size` bytes of the file at path (the size its header gave):
    a file that shrank since it was measured is padded with zeros, one that
    grew is cut, so the archive stays well-formed either way.

    expect=(st_dev, st_ino) of what was measured: the file a running
    container may change (export, commit --pause=false, diff) is read only
    if it is still that one. The container can swap a name, or a parent
    directory, for a symlink to a host file after lstat: O_NOFOLLOW covers
    the last component, the device and inode check every other; anything
    else reads as zeros."""
    left = size
    if expect is None:  # the engine's own files (blobs)
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    else:
        fd = _same(path, expect)
    if fd >= 0:
        with open(fd, "rb", buffering=0) as f:
            while left:
                data = f.read(min(CHUNK, left))
                if not data:
                    break
                left -= len(data)
                yield data
    while left:
        n = min(CHUNK, left)
        left -= n
        yield b"\0" * n
    pad = padding(size)
    if pad:
        yield pad


def _same(path, expect: tuple[int, int]) -> int:
    """A descriptor of path if it is still the regular file `expect` names, else -1."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return -1
    st = os.fstat(fd)
    if stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) == expect:
        return fd
    os.close(fd)
    return -1


def blob_member(name: str, path, size: int, mode: int = 0o644, mtime: int = 0) -> Iterator[bytes]:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, mode, mtime
    yield header(info)
    yield from body(path, size)


def xattrs(path: str) -> dict[str, str]:
    """The file's extended attributes as PAX records (SCHILY.xattr.NAME)."""
    out = {}
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return out
    for name in names:
        if name.startswith(SKIPPED_XATTR_PREFIXES):
            continue
        try:
            value = os.getxattr(path, name, follow_symlinks=False)
        except OSError:
            continue
        out["SCHILY.xattr." + name] = value.decode("utf-8", "surrogateescape")
    return out


def info_from_stat(name: str, path: str, st: os.stat_result) -> tarfile.TarInfo | None:
    """A header for what lstat found at path; None for what a tar cannot
    hold (a socket). Regular files get their size; the caller sends the body."""
    info = tarfile.TarInfo(name)
    info.mode = stat.S_IMODE(st.st_mode)
    info.uid, info.gid = st.st_uid, st.st_gid
    info.uname = info.gname = ""
    info.mtime = int(st.st_mtime)  # whole seconds: a float would add a PAX header to every member
    mode = st.st_mode
    if stat.S_ISREG(mode):
        info.type, info.size = tarfile.REGTYPE, st.st_size
    elif stat.S_ISDIR(mode):
        info.type = tarfile.DIRTYPE
    elif stat.S_ISLNK(mode):
        info.type, info.linkname = tarfile.SYMTYPE, os.readlink(path)
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        info.type = tarfile.CHRTYPE if stat.S_ISCHR(mode) else tarfile.BLKTYPE
        info.devmajor, info.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
    elif stat.S_ISFIFO(mode):
        info.type = tarfile.FIFOTYPE
    else:
        return None
    pax = xattrs(path)
    if pax:
        info.pax_headers = pax
    return info


class HardlinkTracker:
    """The first name under which each multiply-linked inode was written, so
    later names become hardlink members instead of second copies."""

    def __init__(self):
        self._seen: dict[tuple[int, int], str] = {}

    def link_for(self, name: str, st: os.stat_result) -> str | None:
        if st.st_nlink < 2 or stat.S_ISDIR(st.st_mode):
            return None
        key = (st.st_dev, st.st_ino)
        first = self._seen.get(key)
        if first is None:
            self._seen[key] = name
        return first


def entry(name: str, path: str, st: os.stat_result, links: HardlinkTracker) -> Iterator[bytes]:
    """One file system object as tar member(s): header, then the body of a
    regular file. Nothing for a socket."""
    info = info_from_stat(name, path, st)
    if info is None:
        return
    first = links.link_for(name, st) if info.isreg() else None
    if first is not None:
        info.type, info.linkname, info.size = tarfile.LNKTYPE, first, 0
        yield header(info)
        return
    yield header(info)
    if info.isreg() and info.size:
        yield from body(path, info.size, expect=(st.st_dev, st.st_ino))
