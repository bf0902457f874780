"""The fork server's loop: accept a call, fork its worker, report how the
worker ended. Single-threaded on purpose (it forks); standard library only.
See protocol.py for the protocol."""
import gc
import os
import select
import signal
import socket
import struct
import time

from common import scmfds
from gateway.cli.launch import worker
from gateway.cli.launch.protocol import FDS, MAX_REQUEST, SOCKET_NAME, VERSION

SOCKET_MODE = 0o660  # as the gateway's socket (common/server.py)
BACKLOG = 256


class Call:
    """A parsed request, with the descriptors it brought."""
    __slots__ = ("umask", "argv", "env", "fds", "pid", "uid", "gid")

    def __init__(self, data: bytes, fds: list[int], cred: bytes):
        parts = data.split(b"\0")
        if len(fds) != FDS or parts[0] != VERSION or parts[-1] != b"":
            raise ValueError("not a doca CLI call")
        argc = int(parts[2])
        self.umask = int(parts[1], 8)
        self.argv = [os.fsdecode(a) for a in parts[3:3 + argc]]
        self.env = dict(os.fsdecode(e).partition("=")[::2] for e in parts[3 + argc:-1] if b"=" in e)
        if len(self.argv) != argc:
            raise ValueError("truncated call")
        self.fds = fds
        self.pid, self.uid, self.gid = struct.unpack("3i", cred)


def _same_world(pid: int) -> bool:
    """The caller sees the files we see (its absolute paths, its ~/.docker):
    same mount namespace, same root. Else it runs the CLI itself."""
    def ident(path):
        st = os.stat(path)
        return st.st_dev, st.st_ino
    try:
        return all(ident(f"/proc/{pid}/{what}") == ident(f"/proc/self/{what}") for what in ("ns/mnt", "root"))
    except OSError:
        return False


def _listen(run_dir: str) -> socket.socket:
    """Bound under a temporary name and renamed, so the socket appears
    ready; through the directory's descriptor, so a long run dir fits the
    108 bytes of a socket address as well as the gateway's socket did."""
    tmp = f".{SOCKET_NAME}.{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_CLOEXEC)
    d = os.open(run_dir, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            os.unlink(tmp, dir_fd=d)
        except FileNotFoundError:
            pass
        sock.bind(f"/proc/self/fd/{d}/{tmp}")
        os.chmod(tmp, SOCKET_MODE, dir_fd=d)
        os.rename(tmp, SOCKET_NAME, src_dir_fd=d, dst_dir_fd=d)
    finally:
        os.close(d)
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


class Server:
    def __init__(self, run_dir: str):
        self.path = os.path.join(run_dir, SOCKET_NAME)
        self.listener = _listen(run_dir)
        self.waiting: dict[int, socket.socket] = {}  # fd -> connection whose call has not arrived
        self.running: dict[int, socket.socket] = {}  # worker pid -> its caller's connection
        self.callers: dict[int, int] = {}  # connection fd -> worker pid, watched for the caller's hangup
        self.stopping = False
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def serve(self) -> None:
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # not SIG_IGN: the statuses are wanted
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        poller = self.poller = select.poll()
        poller.register(self.listener.fileno(), select.POLLIN)
        poller.register(self.wake_r, select.POLLIN)
        # What is imported now is shared with every worker: keep the
        # collector from touching (and so copying) those pages in each.
        gc.collect()
        gc.freeze()
        while not self.stopping:
            for fd, _ in poller.poll():
                if fd == self.wake_r:
                    self._drain()
                elif fd == self.listener.fileno():
                    self._accept(poller)
                elif fd in self.waiting:
                    poller.unregister(fd)
                    self._call(self.waiting.pop(fd))
                elif fd in self.callers:
                    self._hung_up(fd)
            self._reap()
        self._refuse_waiting()
        # Workers still running report their own exit codes ("X"): no need to wait.
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def _stop(self, *_):
        self.stopping = True

    def _refuse_waiting(self) -> None:
        """At stop: calls not yet taken are the clients' to run (doca-py)."""
        for conn in self.waiting.values():
            try:
                conn.send(b"R")
            except OSError:
                pass
            conn.close()
        self.waiting.clear()

    def _drain(self) -> None:
        try:
            while os.read(self.wake_r, 512):
                pass
        except BlockingIOError:
            pass

    def _accept(self, poller) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # out of descriptors: let the running calls end first
                time.sleep(0.05)  # (the listener stays readable: no busy loop)
                return
            conn.setblocking(False)
            self.waiting[conn.fileno()] = conn
            poller.register(conn.fileno(), select.POLLIN)

    def _call(self, conn: socket.socket) -> None:
        fds: list[int] = []
        try:
            data, ancillary, _, _ = conn.recvmsg(MAX_REQUEST, socket.CMSG_SPACE(FDS * 4), socket.MSG_CMSG_CLOEXEC)
            fds = scmfds.received(ancillary)
            call = Call(data, fds, conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
            if not _same_world(call.pid):
                raise ValueError("a caller in another mount namespace or root: its paths are not ours")
            pid = os.fork()
        except (OSError, ValueError):
            for fd in fds:
                os.close(fd)
            try:
                conn.send(b"R")
            except OSError:
                pass
            conn.close()
            return
        if pid == 0:
            worker.run(call, conn, self._inherited(conn))  # never returns
        for fd in fds:
            os.close(fd)
        self.running[pid] = conn
        # Only the hangup is ours to see (events=0): the worker reads the messages.
        self.callers[conn.fileno()] = pid
        self.poller.register(conn.fileno(), 0)

    def _hung_up(self, fd: int) -> None:
        """The caller is gone (killed): so is its call. The worker sees it too,
        unless it is stopped (Ctrl-Z, then the client killed): SIGKILL reaches
        a stopped process."""
        self.poller.unregister(fd)
        pid = self.callers.pop(fd)
        if pid in self.running:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _inherited(self, mine: socket.socket) -> list:
        """The socket objects a worker must let go of without closing."""
        return [self.listener, *(c for c in (*self.waiting.values(), *self.running.values()) if c is not mine)]

    def _reap(self) -> None:
        while self.running:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.running.pop(pid, None)
            if conn is None:
                continue
            if self.callers.pop(conn.fileno(), None) is not None:
                self.poller.unregister(conn.fileno())
            report = (b"K%d" % os.WTERMSIG(status)) if os.WIFSIGNALED(status) else (b"X%d" % os.waitstatus_to_exitcode(status))
            try:
                conn.send(report)
            except OSError:  # the caller has its answer (the worker's own "X") and is gone
                pass
            conn.close()
