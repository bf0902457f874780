"""The shim's event loop while its container runs: the container's output
(pipes, or the pty of a -t container) goes to the log and to every attached
client; clients' input goes to the container's stdin (pipe or pty), window
sizes to the pty.

Clients connect to attach.sock in the state dir (the runtime relays them).
Frames both ways: 1 byte kind, 4 bytes big-endian length, payload.
To the shim: b"i" stdin data, b"c" close stdin, b"r" b"ROWS COLS",
b"l" reopen the CRI log file (answered b"L" with "" or the error's text).
From the shim: b"o" stdout data, b"e" stderr data.
Standard library only."""
import _socket
import errno
import fcntl
import os
import select
import struct
import termios
import time

from services.runtime import logfile

HEADER = struct.Struct(">cI")
STREAM_KIND = {"stdout": b"o", "stderr": b"e"}


def resize(fd: int, rows: int, cols: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def short_path(path: str) -> tuple[str, int]:
    """A unix socket path under 108 bytes for any directory depth:
    /proc/self/fd/N/name through an O_PATH descriptor of the directory.
    The caller closes the returned descriptor once bound or connected."""
    fd = os.open(os.path.dirname(path), os.O_PATH | os.O_CLOEXEC)
    return f"/proc/self/fd/{fd}/{os.path.basename(path)}", fd


def listen(path: str):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    short, dirfd = short_path(path)
    try:
        sock.bind(short)
    finally:
        os.close(dirfd)
    os.chmod(path, 0o600)
    sock.listen(8)
    sock.setblocking(False)
    return sock


class _Client:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""


class Loop:
    def __init__(self, pid: int, io: dict, log: logfile.Writer, attach_path: str | None,
                 cri: "logfile.CriWriter | None" = None):
        self.pid = pid
        self.log = log
        self.cri = cri  # the CRI log file (a CRI container's), written beside doca's log
        self.poller = select.poll()
        self.outputs: dict[int, str] = {}
        self.splitters: dict[int, logfile.LineSplitter] = {}
        for name in ("stdout", "stderr"):
            if io.get(name) is not None:
                self._add_output(io[name], name)
        self.pty = io.get("pty")
        if self.pty is not None:
            self._add_output(self.pty, "stdout")
        self.stdin = self.pty if self.pty is not None else io.get("stdin")
        self.pending_in = b""
        self.close_in = False  # a client ended its input: close stdin once pending_in is written
        self.clients: dict[int, _Client] = {}
        self.listener = None
        self.attach_path = attach_path
        if attach_path:
            try:
                self.listener = listen(attach_path)
                self.poller.register(self.listener.fileno(), select.POLLIN)
            except OSError as e:  # no attach then, but the output still goes to the log
                os.write(2, f"doca-shim: cannot listen on {attach_path}: {e}\n".encode())
        self.pidfd = os.pidfd_open(pid)
        self.poller.register(self.pidfd, select.POLLIN)

    def _add_output(self, fd: int, name: str) -> None:
        self.outputs[fd] = name
        self.splitters[fd] = logfile.LineSplitter()
        self.poller.register(fd, select.POLLIN)

    # -- output ---------------------------------------------------------------

    def _output(self, fd: int) -> None:
        try:
            data = os.read(fd, 65536)
        except OSError as e:  # EIO: the pty's other side is gone
            if e.errno != errno.EIO:
                raise
            data = b""
        name = self.outputs[fd]
        now = time.time_ns()
        pieces = self.splitters[fd].feed(data) if data else self.splitters[fd].flush()
        if pieces:
            self.log.write([logfile.encode(name, p, now) for p in pieces])
            if self.cri is not None:
                # a piece without its newline is a cut (P) while the stream goes on,
                # the last words before EOF (F) once it ends
                self.cri.write([line for p in pieces for line in logfile.encode_cri(name, p, now, not data)])
        if data:
            frame = HEADER.pack(STREAM_KIND[name], len(data)) + data
            for cfd, client in list(self.clients.items()):
                try:
                    client.sock.sendall(frame)
                except OSError:
                    self._drop(cfd)
        else:
            self.poller.unregister(fd)
            del self.outputs[fd]
            if fd != self.pty:
                os.close(fd)

    # -- clients --------------------------------------------------------------

    def _accept(self) -> None:
        try:
            fd, _ = self.listener._accept()
        except BlockingIOError:
            return
        sock = _socket.socket(fileno=fd)
        self.clients[fd] = _Client(sock)
        self.poller.register(fd, select.POLLIN)

    def _drop(self, fd: int) -> None:
        client = self.clients.pop(fd, None)
        if client:
            self.poller.unregister(fd)
            client.sock.close()

    def _client_input(self, fd: int) -> None:
        client = self.clients[fd]
        try:
            data = client.sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._drop(fd)
            return
        client.buf += data
        while len(client.buf) >= HEADER.size:
            kind, n = HEADER.unpack_from(client.buf)
            if len(client.buf) < HEADER.size + n:
                break
            payload = client.buf[HEADER.size:HEADER.size + n]
            client.buf = client.buf[HEADER.size + n:]
            self._command(kind, payload, fd)

    def _reopen_cri(self, fd: int) -> None:
        """ReopenContainerLog: a new file at the CRI path; the asker learns
        the outcome (b"L": "" or the error), so its answer is the truth."""
        if self.cri is None:
            err = "the container has no CRI log path"
        else:
            try:
                self.cri.reopen()
                err = ""
            except OSError as e:
                err = f"cannot reopen {self.cri.path}: {e.strerror}"
        try:
            self.clients[fd].sock.sendall(HEADER.pack(b"L", len(err.encode())) + err.encode())
        except (KeyError, OSError):
            pass

    def _command(self, kind: bytes, payload: bytes, fd: int = -1) -> None:
        if kind == b"i" and self.stdin is not None:
            self.pending_in += payload
            self._flush_input()
        elif kind == b"c" and self.stdin is not None and self.stdin != self.pty:
            # EOF comes after the input already sent: close once it is written
            self.close_in = True
            self._flush_input()
        elif kind == b"l":
            self._reopen_cri(fd)
        elif kind == b"r" and self.pty is not None:
            try:
                rows, cols = (int(x) for x in payload.split())
                resize(self.pty, rows, cols)
            except (ValueError, OSError):
                pass

    def _flush_input(self) -> None:
        """Writes what the container will take now; the rest waits for POLLOUT,
        so a container that reads no input never stalls its own output."""
        if self.stdin is None:
            return
        if self.pending_in:
            try:
                n = os.write(self.stdin, self.pending_in)
                self.pending_in = self.pending_in[n:]
            except BlockingIOError:
                pass
            except OSError:  # the reader is gone
                self.pending_in = b""
        # (An EOF that comes when everything is already written closes at once.)
        if self.close_in and not self.pending_in:
            self._close_stdin()
            return
        self._watch_stdin()

    def _watch_stdin(self) -> None:
        if self.stdin is None:
            return
        events = select.POLLIN if self.stdin == self.pty else 0
        if self.pending_in:
            events |= select.POLLOUT
        if events:
            self.poller.register(self.stdin, events)
        elif self.stdin != self.pty:
            try:
                self.poller.unregister(self.stdin)
            except KeyError:
                pass

    def _close_stdin(self) -> None:
        if self.stdin is not None and self.stdin != self.pty:
            try:
                self.poller.unregister(self.stdin)
            except KeyError:
                pass
            os.close(self.stdin)
            self.stdin = None

    # -- the loop -------------------------------------------------------------

    def run(self) -> int:
        """Until the container has exited and its output is drained; returns
        its exit code (128+N for a signal, as a shell reports it)."""
        if self.stdin is not None and self.stdin != self.pty:
            os.set_blocking(self.stdin, False)
        deadline = None
        while self.outputs:
            timeout = None if deadline is None else max(0, (deadline - time.monotonic()) * 1000)
            events = self.poller.poll(timeout)
            if not events and deadline is not None:
                break  # exited, and something still holds an output open: stop waiting
            for fd, ev in events:
                if fd == self.pidfd:
                    self.poller.unregister(self.pidfd)
                    deadline = time.monotonic() + 2.0
                elif self.listener is not None and fd == self.listener.fileno():
                    self._accept()
                elif fd in self.clients:
                    self._client_input(fd)
                elif fd in self.outputs and ev & (select.POLLIN | select.POLLHUP | select.POLLERR):
                    self._output(fd)
                if fd == self.stdin and ev & select.POLLOUT:
                    self._flush_input()
        _, status = os.waitpid(self.pid, 0)
        for fd in list(self.clients):
            self._drop(fd)
        if self.listener is not None:
            self.listener.close()
            try:
                os.unlink(self.attach_path)
            except FileNotFoundError:
                pass
        code = os.waitstatus_to_exitcode(status)
        return 128 - code if code < 0 else code
