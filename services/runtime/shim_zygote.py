"""The shims' fork server ("zygote"): `python -E -S -m services.runtime.shim --zygote`.

Started once by the runtime service, with the shim's modules already
imported, it turns each request into a shim by fork alone: no interpreter
start, no imports (~18 ms of CPU per container with a fresh interpreter,
~1-2 ms with a fork).

Channel: fd 0 is a SOCK_SEQPACKET unix socket to the runtime. A request is
one message, the state dir, carrying one descriptor (SCM_RIGHTS): the write
end of the pipe on which the runtime reads the shim's report. The child
writes b"+" first on that pipe (the request is taken: a report without it
means no shim was ever started, and the runtime may safely retry), starts a
session of its own and runs the shim with the pipe as its stdout. The
shims stay this server's children, reaped by the kernel (SIGCHLD ignored
here; a second fork to detach them cost each container one more copy of
this process); when the server exits (EOF on the channel: the runtime went
away), they are reparented and live on.

Single-threaded on purpose (fork safety); it holds fds 0-2 only, and the
child swaps all three before it runs anything. Standard library only (common.scmfds is too)."""
import _signal
import _socket
import gc
import os
import sys

from common import scmfds

MAX_REQUEST = 8192
MAX_FDS = 4


def _child(chan, report: int, state: str, run) -> None:
    """In the forked child: never returns."""
    code = 1
    try:
        # Inherited "ignored" would make the kernel reap the container's init
        # behind the shim's back (and survive the pump's exec).
        _signal.signal(_signal.SIGCHLD, _signal.SIG_DFL)
        chan.detach()  # fd 0 is replaced below; the object must not close it later
        os.dup2(report, 1)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the report's first number, null, anything else
        try:
            os.write(1, b"+")
        except BrokenPipeError:  # the runtime died meanwhile: nobody wants this shim
            os._exit(1)
        os.setsid()
        run(state)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        try:
            sys.excepthook(*sys.exc_info())
        except BaseException:
            pass
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(run) -> None:
    """Forks a shim running `run(state_dir)` for each request, until EOF."""
    chan = _socket.socket(fileno=0)
    chan.setblocking(True)
    _signal.signal(_signal.SIGCHLD, _signal.SIG_IGN)  # shims are reaped by the kernel
    # Everything imported so far is shared with the children: keep the
    # collector from touching (and so copying) those pages in each of them.
    gc.collect()
    gc.freeze()
    space = _socket.CMSG_SPACE(MAX_FDS * 4)
    while True:
        try:
            data, ancillary, _, _ = chan.recvmsg(MAX_REQUEST, space, _socket.MSG_CMSG_CLOEXEC)
        except OSError:
            return
        fds = scmfds.received(ancillary)
        if not data:  # EOF: the runtime is gone
            for fd in fds:
                os.close(fd)
            return
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            continue
        report = fds[0]
        try:
            pid = os.fork()
        except OSError:  # no "+" on the pipe: the runtime starts the shim another way
            os.close(report)
            continue
        if pid == 0:
            _child(chan, report, os.fsdecode(data), run)
        os.close(report)
