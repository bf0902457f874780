"""`doca build` and `doca builder prune`.

The context goes to the engine as a tar stream, never as a path, so a CLI
on another machine builds the same: the CLI walks CONTEXT (honouring its
.dockerignore, but always sending the Dockerfile and .dockerignore the
builder needs: common.buildcontext.context.transfer_matcher) and writes tar members
as it reads the files, in chunks of about a megabyte. Owners are sent as
root (the builder makes copied files root's anyway, as Docker's CLI does).

A Dockerfile outside the context (-f elsewhere, or -f -) travels in the
options instead. `doca build - < Dockerfile` builds with an empty context,
`doca build - < context.tar` with that tar as the context.

Progress, one line per step; a cached step says so; RUN output as it
comes; the pull of a FROM image the engine lacks, a line per change:

    Digest: sha256:...
    Status: Downloaded newer image for 127.0.0.1:5000/me/base:1
    [1/5] FROM 127.0.0.1:5000/me/base:1
    [2/5] RUN echo hello
    hello
    [3/5] CACHED COPY app.txt /app/
    Successfully built 0a1b2c3d4e5f
    Successfully tagged demo:latest
"""
import os
import stat
import sys

from common.errors import DocaError
from gateway.cli import build_flags
from gateway.cli.rpc import conn, doca_v1 as pb
from gateway.cli.rpc.client import RpcError

CHUNK = 1 << 20
DOCKERIGNORE = ".dockerignore"
REG, SYM, DIR, PAX = b"0", b"2", b"5", b"x"


def _pairs(items, what: str, from_env: bool) -> dict:
    """K=V flags; a bare K takes its value from the environment (build
    args, skipped when unset, as Docker) or is empty (labels)."""
    out = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not key:
            raise SystemExit(f"doca: invalid {what} {item!r}: expected KEY=VALUE")
        if not eq and from_env:
            if key not in os.environ:
                continue
            value = os.environ[key]
        out[key] = value
    return out


def _block(name: bytes, kind: bytes, mode: int, size: int, mtime: int, link: bytes) -> bytes:
    h = bytearray(512)
    for offset, value in ((0, name[:100]), (100, b"%07o\0" % mode), (108, b"0000000\0"), (116, b"0000000\0"),
                          (124, b"%011o\0" % size), (136, b"%011o\0" % mtime), (148, b"        "),
                          (156, kind), (157, link[:100]), (257, b"ustar\x0000")):
        h[offset:offset + len(value)] = value
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def _pax_record(key: str, value: bytes) -> bytes:
    body = b" " + key.encode() + b"=" + value + b"\n"
    n = len(body) + 1
    while len(str(n)) + len(body) != n:
        n += 1
    return str(n).encode() + body


def _header(name: str, kind: bytes, mode: int, size: int = 0, mtime: int = 0, linkname: str = "") -> bytes:
    """A ustar header, after a PAX one when a field does not fit (a long
    name or link, a huge size). Written here rather than with tarfile,
    whose import costs the CLI ~3 ms on every build."""
    raw, link = name.encode("utf-8", "surrogateescape"), linkname.encode("utf-8", "surrogateescape")
    mtime = min(max(int(mtime), 0), 8 ** 11 - 1)
    pax = b""
    if len(raw) > 100:
        pax += _pax_record("path", raw)
    if len(link) > 100:
        pax += _pax_record("linkpath", link)
    if size >= 8 ** 11:
        pax += _pax_record("size", str(size).encode())
    head = b""
    if pax:
        head = _block(b"././@PaxHeader", PAX, 0o644, len(pax), mtime, b"") + pax + b"\0" * (-len(pax) % 512)
    return head + _block(raw, kind, mode & 0o7777, size if size < 8 ** 11 else 0, mtime, link)


def _walk(root: str, rel: str = ""):
    """(relative path, full path, lstat) of everything under root, each
    directory's entries by name (no .dockerignore: nothing to decide)."""
    with os.scandir(os.path.join(root, rel) if rel else root) as it:
        entries = sorted(it, key=lambda e: e.name)
    for e in entries:
        path = f"{rel}/{e.name}" if rel else e.name
        st = e.stat(follow_symlinks=False)
        yield path, e.path, st
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(root, path)


def _listed(root: str, dockerfile: str):
    if not os.path.exists(os.path.join(root, DOCKERIGNORE)):
        yield from _walk(root)
        return
    # Only now: the .dockerignore machinery costs a few milliseconds to import.
    from common.buildcontext.context import context_files, read_dockerignore, transfer_matcher
    matcher = transfer_matcher(read_dockerignore(root), dockerfile)
    for path in context_files(root, matcher, directories=True):
        full = os.path.join(root, path)
        yield path, full, os.lstat(full)


def _members(root: str, dockerfile: str):
    """The context as tar bytes, member by member (bodies in chunks)."""
    for rel, full, st in _listed(root, dockerfile):
        mode, mtime = stat.S_IMODE(st.st_mode), st.st_mtime
        if stat.S_ISDIR(st.st_mode):
            yield _header(rel, DIR, mode, mtime=mtime)
        elif stat.S_ISLNK(st.st_mode):
            yield _header(rel, SYM, 0o777, mtime=mtime, linkname=os.readlink(full))
        elif stat.S_ISREG(st.st_mode):
            yield _header(rel, REG, mode, st.st_size, mtime)
            left = st.st_size
            with open(full, "rb", buffering=0) as f:
                while left and (data := f.read(min(CHUNK, left))):
                    left -= len(data)
                    yield data
            if left:  # shrank while read: the header said more
                yield b"\0" * left
            if st.st_size % 512:
                yield b"\0" * (512 - st.st_size % 512)
        # sockets, devices, fifos: nothing a build can copy
    yield b"\0" * 1024


def _gathered(parts):
    """Small pieces (headers) gathered into messages of about CHUNK."""
    buf = bytearray()
    for part in parts:
        buf += part
        if len(buf) >= CHUNK:
            yield pb.BuildInput(context=bytes(buf))
            buf.clear()
    if buf:
        yield pb.BuildInput(context=bytes(buf))


def _stdin_chunks(first: bytes):
    yield first
    while data := sys.stdin.buffer.read(CHUNK):
        yield data


def _source(args) -> tuple[pb.BuildOptions, object]:
    """The options' Dockerfile fields and the context's chunks."""
    opts = pb.BuildOptions()
    if args.build_context == "-":
        head = sys.stdin.buffer.read(CHUNK)
        if head[257:262] == b"ustar":
            if args.file:
                opts.dockerfile = args.file
            return opts, _stdin_chunks(head)
        opts.dockerfile, opts.dockerfile_content = "Dockerfile", head + sys.stdin.buffer.read()
        return opts, iter([b"\0" * 1024])
    root = args.build_context
    if not os.path.isdir(root):
        raise SystemExit(f"doca: unable to prepare context: path {root!r} not found or not a directory")
    if args.file == "-":
        opts.dockerfile, opts.dockerfile_content = "Dockerfile", sys.stdin.buffer.read()
        return opts, _members(root, "Dockerfile")
    path = args.file or os.path.join(root, "Dockerfile")
    if not os.path.isfile(path):
        raise SystemExit(f"doca: unable to prepare context: cannot find the Dockerfile {path}: "
                         "no such file (give one with -f)")
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    if rel == ".." or rel.startswith("../"):
        with open(path, "rb") as f:
            opts.dockerfile, opts.dockerfile_content = args.file, f.read()
        return opts, _members(root, "Dockerfile")
    opts.dockerfile = rel.replace(os.sep, "/")
    return opts, _members(root, opts.dockerfile)


def _dockerfile_text(args, opts) -> bytes | None:
    """The Dockerfile, when the CLI has it (not inside a tar on stdin)."""
    if opts.HasField("dockerfile_content"):
        return opts.dockerfile_content
    if args.build_context == "-":
        return None
    try:
        with open(os.path.join(args.build_context, opts.dockerfile), "rb") as f:
            return f.read()
    except OSError:
        return None  # the engine says what is wrong with it


def _registry_auths(args, opts) -> None:
    """Credentials of the registries the Dockerfile's images come from, as
    Docker's CLI sends its auth configs with a build (build_from.py)."""
    # credentials.config_path's rule: that module costs ~7 ms to import,
    # paid only when there is a config.json to read.
    base = os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    if not os.path.isfile(os.path.join(base, "config.json")):
        return
    text = _dockerfile_text(args, opts)
    if text is None:
        return
    from gateway.cli import build_from, credentials
    refs = build_from.images(text.decode("utf-8", "replace"), dict(opts.build_args))
    for domain in dict.fromkeys(credentials.domain_of_reference(r) for r in refs):
        user, password, token = credentials.get(domain)
        if user or token:
            opts.registry_auths[domain] = pb.RegistryAuth(username=user, password=password, identity_token=token)


def _reason(err: Exception) -> str:
    if isinstance(err, OSError) and err.strerror:
        return f"{err.strerror}: {err.filename}" if err.filename else err.strerror
    return str(err)


def _bad_tag(tags) -> str | None:
    """The first -t value that is not an image reference: Docker's client
    refuses it as a bad flag value (exit 125) before sending anything."""
    from common import reference
    from common.errors import InvalidArgument
    for tag in tags:
        try:
            reference.parse(tag)
        except InvalidArgument:
            return tag
    return None


# Docker's build flags doca's builder does not apply yet (cache sources
# other than its own cache): refused, never ignored.
NOT_YET = ("cache_from",)


def _refused(args) -> str | None:
    """Why a flag of the line cannot be honoured, as Docker's words where it has some."""
    if getattr(args, "squash", False):  # docker 20.10's answer without experimental features
        return '"--squash" is only supported on a Docker daemon with experimental features enabled'
    isolation = getattr(args, "isolation", "")
    if isolation and isolation.lower() != "default":
        return f'Unsupported isolation: "{isolation}"'
    for name in NOT_YET:
        if getattr(args, name, None):
            return f"build --{name.replace('_', '-')} is not supported by doca's builder yet"
    if getattr(args, "platform", ""):
        from gateway.cli import convert
        try:
            convert.platform(args.platform, "the build's")
        except convert.UsageError:
            return f'build --platform {args.platform}: doca builds linux/amd64 images alone'
    return None


def _iidfile(path: str) -> bool:
    """Docker removes an old --iidfile before building (so a failed build leaves none)."""
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    except OSError as e:
        sys.stderr.write(f"doca: Removing image ID file: {e}\n")
        return False
    return True


def build(args) -> int:
    bad = _bad_tag(args.tag)
    if bad is not None:
        sys.stderr.write(f'doca: invalid argument "{bad}" for "-t, --tag" flag: invalid reference format\n'
                         "See 'doca build --help'.\n")
        return 125
    refused = _refused(args)
    if refused is not None:
        sys.stderr.write(f"doca: {refused}\n")
        return 1
    limits = pb.BuildOptions()
    try:
        build_flags.apply(args, limits)  # the RUN steps' limits, as Docker's client reads them
    except build_flags.FlagError as e:
        from gateway.cli import usage
        sys.stderr.write(usage.flag_error("build", str(e)))
        return 125
    iidfile = getattr(args, "iidfile", "")
    if iidfile and not _iidfile(iidfile):
        return 1
    quiet = args.quiet or args.progress == "quiet"
    opts, chunks = _source(args)
    opts.MergeFromString(limits.SerializeToString())
    opts.tags.extend(args.tag)
    opts.build_args.update(_pairs(args.build_arg, "--build-arg", True))
    opts.labels.update(_pairs(args.label, "--label", False))
    opts.target, opts.no_cache, opts.network, opts.pull = args.stage, args.no_cache, args.network, args.pull
    _registry_auths(args, opts)
    failed: list[Exception] = []

    def requests():
        # Runs in the transport's sender thread: an error reading the context
        # (a bad .dockerignore, a file that vanished) is sent as an abort, so
        # the build stops rather than run on half a context, and reported here.
        yield pb.BuildInput(options=opts)
        try:
            yield from _gathered(chunks)
        except Exception as e:  # noqa: BLE001 - raised again below, in the CLI's own thread
            failed.append(e)
            yield pb.BuildInput(abort=_reason(e))

    try:
        return _show(conn.images(args).Build(requests()), quiet, iidfile)
    except RpcError:
        if not failed:
            raise
        if not isinstance(failed[0], (OSError, DocaError)):
            raise failed[0] from None  # a bug: errors.guarded says so
        sys.stderr.write(f"doca: cannot send the build context: {_reason(failed[0])}\n")
        return 1


def _show(stream, quiet: bool, iidfile: str = "") -> int:
    out = sys.stdout
    at_line_start = True
    image_id, tags = "", []
    for ev in stream:
        kind = ev.WhichOneof("event")
        if kind == "result":
            image_id, tags = ev.result.image_id, list(ev.result.tags)
        elif quiet:
            continue
        elif kind == "step":
            s = ev.step
            where = f"{s.stage} {s.number}/{s.total}" if s.stage else f"{s.number}/{s.total}"
            out.write(("" if at_line_start else "\n") + f"[{where}] {'CACHED ' if s.cached else ''}{s.instruction}\n")
            at_line_start = True
        elif kind == "output":
            data = ev.output.data.decode("utf-8", "replace")
            out.write(data)
            at_line_start = data.endswith("\n")
        elif kind == "warning":
            out.flush()
            sys.stderr.write(ev.warning + "\n")
        elif kind == "status":
            out.write(("" if at_line_start else "\n") + ev.status + "\n")
            at_line_start = True
        out.flush()
    if iidfile:
        try:
            with open(iidfile, "w") as f:
                f.write(image_id)  # the full id, no newline, as Docker's
        except OSError as e:
            sys.stderr.write(f"doca: Writing image ID file: {e}\n")
            return 1
    if quiet:
        print(image_id)
        return 0
    if not at_line_start:
        out.write("\n")
    print(f"Successfully built {image_id.split(':', 1)[-1][:12]}")
    for t in tags:
        print(f"Successfully tagged {t}")
    return 0


def prune(args) -> int:
    keep = getattr(args, "keep_storage", "")
    if keep:
        try:  # Docker's client reads it as a size (opts.MemBytes)
            keep = build_flags.ram_in_bytes(keep, "--keep-storage")
        except build_flags.FlagError as e:
            from gateway.cli import usage
            sys.stderr.write(usage.flag_error("builder prune", str(e)))
            return 125
    for item in args.filter:  # Docker's client's opts.FilterOpt
        if "=" not in item:
            from gateway.cli import usage
            sys.stderr.write(usage.flag_error("builder prune", f'invalid argument "{item}" for "--filter" flag: '
                                              "bad format of filter (expected name=value)"))
            return 125
    if not args.force:
        what = "all" if args.all else "all dangling"
        sys.stdout.write(f"WARNING! This will remove {what} build cache. Are you sure you want to continue? [y/N] ")
        sys.stdout.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            return 0
    from common import units
    r = conn.images(args).PruneBuildCache(pb.PruneBuildCacheRequest(
        all=args.all, filters=list(args.filter), keep_storage=keep or 0))
    if r.deleted:
        print("Deleted build cache objects:")
        for d in r.deleted:
            print(d)
        print()
    print(f"Total reclaimed space: {units.human_size(r.space_reclaimed)}")
    return 0
