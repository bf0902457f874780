"""attach: a client joins the container's live output (and stdin) through
the shim's attach.sock (framing in shim_io.py)."""
import os
import socket
import struct
import threading
import time

import grpc

from common.errors import FailedPrecondition
from services.runtime.shim_io import short_path
from services.runtime.state import RuntimeState
from services.runtime.store import ACTIVE

HEADER = struct.Struct(">cI")
KINDS = {b"o": "stdout", b"e": "stderr"}


class AttachMixin(RuntimeState):
    def attach(self, spec: dict, inputs, cancelled=lambda: False):
        """Yields ("attached", None) once connected, then ("stdout"|"stderr",
        bytes) as the container writes, then ("exit", code) when it exits."""
        rec = self.get(spec.get("id", ""))
        if rec.status not in ACTIVE:
            raise FailedPrecondition(f"you cannot attach to a stopped container ({rec.name}), start it first")
        sock = _connect(str(self.store.dir(rec.id) / "attach.sock"), rec, self)
        try:
            threading.Thread(target=_feed, args=(sock, inputs, bool(spec.get("stdin"))),
                             daemon=True, name="attach-in").start()
            yield "attached", None
            buf = b""
            sock.settimeout(1.0)
            while True:
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    if cancelled():
                        return
                    continue
                except OSError:
                    data = b""
                if not data:
                    break
                buf += data
                while len(buf) >= HEADER.size:
                    kind, n = HEADER.unpack_from(buf)
                    if len(buf) < HEADER.size + n:
                        break
                    yield KINDS.get(kind, "stdout"), buf[HEADER.size:HEADER.size + n]
                    buf = buf[HEADER.size + n:]
        finally:
            sock.close()
        rec = self.wait(rec.id, cancelled)
        yield "exit", rec.exit_code


    def reopen_log(self, cid: str) -> None:
        """The CRI's ReopenContainerLog: the shim makes a new file at the
        CRI log path (the kubelet renamed the old one) and says so."""
        rec = self.get(cid)
        if not rec.spec.cri_log_path:
            raise FailedPrecondition(f"container {rec.name} has no CRI log path")
        if rec.status not in ACTIVE:
            raise FailedPrecondition(f"container {rec.name} is not running")
        sock = _connect(str(self.store.dir(rec.id) / "attach.sock"), rec, self)
        try:
            sock.settimeout(5.0)
            sock.sendall(HEADER.pack(b"l", 0))
            buf = b""
            while True:  # output frames may come first: skip them to the answer
                while len(buf) >= HEADER.size:
                    kind, n = HEADER.unpack_from(buf)
                    if len(buf) < HEADER.size + n:
                        break
                    payload, buf = buf[HEADER.size:HEADER.size + n], buf[HEADER.size + n:]
                    if kind == b"L":
                        if payload:
                            raise FailedPrecondition(payload.decode(errors="replace"))
                        return
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    raise FailedPrecondition(f"container {rec.name} is not running")
                buf += data
        finally:
            sock.close()


def _connect(path: str, rec, rt) -> socket.socket:
    """The shim opens its socket right after it reported the container
    created: a client that comes this early waits a moment for it."""
    deadline = time.monotonic() + 2.0
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        short, dirfd = short_path(path)  # the state dir's path can pass the 108-byte limit
        try:
            sock.connect(short)
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            if time.monotonic() > deadline or rt.refresh(rec).status not in ACTIVE:
                raise FailedPrecondition(f"container {rec.name} is not running") from None
            time.sleep(0.01)
        finally:
            os.close(dirfd)


def _feed(sock: socket.socket, inputs, stdin: bool) -> None:
    def send(kind: bytes, payload: bytes) -> None:
        sock.sendall(HEADER.pack(kind, len(payload)) + payload)
    try:
        for msg in inputs:
            kind = msg.WhichOneof("input")
            if kind == "stdin" and stdin:
                send(b"i", msg.stdin)
            elif kind == "close_stdin" and stdin:
                send(b"c", b"")
            elif kind == "resize":
                send(b"r", f"{msg.resize.rows} {msg.resize.cols}".encode())
    except OSError:
        pass  # the container or the shim is gone
    except grpc.RpcError:
        pass  # the client's side of the stream ended (it left, or the call was cancelled)
