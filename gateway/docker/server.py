"""HTTP/1.1 on a unix socket, one thread per connection (a handler may block
for a container's lifetime: wait, attach, logs -f). h11 frames requests and
responses; a hijacked connection (attach, exec start) leaves h11 after the
response head and carries raw bytes both ways until one side closes."""
import logging
import os
import pathlib
import re
import select
import socket
import threading
import time
import traceback
import urllib.parse

import grpc
import h11

from common.errors import DocaError
from common.version import VERSION
from gateway.docker import router, versions
from gateway.docker.errors import STATUS_OF_CODE, ApiError, from_rpc
from gateway.docker.http import Hijack, Query, RawConn, Request, Response, Stream, json_response

log = logging.getLogger("doca.docker")
SOCKET_MODE = 0o660
# Request heads may carry X-Registry-Auth and X-Registry-Config (base64 JSON).
MAX_HEAD = 1024 * 1024
# A request body left unread after its response is drained up to this much;
# beyond it the connection is closed instead.
MAX_DRAIN = 4 * 1024 * 1024


def server_header() -> str:
    return f"doca/{VERSION} (linux)"


def common_headers(version: str) -> list[tuple[str, str]]:
    return [("Api-Version", version), ("Docker-Experimental", "false"), ("Ostype", "linux"),
            ("Server", server_header())]


class ClientGone(Exception):
    pass


class Connection:
    def __init__(self, sock: socket.socket, backend):
        self.sock = sock
        self.backend = backend
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)

    def _event(self):
        while True:
            ev = self.h11.next_event()
            if ev is h11.NEED_DATA:
                try:
                    data = self.sock.recv(65536)
                except OSError:
                    data = b""
                self.h11.receive_data(data)
                continue
            return ev

    def _body(self):
        if self.h11.they_are_waiting_for_100_continue:  # curl's large uploads: as Go's server, at the first read
            self._send(h11.InformationalResponse(status_code=100, headers=[]))
        while True:
            try:
                ev = self._event()
            except h11.RemoteProtocolError:  # cut short (the client hung up) or badly chunked
                raise ApiError(400, "unexpected EOF") from None
            if isinstance(ev, h11.Data):
                yield bytes(ev.data)
            elif isinstance(ev, h11.EndOfMessage):
                return
            else:  # the client went away mid-body
                raise ApiError(400, "unexpected end of request body")

    def _send(self, event) -> None:
        data = self.h11.send(event)
        if data:
            try:
                self.sock.sendall(data)
            except OSError as e:
                raise ClientGone() from e

    def serve(self) -> None:
        try:
            while True:
                try:
                    ev = self._event()
                except h11.RemoteProtocolError as e:
                    self._refuse(e)
                    return
                if not isinstance(ev, h11.Request):
                    return  # closed (or a protocol state we do not continue from)
                if not self._one(ev):
                    return
                if self.h11.our_state is h11.MUST_CLOSE or not self._drain():
                    return
                self.h11.start_next_cycle()
        except (ClientGone, OSError, h11.ProtocolError):
            pass
        finally:
            try:
                self.sock.close()
            except OSError:
                pass

    def _refuse(self, err: h11.RemoteProtocolError) -> None:
        if self.h11.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            status = err.error_status_hint or 400
            try:
                self._respond(Response(status, (f'{{"message":"{status_text(status)}"}}\n').encode()),
                              versions.MAX_VERSION, "GET")
            except Exception:
                pass

    def _drain(self) -> bool:
        """Reads what is left of the request's body so the next request parses."""
        if self.h11.their_state is h11.DONE:
            return True
        left = MAX_DRAIN
        try:
            while True:
                ev = self._event()
                if isinstance(ev, h11.EndOfMessage):
                    return True
                if not isinstance(ev, h11.Data):
                    return False
                left -= len(ev.data)
                if left < 0:
                    return False
        except (h11.ProtocolError, ApiError):
            return False

    def _one(self, ev: h11.Request) -> bool:
        """Serves one request; False when the connection must end after it."""
        method = ev.method.decode("ascii", "replace").upper()
        target = ev.target.decode("utf-8", "replace")
        path, _, query = target.partition("?")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in ev.headers}
        asked, path = versions.split(path)
        refusal = versions.check(asked) if asked else None
        version = versions.MAX_VERSION if refusal or not asked else asked
        req = Request(method, path, Query(query), headers, version, _body=self._body())
        started = time.monotonic()
        try:
            if refusal:
                raise ApiError(400, refusal)
            path = req.path = unescape(path)
            handler, req.params = router.find(method, path)
            result = handler(req, self.backend)
        except ApiError as e:
            result = json_response({"message": e.message}, e.status)
        except grpc.RpcError as e:
            err = from_rpc(e)
            result = json_response({"message": err.message}, err.status)
        except DocaError as e:  # a check of common/ run in the face
            result = json_response({"message": e.message}, STATUS_OF_CODE.get(e.code, 500))
        except Exception as e:  # a bug: the client gets one line, the log the traceback
            log.error("%s %s failed:\n%s", method, path, traceback.format_exc())
            result = json_response({"message": f"internal error: {type(e).__name__}: {e}"}, 500)
        if log.isEnabledFor(logging.DEBUG):  # an access log at --log-level debug: where a client's time goes
            log.debug("%s %s -> %s in %.1f ms", method, target, getattr(result, "status", "hijack"),
                      (time.monotonic() - started) * 1000)
        if isinstance(result, Hijack):
            self._hijack(result, headers, version)
            return False
        if isinstance(result, Stream):
            return self._stream(result, version, method)
        self._respond(result, version, method)
        return True

    def _respond(self, r: Response, version: str, method: str) -> None:
        hdrs = common_headers(version) + list(r.headers)
        if r.content_type:
            hdrs.append(("Content-Type", r.content_type))
        if r.status not in (204, 304):
            hdrs.append(("Content-Length", str(len(r.body))))
        self._send(h11.Response(status_code=r.status, headers=hdrs, reason=status_text(r.status).encode()))
        if r.body and method != "HEAD" and r.status not in (204, 304):
            self._send(h11.Data(data=r.body))
        self._send(h11.EndOfMessage())

    def _stream(self, s: Stream, version: str, method: str) -> bool:
        hdrs = common_headers(version) + list(s.headers)
        if s.content_type:
            hdrs.append(("Content-Type", s.content_type))
        chunks = iter(s.chunks)
        watcher = HangUpWatch(self.sock, s.on_close)
        try:
            self._send(h11.Response(status_code=s.status, headers=hdrs, reason=status_text(s.status).encode()))
            watcher.start()
            if method != "HEAD":
                for chunk in chunks:
                    if chunk:
                        self._send(h11.Data(data=chunk))
            self._send(h11.EndOfMessage())
        except ClientGone:
            return False
        except grpc.RpcError as e:  # the upstream call failed after the head: end the body
            if e.code() != grpc.StatusCode.CANCELLED:
                log.warning("%s stream ended: %s", method, e.details())
            return False
        except Exception:
            log.error("stream failed:\n%s", traceback.format_exc())
            return False
        finally:
            watcher.stop()
            close = getattr(chunks, "close", None)
            if close:
                close()
        return not watcher.gone

    def _hijack(self, h: Hijack, headers: dict, version: str) -> None:
        extra = "".join(f"{k}: {v}\r\n" for k, v in common_headers(version) + list(h.headers))
        if "upgrade" in headers.get("connection", "").lower():
            head = ("HTTP/1.1 101 UPGRADED\r\nContent-Type: " + h.content_type +
                    "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n" + extra + "\r\n")
        else:  # an old client that hijacks without asking for the upgrade
            head = "HTTP/1.1 200 OK\r\nContent-Type: " + h.content_type + "\r\n" + extra + "\r\n"
        pending, _closed = self.h11.trailing_data
        self.sock.sendall(h.head if h.head is not None else head.encode("latin-1"))
        try:
            h.run(RawConn(self.sock, bytes(pending)))
        except OSError:
            pass
        except Exception:
            log.error("hijacked stream failed:\n%s", traceback.format_exc())


class HangUpWatch:
    """Notices a client that hangs up while its streamed response waits for
    data (logs -f, events, stats with nothing new) and calls `on_close`, so the
    upstream call ends now, not at the next write."""

    def __init__(self, sock: socket.socket, on_close):
        self.sock = sock
        self.on_close = on_close
        self.gone = False
        self._done = threading.Event()
        self._thread = None

    def start(self) -> None:
        if self.on_close is None:
            return
        self._thread = threading.Thread(target=self._watch, name="hangup", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        # poll + a non-blocking peek: the socket's own timeout is left alone
        # (the writer's sendall shares it).
        poller = select.poll()
        poller.register(self.sock.fileno(), select.POLLIN | select.POLLRDHUP)
        while not self._done.is_set():
            if not poller.poll(500):
                continue
            try:
                data = self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data:  # a pipelined request: not a hang-up; stop watching
                return
            if not self._done.is_set():
                self.gone = True
                try:
                    self.on_close()
                except Exception:
                    pass
            return

    def stop(self) -> None:
        self._done.set()
        if self._thread:
            self._thread.join()


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def unescape(path: str) -> str:
    """The path as Go's net/http gives Docker's router: %-escapes decoded
    (a volume "a b" is asked as /volumes/a%20b); a bad escape is a 400."""
    if "%" not in path:
        return path
    bad = _BAD_ESCAPE.search(path)
    if bad:
        raise ApiError(400, f'invalid URL escape "{path[bad.start():bad.start() + 3]}"')
    return urllib.parse.unquote(path, errors="replace")


def status_text(status: int) -> str:
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class Listener:
    def __init__(self, path: pathlib.Path, backend):
        self.path = pathlib.Path(path)
        self.backend = backend
        self.sock = None
        self._stopping = False

    def bind(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.path.unlink()  # a stale socket from a killed face
        except FileNotFoundError:
            pass
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o117)  # born 0660: no window at 0777
        try:
            s.bind(str(self.path))
        finally:
            os.umask(old)
        os.chmod(self.path, SOCKET_MODE)
        s.listen(128)
        self.sock = s

    def serve_forever(self) -> None:
        while not self._stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                if self._stopping:
                    return
                raise
            threading.Thread(target=Connection(conn, self.backend).serve, name="docker-api", daemon=True).start()

    def stop(self) -> None:
        self._stopping = True
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
