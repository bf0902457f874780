"""gRPC calls (unary and streaming) over http2.py, with the same
surface the generated stubs give: stub.Method(request) -> response or
iterator; errors raise RpcError with code(), details(), trailing_metadata().
Stubs come from the CLI codec's tables (codec.py, doca_v1.py: no protobuf
import at all), the one codec of the CLI.

A CLI call pays for every module it imports: socket (enum), struct,
threading and typing are imported only where they are needed (tcp://, a
bidi call with input), the unix socket is _socket's."""
import _socket

from gateway.cli.rpc import http2


class Code:
    """One gRPC status code: .value and .name as grpc.StatusCode has them."""

    def __init__(self, value: int, name: str):
        self.value, self.name = value, name

    def __repr__(self) -> str:
        return f"StatusCode.{self.name}"


_NAMES = ("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
          "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
          "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
          "UNAUTHENTICATED")
_BY_VALUE = {i: Code(i, n) for i, n in enumerate(_NAMES)}


class StatusCode:
    """gRPC status codes by name (StatusCode.NOT_FOUND) or number (of(5))."""

    @staticmethod
    def of(value: int) -> Code:
        return _BY_VALUE.get(value, _BY_VALUE[2])


for _code in _BY_VALUE.values():
    setattr(StatusCode, _code.name, _code)


class RpcError(Exception):
    def __init__(self, code, details: str, metadata=()):
        super().__init__(details)
        self._code, self._details, self._metadata = code, details, tuple(metadata)

    def code(self):
        return self._code

    def details(self) -> str:
        return self._details

    def trailing_metadata(self):
        return self._metadata


def _percent_decode(text: str) -> str:
    """grpc-message is percent-encoded UTF-8."""
    if "%" not in text:
        return text
    raw, i, b = bytearray(), 0, text.encode()
    while i < len(b):
        if b[i] == 0x25 and i + 3 <= len(b):
            try:
                raw.append(int(b[i + 1:i + 3], 16))
                i += 3
                continue
            except ValueError:
                pass
        raw.append(b[i])
        i += 1
    return raw.decode("utf-8", "replace")


def _frame_message(msg) -> bytes:
    body = msg.SerializeToString()
    return b"\0" + len(body).to_bytes(4, "big") + body


class TLSFiles(tuple):
    """(ca, cert, key) file paths."""

    def __new__(cls, ca: str, cert: str, key: str):
        return tuple.__new__(cls, (ca, cert, key))

    ca = property(lambda self: self[0])
    cert = property(lambda self: self[1])
    key = property(lambda self: self[2])


def _tls_failure(e: OSError) -> str | None:
    """A TLS error told as one (ssl is imported only for tcp:// hosts)."""
    if type(e).__module__ != "ssl":
        return None
    return f"TLS with the gateway failed: {getattr(e, 'reason', None) or e}"


class Channel:
    """A unix socket path, or a (host, port) reached over mutual TLS."""

    def __init__(self, address, authority: str = "localhost", tls: TLSFiles | None = None):
        self.address = address
        self.tls = tls
        self.authority = authority if tls is None else f"{address[0]}:{address[1]}"
        self._conn: http2.Connection | None = None

    def _socket(self):
        if self.tls is None:
            sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
            try:
                sock.connect(self.address)
            except OSError:
                sock.close()
                raise
            return sock
        import socket  # only for tcp://: it costs a unix-socket call several ms, ssl more
        import ssl
        ctx = ssl.create_default_context(cafile=self.tls.ca)
        ctx.load_cert_chain(self.tls.cert, self.tls.key)
        ctx.set_alpn_protocols(["h2"])
        raw = socket.create_connection(self.address, timeout=30)
        try:
            sock = ctx.wrap_socket(raw, server_hostname=self.address[0])
        except OSError:
            raw.close()
            raise
        sock.settimeout(None)
        return sock

    def _connection(self) -> http2.Connection:
        if self._conn is None:
            where = f"unix:{self.address}" if self.tls is None else f"tcp:{self.address[0]}:{self.address[1]}"
            try:
                self._conn = http2.Connection(self._socket())
            except OSError as e:
                raise RpcError(StatusCode.UNAVAILABLE, _tls_failure(e) or
                               f"failed to connect to all addresses; {where}: {e.strerror or e}") from None
        return self._conn

    def _lost(self, e: Exception, state: "_CallState") -> RpcError:
        """The connection failed during a call: UNAVAILABLE, saying why."""
        self._conn = None
        if isinstance(e, http2.ConnectionError_):
            if self.tls is not None and not state.headers_seen:
                # TLS 1.3: a client certificate is refused after the handshake, by closing
                return RpcError(StatusCode.UNAVAILABLE, f"TLS with the gateway failed: it closed the connection ({e}); "
                                "is this client's certificate signed by the CA the gateway trusts?")
            return RpcError(StatusCode.UNAVAILABLE, str(e))
        return RpcError(StatusCode.UNAVAILABLE,
                        _tls_failure(e) or f"connection to the gateway failed: {e.strerror or e}")

    def _headers(self, method: str):
        return ((":method", "POST"), (":scheme", "http" if self.tls is None else "https"), (":path", method),
                (":authority", self.authority), ("content-type", "application/grpc"),
                ("te", "trailers"), ("user-agent", "doca-cli"))

    def bidi(self, method: str, requests, response_class):
        """Requests go out from a thread as the iterator yields them (stdin of
        an interactive exec) while responses are read here."""
        import threading
        conn = self._connection()
        conn.threaded()
        state = _CallState(conn, response_class)
        state.sid = conn.open(self._headers(method))
        failure: list = []

        def send():
            try:
                for req in requests:
                    if state.done:
                        return
                    conn.send_data_waiting(state.sid, _frame_message(req), False)
                conn.send_data_waiting(state.sid, b"", True)
            except Exception as e:  # noqa: BLE001 - raised again by the reading side
                # The requests failed (e.g. a file the CLI streams is unreadable):
                # cancel the call so the server stops waiting, and wake the reader.
                failure.append(e)
                try:
                    conn.reset(state.sid)
                    conn.sock.shutdown(_socket.SHUT_RD)
                except OSError:
                    pass
        threading.Thread(target=send, daemon=True, name="grpc-send").start()
        try:
            yield from state.responses()
        except (http2.ConnectionError_, OSError) as e:
            if failure:
                self._conn = None
                raise failure[0] from None
            raise self._lost(e, state) from None
        if failure:  # the server ended the call before noticing; the cause is still ours
            self._conn = None
            raise failure[0]

    def call(self, method: str, requests, response_class, request_streaming: bool):
        """Yields responses; raises RpcError when the status is not OK."""
        # A request that cannot be encoded fails before any connection, as
        # protobuf's messages fail when they are made.
        body = None if request_streaming else _frame_message(requests)
        conn = self._connection()
        state = _CallState(conn, response_class)
        try:
            if request_streaming:
                sid = conn.open(self._headers(method))
                state.sid = sid
                for req in _own_errors(requests):
                    conn.send_data(sid, _frame_message(req), False, state.on_frame)
                    if state.done:
                        break
                if not state.done:
                    conn.send_data(sid, b"", True, state.on_frame)
            else:
                sid = conn.open(self._headers(method))
                state.sid = sid
                conn.send_data(sid, body, True, state.on_frame)
            yield from state.responses()
        except _RequestsFailed as e:
            # the requests failed (a file the CLI streams is unreadable, ...): the
            # server must not wait for the rest, and the caller sees the cause
            try:
                conn.reset(state.sid)
            except OSError:
                self._conn = None
            raise e.cause from None
        except (http2.ConnectionError_, OSError) as e:
            raise self._lost(e, state) from None


class _RequestsFailed(Exception):
    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause


def _own_errors(requests):
    """The requests, with an error raised while making them told apart from
    the transport's own errors."""
    it = iter(requests)
    while True:
        try:
            req = next(it)
        except StopIteration:
            return
        except Exception as e:  # noqa: BLE001 - re-raised by the caller as it was
            raise _RequestsFailed(e) from e
        yield req


class _CallState:
    def __init__(self, conn: http2.Connection, response_class):
        self.conn = conn
        self.cls = response_class
        self.sid = 0
        self.buf = bytearray()
        self.ready: list = []
        self.headers_seen = False
        self.trailers: list | None = None
        self.done = False

    def on_frame(self, frame) -> bool:
        """Handles one stream frame; False once the call has ended."""
        ftype, flags, sid, payload = frame
        if sid != self.sid:
            if ftype == http2.HEADERS:  # another stream's headers still feed the HPACK table
                self.conn.header_block(flags, sid, payload)
            return not self.done
        if ftype == http2.HEADERS:
            headers, end = self.conn.header_block(flags, sid, payload)
            if not self.headers_seen and not end:
                self.headers_seen = True
                status = dict(headers).get(":status", "200")
                if status != "200":
                    self.trailers = [("grpc-status", "14"), ("grpc-message", f"HTTP status {status}")]
                    self.done = True
            else:
                self.trailers = headers
                self.done = True
        elif ftype == http2.DATA:
            if flags & http2.PADDED:
                payload = payload[1:len(payload) - payload[0]]
            self.conn.credit(sid, len(payload))
            self.buf += payload
            while len(self.buf) >= 5:
                compressed, n = self.buf[0], int.from_bytes(self.buf[1:5], "big")
                if len(self.buf) < 5 + n:
                    break
                if compressed:
                    raise RpcError(StatusCode.INTERNAL, "compressed gRPC message: not supported by the CLI")
                self.ready.append(self.cls.FromString(bytes(self.buf[5:5 + n])))
                del self.buf[:5 + n]
            if flags & http2.END_STREAM and self.trailers is None:
                self.trailers = [("grpc-status", "13"), ("grpc-message", "stream ended without a status")]
                self.done = True
        elif ftype == http2.RST_STREAM:
            code = int.from_bytes(payload[:4], "big")
            self.trailers = [("grpc-status", "1" if code == 8 else "14"),
                             ("grpc-message", f"stream reset by the gateway (HTTP/2 error {code})")]
            self.done = True
        return not self.done

    def responses(self):
        while True:
            while self.ready:
                yield self.ready.pop(0)
            if self.done:
                break
            self.on_frame(self.conn.read_frame())
        status, message, metadata = 2, "", []
        for name, value in self.trailers or ():
            if name == "grpc-status":
                status = int(value) if value.isdigit() else 2
            elif name == "grpc-message":
                message = _percent_decode(value)
            elif not name.startswith(":") and name not in ("content-type",):
                metadata.append((name, value))
        if status != 0:
            raise RpcError(StatusCode.of(status), message, metadata)


def _method(channel: Channel, path: str, out, client_streaming: bool, server_streaming: bool):
    """One method of a stub: responses are instances of `out`."""
    if server_streaming and client_streaming:
        def call(reqs):
            # Requests known in advance (a list) go out from this thread, as a
            # client stream does: no sending thread, no threading import.
            if isinstance(reqs, (list, tuple)):
                return channel.call(path, reqs, out, True)
            return channel.bidi(path, reqs, out)
    elif server_streaming:
        def call(req):
            return channel.call(path, req, out, client_streaming)
    else:
        def call(req):
            responses = list(channel.call(path, req, out, client_streaming))  # through the trailers
            if len(responses) != 1:
                raise RpcError(StatusCode.INTERNAL, f"{path} returned {len(responses)} responses")
            return responses[0]
    return call


class _Stub:
    """A service's methods from the codec's tables; each made on first use."""

    def __init__(self, module, service: str, channel: Channel):
        self._module = module
        self._methods = module.SERVICES[service]
        self._channel = channel

    def __getattr__(self, name: str):
        spec = self._methods.get(name)
        if spec is None:
            raise AttributeError(name)
        path, _, response, client_streaming, server_streaming = spec
        call = _method(self._channel, path, self._module._module.message(response), client_streaming, server_streaming)
        setattr(self, name, call)
        return call


def stub(module, service: str, channel: Channel):
    """A stub for `service` of a module of the CLI codec's tables
    (gateway.cli.rpc.doca_v1), calling over `channel`."""
    return _Stub(module, service, channel)
