"""`doca cp CTR:SRC DEST` and `doca cp SRC CTR:DEST`, with Docker's rules:

- into an existing directory, SRC lands under its own name (SRC/. : its
  contents; the root "/" is copied as its contents too); onto a path that
  does not exist, under that new name (its parent must exist; a file is
  refused onto DEST/ or DEST/.); onto an existing file, a file replaces
  it, a directory is refused; never onto a device;
- paths are cleaned lexically first ("a/b/.." is "a", "/.." is "/"), the
  trailing "/" or "/." kept; the directories on the way are resolved, a
  symlink DEST is replaced by where it points (the link stays), a symlink
  SRC is copied as a symlink unless -L;
- `-` is a tar on stdout (copying out) or stdin (copying in, into a
  directory);
- without -a what is copied in belongs to root, what is copied out to
  the user running the command (-a keeps the owners); -L follows a
  symlink SRC.

The bytes travel as a tar over gRPC both ways; the CLI's side of the
extraction keeps to DEST (common.tarsafe), the container's side to the
container's root (the runtime resolves paths inside it)."""
import os
import posixpath
import stat
import sys
import tarfile
import threading

from common import tarsafe, units
from gateway.cli.rpc import conn, doca_v1 as pb
from gateway.cli.rpc.client import RpcError, StatusCode

CHUNK = 256 * 1024


class CpError(Exception):
    pass


def split(arg: str) -> tuple[str, str]:
    """("ctr", "/path") for CTR:PATH, ("", path) for a local path (an
    absolute or ./ path never names a container, as in Docker)."""
    if arg.startswith("/") or arg.startswith(".") or ":" not in arg:
        return "", arg
    ctr, _, path = arg.partition(":")
    if "/" in ctr:
        return "", arg
    return ctr, path


class _Chunks:
    """A file-like reader over an iterator of byte chunks (for tarfile)."""

    def __init__(self, chunks):
        self._it = iter(chunks)
        self._buf = b""
        self.total = 0

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buf) < n:
            chunk = next(self._it, None)
            if chunk is None:
                break
            self._buf += chunk
            self.total += len(chunk)
        if n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out


def _whole_seconds(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mtime = int(info.mtime)  # no pax record per file for a fraction of a second
    return info


def _tar_chunks(path: str, arcname: str):
    """`path` as a tar stream in chunks, written by a thread into a pipe;
    an error of the writer (an unreadable file) is raised at the end."""
    r, w = os.pipe()
    failure: list[BaseException] = []

    def write():
        try:
            with os.fdopen(w, "wb") as f, tarfile.open(fileobj=f, mode="w|", format=tarfile.PAX_FORMAT) as tf:
                tf.add(path, arcname=arcname, recursive=True, filter=_whole_seconds)
        except BaseException as e:  # noqa: BLE001 - raised by the reader
            failure.append(e)
    threading.Thread(target=write, daemon=True, name="cp-tar").start()
    with os.fdopen(r, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk
    if failure:
        raise failure[0]


def _stdin_chunks():
    while chunk := sys.stdin.buffer.read1(CHUNK):
        yield chunk


def _base(path: str) -> str:
    """Go's filepath.Base: the last name, trailing slashes ignored."""
    return path.rstrip("/").rpartition("/")[2] or ("/" if path.startswith("/") else ".")


def _current_dir(path: str) -> bool:
    """DIR/. (or DIR/./, or "."): the directory's contents, not itself."""
    return bool(path.rstrip("/")) and _base(path) == "."


def _keep_trailing(cleaned: str, original: str) -> str:
    """A lexically cleaned path with the "/." or "/" the user wrote kept:
    they decide what is copied (contents) and what must be a directory."""
    if _current_dir(original) and not _current_dir(cleaned):
        cleaned = cleaned.rstrip("/") + "/."
    if original.endswith("/") and not cleaned.endswith("/"):
        cleaned += "/"
    return cleaned


def _local(path: str) -> str:
    """Docker's resolveLocalPath: absolute, cleaned lexically ("a/b/.." is
    "a" whatever b links to), the trailing "/" or "/." kept."""
    return _keep_trailing("/" + os.path.abspath(path).lstrip("/"), path)


def _container(path: str) -> str:
    """The same for a path in the container: from its "/", where ".." stops."""
    return _keep_trailing(posixpath.normpath("/" + path.lstrip("/")), path)


def _split(path: str) -> tuple[str, str]:
    """Docker's SplitPathDirEntry: (the directory, the entry in it); the
    entry of DIR/. is "." (DIR's contents) and the root's is "."."""
    cleaned = posixpath.normpath(path)
    if cleaned == "/":
        return "/", "."
    if _current_dir(path):
        return cleaned, "."
    return posixpath.dirname(cleaned), posixpath.basename(cleaned)


def _asserts_directory(path: str) -> bool:
    return path.endswith("/") or _current_dir(path)


def _reason(e: OSError) -> str:
    return (e.strerror or str(e)).lower()


# copying out: the host side

def _check_output(path: str) -> None:
    """Docker's ValidateOutputPath, before anything is read: the parent
    must exist, and an existing DEST (a symlink is followed) must be a
    directory or a file: never a device that a file would replace."""
    parent = os.path.dirname(os.path.normpath(path))
    if not os.path.exists(parent):
        raise CpError(f'invalid output path: no such directory: "{parent}"')
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise CpError(f"stat {path}: {_reason(e)}") from None
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        raise CpError(f'invalid output path: "{path}" must be a directory or a regular file: got a device')


def _destination(path: str) -> tuple[str, bool, bool]:
    """Docker's CopyInfoDestinationPath: (the path, exists, is a directory),
    a symlink DEST replaced by where it points (the link stays; a dangling
    one's target is created); a new DEST's parent must be a directory."""
    for _ in range(11):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            break
        except OSError as e:
            raise CpError(f"lstat {path}: {_reason(e)}") from None
        if not stat.S_ISLNK(st.st_mode):
            return path, True, stat.S_ISDIR(st.st_mode)
        target = os.readlink(path)
        path = os.path.normpath(os.path.join(_split(path)[0], target))
    else:
        raise CpError(f"too many symlinks in {path}")
    parent = _split(path)[0]
    try:
        st = os.stat(parent)
    except OSError as e:
        raise CpError(f"stat {parent}: {_reason(e)}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise CpError(f"not a directory: {parent}")
    return path, False, False


def copy_out(args, ctr: str, src: str, dest: str) -> int:
    given = dest
    if dest != "-":
        dest = _local(dest)
        _check_output(dest)
    # A missing container or path: the engine's words, as docker 28's client
    # prints them ("No such container: X", "Could not find the file P in
    # container X"; 20.10's said "No such container:path: X:P" for both).
    call = iter(conn.containers(args).CopyFrom(pb.CopyFromRequest(id=ctr, path=src, follow_link=args.follow_link)))
    first = next(call, None)
    if first is None or first.WhichOneof("part") != "stat":
        raise CpError("the engine sent no archive")
    data = _Chunks(c.data for c in call)
    if dest == "-":
        out = sys.stdout.buffer
        while chunk := data.read(CHUNK):
            out.write(chunk)
        out.flush()
        return 0
    src_dir = stat.S_ISDIR(first.stat.mode)
    # The tar's top entry, from what the user asked (not from the engine):
    # "." for DIR/. and for the root (Docker copies the root's contents)
    name = _base(_container(src))
    top = "." if name in (".", "/") else name
    path, exists, is_dir = _destination(dest)
    if exists and is_dir:
        link = os.path.normpath(path)
        if top == "." and os.path.islink(link):
            # Docker's Untar: the "." of DIR/. (or of the root) onto DEST/ that
            # is a symlink is a directory over a non-directory
            raise CpError(f'cannot overwrite non-directory "{link}" with directory "{link}"')
        directory, rename = path, (top, top)
    elif exists and src_dir:
        raise CpError(f'cannot overwrite non-directory "{given}" with directory "{ctr}:{src}"')
    elif exists or src_dir or not _asserts_directory(path):
        directory, entry = _split(path)
        rename = (top, entry)
    else:
        raise CpError(f'no such directory: "{given}"')
    # Docker: what is copied out belongs to the user running the command,
    # unless -a keeps the container's owners.
    owner = None if args.archive else (lambda _uid, _gid: (os.geteuid(), os.getegid()))
    tarsafe.extract(data, directory, rename=rename, owner=owner)
    _done(args, data.total, given)
    return 0


# copying in: the container side is stat-ed, the host side read

def _stat(stub, ctr: str, path: str):
    """The stat of PATH in the container, or None where there is nothing
    to stat (missing, or a file used as a directory): as Docker's client,
    which leaves it to the extraction to fail."""
    try:
        return stub.StatPath(pb.StatPathRequest(id=ctr, path=path))
    except RpcError as e:
        if e.code() is StatusCode.NOT_FOUND and "Could not find the file" in e.details() or \
                e.code() is StatusCode.FAILED_PRECONDITION and e.details().startswith("lstat "):
            return None
        raise


def _target(stub, ctr: str, dest: str):
    """(the stat or None, the path to copy to): a symlink DEST is where it
    points, as Docker's client resolves it (the link stays; a dangling
    one's target is created). Never a device."""
    st, path = _stat(stub, ctr, dest), dest
    if st is not None and stat.S_ISLNK(st.mode) and st.link_target:
        path = st.link_target
        st = _stat(stub, ctr, path)
    if st is not None and (stat.S_ISCHR(st.mode) or stat.S_ISBLK(st.mode)):
        raise CpError(f'destination "{ctr}:{dest}" must be a directory or a regular file: got a device')
    return st, _container(path)


def _source(src: str, follow: bool) -> tuple[str, str, bool]:
    """Docker's CopyInfoSourcePath: (the real path to read, the name it is
    sent as, is a directory). The directories on the way are resolved; the
    last component too with -L, a symlink copied as one without. A
    symlink SRC/ is its directory under the link's name."""
    head, _, base = src.rpartition("/")
    try:
        if follow:
            resolved = _keep_trailing(os.path.realpath(src, strict=True), src)
        else:
            resolved = os.path.realpath(head or "/", strict=True).rstrip("/") + "/" + base
        st = os.lstat(resolved)
    except OSError as e:
        raise CpError(f"lstat {e.filename or src}: {_reason(e)}") from None
    name = _split(resolved)[1]
    if (follow or src.endswith("/")) and _base(src) != _base(resolved):
        name = _base(src)
    return os.path.normpath(resolved), name, stat.S_ISDIR(st.st_mode)


def copy_in(args, src: str, ctr: str, dest: str) -> int:
    stub = conn.containers(args)
    st, path = _target(stub, ctr, dest)
    if src == "-":
        if st is None or not stat.S_ISDIR(st.mode):
            raise CpError(f'destination "{ctr}:{dest}" must be a directory')
        directory, chunks = path, _stdin_chunks()
    else:
        local, name, src_dir = _source(_local(src), args.follow_link)
        if st is not None and stat.S_ISDIR(st.mode):
            directory = path
        elif st is not None and src_dir:
            raise CpError(f'cannot copy a directory to a file: "{ctr}:{dest}" is not a directory')
        elif st is not None or src_dir or not _asserts_directory(path):
            directory, name = _split(path)
        else:
            raise CpError(f'no such directory: "{ctr}:{dest}"')
        chunks = _tar_chunks(local, name)
    counted = _Counted(chunks)

    def inputs():
        yield pb.CopyToInput(header=pb.CopyToHeader(id=ctr, path=directory, copy_uid_gid=args.archive))
        for chunk in counted:
            yield pb.CopyToInput(data=chunk)
    stub.CopyTo(inputs())
    _done(args, counted.total, f"{ctr}:{dest}")
    return 0


class _Counted:
    def __init__(self, chunks):
        self.chunks, self.total = chunks, 0

    def __iter__(self):
        for chunk in self.chunks:
            self.total += len(chunk)
            yield chunk


def _done(args, size: int, where: str) -> None:
    if not args.quiet and sys.stderr.isatty():
        sys.stderr.write(f"Successfully copied {units.human_size(size, digits=4)} to {where}\n")


def cp(args) -> int:
    src_ctr, src = split(args.src)
    dest_ctr, dest = split(args.dest)
    try:
        if not args.src:
            raise CpError("source can not be empty")
        if not args.dest:
            raise CpError("destination can not be empty")
        if src_ctr and dest_ctr:
            raise CpError("copying between containers is not supported")
        if not src_ctr and not dest_ctr:
            raise CpError("must specify at least one container source")
        if src_ctr:
            return copy_out(args, src_ctr, src, dest)
        return copy_in(args, src, dest_ctr, dest)
    except (CpError, tarsafe.Refused) as e:
        sys.stderr.write(f"doca: {e}\n")
        return 1
    except tarfile.TarError as e:
        sys.stderr.write(f"doca: the archive could not be read: {e}\n")
        return 1
