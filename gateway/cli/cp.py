"""`doca cp CTR:SRC DEST` and `doca cp SRC CTR:DEST`, with Docker's rules:

- into an existing directory, SRC lands under its own name (SRC/. : its
  contents); onto a path that does not exist, under that new name (its
  parent must exist); onto an existing file, a file replaces it, a
  directory is refused;
- `-` is a tar on stdout (copying out) or stdin (copying in, into a
  directory);
- without -a what is copied in belongs to root, what is copied out to
  the user running the command (-a keeps the owners); -L follows a
  symlink SRC.

The bytes travel as a tar over gRPC both ways; the CLI's side of the
extraction keeps to DEST (common.tarsafe), the container's side to the
container's root (the runtime resolves paths inside it)."""
import os
import stat
import sys
import tarfile
import threading

from common import tarsafe
from doca.v1 import containers_pb2 as pb
from gateway import units
from gateway.cli import conn
from gateway.cli.transport import RpcError, StatusCode

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


def _stat(stub, ctr: str, path: str):
    """(the stat or None, the path to copy to): a symlink destination is
    where it points, as Docker's client resolves it (the link stays)."""
    try:
        st = stub.StatPath(pb.StatPathRequest(id=ctr, path=path))
    except RpcError as e:
        if e.code() is StatusCode.NOT_FOUND and "Could not find the file" in e.details():
            return None, path
        raise
    if stat.S_ISLNK(st.mode) and st.link_target:
        target = st.link_target + ("/" if path.endswith("/") else "")
        try:
            return stub.StatPath(pb.StatPathRequest(id=ctr, path=target)), target
        except RpcError as e:
            if e.code() is StatusCode.NOT_FOUND and "Could not find the file" in e.details():
                return None, target  # a dangling link: its target is created
            raise
    return st, path


def copy_in(args, src: str, ctr: str, dest: str) -> int:
    stub = conn.containers(args)
    if src == "-":
        st, target = _stat(stub, ctr, dest)
        if st is None or not stat.S_ISDIR(st.mode):
            raise CpError(f'destination "{ctr}:{dest}" must be a directory')
        directory, chunks = target, _stdin_chunks()
    else:
        try:
            local = os.lstat(src)
        except OSError as e:
            raise CpError(f"lstat {src}: {e.strerror.lower()}") from None
        path = os.path.realpath(src) if args.follow_link else src
        is_dir = stat.S_ISDIR(os.stat(path).st_mode if args.follow_link else local.st_mode)
        contents = src.endswith("/.")
        name = os.path.basename(os.path.normpath(src))
        st, target = _stat(stub, ctr, dest)
        if st is not None and stat.S_ISDIR(st.mode):
            directory, arcname = target, "." if contents else name
        elif st is not None:
            if is_dir:
                raise CpError(f'cannot copy a directory to a file: "{ctr}:{dest}" is not a directory')
            directory, arcname = _parent(target), os.path.basename(target.rstrip("/"))
        else:
            if target.endswith("/") and not is_dir:
                raise CpError(f'no such directory: "{ctr}:{dest}"')
            directory, arcname = _parent(target), os.path.basename(target.rstrip("/"))
        chunks = _tar_chunks(path, arcname)
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


def _parent(path: str) -> str:
    return os.path.dirname(path.rstrip("/")) or "/"


def copy_out(args, ctr: str, src: str, dest: str) -> int:
    call = iter(conn.containers(args).CopyFrom(pb.CopyFromRequest(id=ctr, path=src, follow_link=args.follow_link)))
    first = next(call, None)
    if first is None or first.WhichOneof("part") != "stat":
        raise CpError("the engine sent no archive")
    st = first.stat
    data = _Chunks(c.data for c in call)
    if dest == "-":
        out = sys.stdout.buffer
        while chunk := data.read(CHUNK):
            out.write(chunk)
        out.flush()
        return 0
    if os.path.islink(dest.rstrip("/") or "/"):  # a symlink destination: where it points, as Docker's
        dest = os.path.realpath(dest) + ("/" if dest.endswith("/") else "")
    is_dir = stat.S_ISDIR(st.mode) or (stat.S_ISLNK(st.mode) and args.follow_link)
    # Docker: what is copied out belongs to the user running the command,
    # unless -a keeps the container's owners.
    owner = None if args.archive else (lambda _uid, _gid: (os.geteuid(), os.getegid()))
    if os.path.isdir(dest):
        tarsafe.extract(data, dest, owner=owner)
    elif os.path.lexists(dest):
        if is_dir:
            raise CpError(f'cannot overwrite non-directory "{dest}" with directory "{ctr}:{src}"')
        tarsafe.extract(data, os.path.dirname(os.path.abspath(dest)), rename=(st.name, os.path.basename(dest)),
                        owner=owner)
    else:
        if dest.endswith("/") and not is_dir:
            raise CpError(f'destination directory "{dest}" does not exist')
        parent = os.path.dirname(os.path.abspath(dest.rstrip("/")))
        if not os.path.isdir(parent):
            raise CpError(f'no such directory: "{parent}"')
        if src.endswith("/."):
            os.mkdir(dest)
            tarsafe.extract(data, dest, owner=owner)
        else:
            tarsafe.extract(data, parent, rename=(st.name, os.path.basename(dest.rstrip("/"))), owner=owner)
    _done(args, data.total, dest)
    return 0


def _done(args, size: int, where: str) -> None:
    if not args.quiet and sys.stderr.isatty():
        sys.stderr.write(f"Successfully copied {units.human_size(size, digits=4)} to {where}\n")


def cp(args) -> int:
    src_ctr, src = split(args.src)
    dest_ctr, dest = split(args.dest)
    try:
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
