"""The container log format, shared by the shim (writer) and the runtime
(reader): Docker's json-file lines, {"log": ..., "stream": ..., "time": ...}.

Bytes that are not UTF-8 survive the round trip (surrogateescape).
Standard library only: the shim imports it.
"""
import time

try:  # the C quoting function alone: `import json` would pull in re (~6 ms in the shim)
    from _json import encode_basestring_ascii as _quote
except ImportError:  # pragma: no cover - CPython always has _json
    from json.encoder import py_encode_basestring_ascii as _quote


def rfc3339_nano(ns: int) -> str:
    s, frac = divmod(ns, 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + f".{frac:09d}Z"


def encode(stream: str, data: bytes, ns: int) -> bytes:
    text = _quote(data.decode("utf-8", "surrogateescape"))
    return f'{{"log":{text},"stream":"{stream}","time":"{rfc3339_nano(ns)}"}}\n'.encode()


def decode(line: bytes) -> tuple[str, bytes, str]:
    import json
    rec = json.loads(line)
    return rec["stream"], rec["log"].encode("utf-8", "surrogateescape"), rec["time"]


class LineSplitter:
    """Cuts a stream into records at newlines, as Docker's json-file does;
    a partial line waits for its end (or for 16 KiB, or for EOF)."""

    LIMIT = 16 * 1024

    def __init__(self):
        self.pending = b""

    def feed(self, data: bytes) -> list[bytes]:
        buf = self.pending + data
        lines = buf.split(b"\n")
        self.pending = lines.pop()
        out = [line + b"\n" for line in lines]
        while len(self.pending) >= self.LIMIT:
            out.append(self.pending[:self.LIMIT])
            self.pending = self.pending[self.LIMIT:]
        return out

    def flush(self) -> list[bytes]:
        out, self.pending = ([self.pending] if self.pending else []), b""
        return out


class Writer:
    """Appends records to the log, rotating it when it would pass
    `max_size` bytes: container.log -> .1 -> ... -> .(max_files-1), the
    oldest dropped (Docker's json-file max-size/max-file). max_size 0 = never."""

    def __init__(self, path: str, max_size: int = 0, max_files: int = 1):
        import os
        self._os = os
        self.path, self.max_size, self.max_files = path, max_size, max(1, max_files)
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o640)
        self.size = os.fstat(self.fd).st_size

    def write(self, records: list[bytes]) -> None:
        """Writes records, rotating between them so no file passes max_size
        (unless one record alone is bigger)."""
        batch, size = [], 0
        for rec in records:
            if self.max_size and self.size + size + len(rec) > self.max_size and self.size + size:
                if batch:
                    self._os.write(self.fd, b"".join(batch))
                    self.size += size
                    batch, size = [], 0
                self._rotate()
            batch.append(rec)
            size += len(rec)
        if batch:
            self._os.write(self.fd, b"".join(batch))
            self.size += size

    def _rotate(self) -> None:
        os = self._os
        os.close(self.fd)
        if self.max_files == 1:
            # a new file, not a truncated one: a reader keeps the old one by its descriptor
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
        else:
            for i in range(self.max_files - 1, 0, -1):
                older = f"{self.path}.{i - 1}" if i > 1 else self.path
                if os.path.exists(older):
                    os.replace(older, f"{self.path}.{i}")
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o640)
        self.size = 0

    def close(self) -> None:
        self._os.close(self.fd)


def files(path: str, max_files: int = 32) -> list[str]:
    """The log's files, oldest first (rotated ones, then the current one)."""
    import os
    out = [f"{path}.{i}" for i in range(max_files, 0, -1) if os.path.exists(f"{path}.{i}")]
    return out + [path]


def encode_cri(stream: str, piece: bytes, ns: int, eof: bool) -> list[bytes]:
    """A piece of the LineSplitter's as lines of the CRI's log format (what
    the kubelet and `crictl logs` read): `<RFC3339Nano> stdout|stderr F|P
    <text>\n`. F ends a line (its newline not part of the text; the last
    words before EOF too), P is a piece of one cut at 16 KiB (containerd's
    max_container_log_line_size): a long line is cut even when it came
    whole in one read."""
    whole = piece.endswith(b"\n")
    if whole:
        piece = piece[:-1]
    head = b"%s %s " % (rfc3339_nano(ns).encode(), stream.encode())
    cuts = [piece[i:i + LineSplitter.LIMIT] for i in range(0, len(piece), LineSplitter.LIMIT)] or [b""]
    last = b"F" if whole or eof else b"P"
    return [head + (last if i == len(cuts) - 1 else b"P") + b" " + c + b"\n" for i, c in enumerate(cuts)]


class CriWriter:
    """The CRI log file at the kubelet's path, beside doca's own log. Never
    rotated here: the kubelet renames it and asks for a reopen
    (ReopenContainerLog), which makes a new file at the same path."""

    def __init__(self, path: str):
        import os
        self._os = os
        self.path = path
        self.fd = -1
        self.reopen()

    def reopen(self) -> None:
        os = self._os
        os.makedirs(os.path.dirname(self.path) or ".", 0o755, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o640)
        if self.fd >= 0:
            os.close(self.fd)
        self.fd = fd

    def write(self, lines: list[bytes]) -> None:
        try:
            self._os.write(self.fd, b"".join(lines))
        except OSError as e:  # a full disk loses CRI lines, never the container nor doca's log
            self._os.write(2, f"doca-shim: cannot write {self.path}: {e}\n".encode())

    def close(self) -> None:
        self._os.close(self.fd)
