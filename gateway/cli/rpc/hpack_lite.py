"""HPACK (RFC 7541) for the CLI: an encoder that only emits literals (no
state to keep), and a full decoder (static and dynamic tables). Huffman-coded
strings go to the hpack library, imported on first need."""

# RFC 7541 Appendix A.
STATIC_TABLE = (
    (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"),
    (":path", "/index.html"), (":scheme", "http"), (":scheme", "https"), (":status", "200"),
    (":status", "204"), (":status", "206"), (":status", "304"), (":status", "400"),
    (":status", "404"), (":status", "500"), ("accept-charset", ""), ("accept-encoding", "gzip, deflate"),
    ("accept-language", ""), ("accept-ranges", ""), ("accept", ""), ("access-control-allow-origin", ""),
    ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
    ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
    ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""),
    ("date", ""), ("etag", ""), ("expect", ""), ("expires", ""),
    ("from", ""), ("host", ""), ("if-match", ""), ("if-modified-since", ""),
    ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""), ("last-modified", ""),
    ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
    ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""),
    ("retry-after", ""), ("server", ""), ("set-cookie", ""), ("strict-transport-security", ""),
    ("transfer-encoding", ""), ("user-agent", ""), ("vary", ""), ("via", ""),
    ("www-authenticate", ""),
)


class HpackError(Exception):
    pass


def encode_int(value: int, prefix_bits: int, first: int) -> bytes:
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first | value])
    out = bytearray([first | limit])
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _encode_str(s: str) -> bytes:
    raw = s.encode()
    return encode_int(len(raw), 7, 0) + raw


def encode(headers) -> bytes:
    """Literal header fields without indexing, names by value: the simplest
    valid block, and it leaves the peer's table alone."""
    out = bytearray()
    for name, value in headers:
        out += b"\x00" + _encode_str(name) + _encode_str(value)
    return bytes(out)


def _huffman(data: bytes) -> bytes:
    from hpack.huffman_table import decode_huffman  # rare: the library's table, on demand
    return decode_huffman(data)


class Decoder:
    def __init__(self, max_size: int = 4096):
        self.max_size = max_size
        self.table: list[tuple[str, str]] = []  # newest first
        self.size = 0

    def _evict(self) -> None:
        while self.size > self.max_size and self.table:
            name, value = self.table.pop()
            self.size -= len(name) + len(value) + 32

    def _add(self, name: str, value: str) -> None:
        self.table.insert(0, (name, value))
        self.size += len(name) + len(value) + 32
        self._evict()

    def _lookup(self, index: int) -> tuple[str, str]:
        if index <= 0:
            raise HpackError("header index 0")
        if index <= len(STATIC_TABLE):
            return STATIC_TABLE[index - 1]
        try:
            return self.table[index - len(STATIC_TABLE) - 1]
        except IndexError:
            raise HpackError(f"header index {index} out of range") from None

    @staticmethod
    def _int(data: bytes, pos: int, prefix_bits: int) -> tuple[int, int]:
        limit = (1 << prefix_bits) - 1
        value = data[pos] & limit
        pos += 1
        if value < limit:
            return value, pos
        shift = 0
        while True:
            b = data[pos]
            pos += 1
            value += (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value, pos

    def _str(self, data: bytes, pos: int) -> tuple[str, int]:
        huffman = data[pos] & 0x80
        length, pos = self._int(data, pos, 7)
        raw = data[pos:pos + length]
        if len(raw) != length:
            raise HpackError("truncated header string")
        if huffman:
            raw = _huffman(raw)
        return raw.decode("utf-8", "replace"), pos + length

    def decode(self, data: bytes) -> list[tuple[str, str]]:
        headers = []
        pos = 0
        while pos < len(data):
            b = data[pos]
            if b & 0x80:                       # indexed field
                index, pos = self._int(data, pos, 7)
                headers.append(self._lookup(index))
                continue
            if b & 0xE0 == 0x20:               # dynamic table size update
                self.max_size, pos = self._int(data, pos, 5)
                self._evict()
                continue
            indexing = b & 0xC0 == 0x40
            index, pos = self._int(data, pos, 6 if indexing else 4)
            if index:
                name = self._lookup(index)[0]
            else:
                name, pos = self._str(data, pos)
            value, pos = self._str(data, pos)
            if indexing:
                self._add(name, value)
            headers.append((name, value))
        return headers
