"""A container's files: GET /containers/{id}/export (its filesystem as a tar,
doca.v1 Images.Export) and /containers/{id}/archive (docker cp): HEAD and
GET over doca.v1 Containers.StatPath/CopyFrom, PUT over CopyTo."""
import base64
import datetime
import json
import stat

from doca.v1 import containers_pb2 as pb, images_pb2 as ipb
from gateway.docker.errors import ApiError
from gateway.docker.http import Response, Stream
from gateway.docker.router import route

TAR = "application/x-tar"
STAT_HEADER = "X-Docker-Container-Path-Stat"

# Go's os.FileMode type bits, which Docker's path stat carries (not st_mode's).
_GO_DIR, _GO_SYMLINK, _GO_DEVICE, _GO_PIPE, _GO_SOCKET = 1 << 31, 1 << 27, 1 << 26, 1 << 25, 1 << 24
_GO_SETUID, _GO_SETGID, _GO_CHARDEV, _GO_STICKY = 1 << 23, 1 << 22, 1 << 21, 1 << 20


def go_file_mode(mode: int) -> int:
    out = mode & 0o777
    if stat.S_ISDIR(mode):
        out |= _GO_DIR
    elif stat.S_ISLNK(mode):
        out |= _GO_SYMLINK
    elif stat.S_ISBLK(mode):
        out |= _GO_DEVICE
    elif stat.S_ISCHR(mode):
        out |= _GO_DEVICE | _GO_CHARDEV
    elif stat.S_ISFIFO(mode):
        out |= _GO_PIPE
    elif stat.S_ISSOCK(mode):
        out |= _GO_SOCKET
    if mode & stat.S_ISUID:
        out |= _GO_SETUID
    if mode & stat.S_ISGID:
        out |= _GO_SETGID
    if mode & stat.S_ISVTX:
        out |= _GO_STICKY
    return out


def _go_time(ts) -> str:
    """A Timestamp as Go's time.Time marshals (RFC 3339, nanoseconds without trailing zeros)."""
    when = datetime.datetime.fromtimestamp(ts.seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{ts.nanos:09d}".rstrip("0")
    return when + (f".{frac}" if frac else "") + "Z"


def stat_header(st: pb.PathStat) -> tuple[str, str]:
    doc = {"name": st.name, "size": st.size, "mode": go_file_mode(st.mode), "mtime": _go_time(st.mtime),
           "linkTarget": st.link_target}
    return STAT_HEADER, base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()


def _path(req) -> str:
    path = req.query.get("path")
    if not path:
        raise ApiError(400, "bad parameter: path cannot be empty")
    return path


@route("HEAD", "/containers/{id}/archive")
def archive_head(req, backend):
    st = backend.containers.StatPath(pb.StatPathRequest(id=req.params["id"], path=_path(req)))
    return Response(200, b"", "", [stat_header(st)])


@route("GET", "/containers/{id}/archive")
def archive_get(req, backend):
    call = backend.containers.CopyFrom(pb.CopyFromRequest(id=req.params["id"], path=_path(req)))
    it = iter(call)
    first = next(it, None)  # the stat, or the error (404...) before the head goes out
    if first is None or first.WhichOneof("part") != "stat":
        call.cancel()
        raise ApiError(500, "the copy ended before its stat")

    def chunks():
        try:
            for chunk in it:
                if chunk.WhichOneof("part") == "data":
                    yield chunk.data
        finally:
            call.cancel()
    return Stream(chunks(), TAR, headers=[stat_header(first.stat)], on_close=call.cancel)


@route("PUT", "/containers/{id}/archive")
def archive_put(req, backend):
    q = req.query
    path = _path(req)
    # doca's extraction never replaces a directory by a non-directory (or the
    # reverse): dockerd's noOverwriteDirNonDir=true, which docker cp sends.
    # Without it dockerd replaces; here such a tar is refused (400) instead.

    def inputs():
        yield pb.CopyToInput(header=pb.CopyToHeader(id=req.params["id"], path=path,
                                                    copy_uid_gid=q.bool("copyUIDGID")))
        for chunk in req.body_chunks():
            if chunk:
                yield pb.CopyToInput(data=chunk)
    backend.containers.CopyTo(inputs())
    return Response(200, b"", "")


@route("GET", "/containers/{id}/export")
def export(req, backend):
    call = backend.images.Export(ipb.ExportRequest(container=req.params["id"]))
    it = iter(call)
    first = next(it, None)  # a missing container is a 404 before the head

    def chunks():
        try:
            if first is not None:
                yield first.data
            for chunk in it:
                yield chunk.data
        finally:
            call.cancel()
    return Stream(chunks(), TAR, on_close=call.cancel)
