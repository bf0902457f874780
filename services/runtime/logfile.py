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
