"""`doca save`, `load`, `export`: image and filesystem archives, streamed
between a file (or stdin/stdout) and the gateway."""
import os
import sys
import tarfile
import tempfile

from gateway.cli.rpc import conn, doca_v1 as pb

CHUNK = 1 << 20


def _write_stream(chunks, path: str, what: str) -> int:
    """Writes the chunks to path (through a temporary file renamed at the
    end, so a failed save leaves no half archive), or to stdout."""
    if not path:
        if sys.stdout.isatty():
            sys.stderr.write(f"doca: cowardly refusing to write {what} to a terminal; use -o FILE or redirect\n")
            return 1
        out = sys.stdout.buffer
        for c in chunks:
            out.write(c.data)
        out.flush()
        return 0
    path = os.path.abspath(path)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=f".{os.path.basename(path)}.")
    try:
        with os.fdopen(fd, "wb") as f:
            for c in chunks:
                f.write(c.data)
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save(args) -> int:
    return _write_stream(conn.images(args).Save(pb.SaveImagesRequest(references=args.images)),
                         args.output, "an image archive")


def export(args) -> int:
    return _write_stream(conn.images(args).Export(pb.ExportRequest(container=args.container)),
                         args.output, "a container's filesystem")


def _file_chunks(f):
    with f:
        while data := f.read(CHUNK):
            yield pb.DataChunk(data=data)


def _dir_chunks(root: str):
    """An OCI layout directory as a tar stream, member by member (bodies in
    chunks: a big layer is never held whole in memory)."""
    def header(info):
        return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            arc = name if rel_dir == "." else f"{rel_dir}/{name}"
            info = tarfile.TarInfo(arc)
            if os.path.islink(path):
                info.type, info.linkname = tarfile.SYMTYPE, os.readlink(path)
                yield pb.DataChunk(data=header(info))
                continue
            if not os.path.isfile(path):
                continue
            info.size = os.path.getsize(path)
            info.mode = 0o644
            yield pb.DataChunk(data=header(info))
            left = info.size
            with open(path, "rb") as f:
                while left and (data := f.read(min(CHUNK, left))):
                    left -= len(data)
                    yield pb.DataChunk(data=data)
            if left:
                raise OSError(f"{path} shrank while it was read")
            if info.size % 512:
                yield pb.DataChunk(data=b"\0" * (512 - info.size % 512))
    yield pb.DataChunk(data=b"\0" * 1024)


def load(args) -> int:
    if not args.input or args.input == "-":
        if sys.stdin.isatty():
            sys.stderr.write("doca: requested load from stdin, but stdin is empty; use -i FILE\n")
            return 1
        chunks = _file_chunks(sys.stdin.buffer)
    elif os.path.isdir(args.input):
        chunks = _dir_chunks(args.input)
    else:
        from gateway.cli.images import open_input
        chunks = _file_chunks(open_input(args.input))
    resp = conn.images(args).Load(chunks)
    # -q only silences progress (there is none yet): what was loaded is always named.
    for img in resp.images:
        for tag in img.repo_tags:
            print(f"Loaded image: {tag}")
        if not img.repo_tags:
            print(f"Loaded image ID: {img.id}")
    return 0
