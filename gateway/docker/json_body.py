"""A request's JSON body read as Docker's daemon reads it (Go's
encoding/json Decoder behind httputils.ReadJSON): the Content-Type must be
JSON when one is given, the first value is taken (what follows it is not
read), and a malformed body is refused in Go's words, which clients show."""
import json

from gateway.docker.errors import ApiError


def check_content_type(content_type: str) -> None:
    """moby's CheckForJSON: a body under another media type is refused (no
    Content-Type at all is let through: some clients send none)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media != "application/json":
        raise ApiError(400, f"Content-Type specified ({content_type}) must be 'application/json'")


def decode(raw: bytes):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid JSON: invalid character in the body: not UTF-8") from None
    start = len(text) - len(text.lstrip())
    try:
        value, _end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as e:
        raise ApiError(400, "invalid JSON: " + go_message(e)) from None
    return value


def _char(c: str) -> str:
    """Go's quoteChar: '\\'' for a quote, '\\n' style for a control character."""
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    if ord(c) < 0x20 or ord(c) == 0x7f:  # strconv.Quote's escapes
        named = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
        return "'" + named.get(c, f"\\x{ord(c):02x}") + "'"
    return f"'{c}'"


def _inside(doc: str, pos: int) -> str:
    """'{' or '[' : the innermost open container at pos (strings skipped)."""
    stack, in_str, esc = [], False, False
    for c in doc[:pos]:
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "{[":
            stack.append(c)
        elif c in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def go_message(e: json.JSONDecodeError) -> str:
    doc, pos, msg = e.doc, e.pos, e.msg
    if msg.startswith("Unterminated string") or pos >= len(doc):
        return "unexpected EOF"
    c = _char(doc[pos])
    if msg.startswith("Expecting property name"):
        return f"invalid character {c} looking for beginning of object key string"
    if msg.startswith("Expecting ':'"):
        return f"invalid character {c} after object key"
    if msg.startswith("Expecting ','"):
        return (f"invalid character {c} after object key:value pair" if _inside(doc, pos) == "{"
                else f"invalid character {c} after array element")
    if msg.startswith("Invalid control character"):
        return f"invalid character {c} in string literal"
    if msg.startswith("Invalid \\escape") or msg.startswith("Invalid \\u"):  # Python points at the backslash
        return "unexpected EOF" if pos + 1 >= len(doc) else \
            f"invalid character {_char(doc[pos + 1])} in string escape code"
    return f"invalid character {c} looking for beginning of value"
