"""Tables for people and JSON for scripts.

Tables are Docker's plain column layout, drawn by rich; rich costs a CLI
call ~40 ms to import, so the common case (printable ASCII cells) is laid
out here, character for character as rich lays it out
(tests/unit/test_cli_table_layout.py compares them). Cells rich would read
differently (markup, emoji codes, wide or control characters) still go to
rich."""
import sys

PAD = 3  # columns apart
# Characters laid out here: printable ASCII and the ellipsis `ps` truncates with (all one cell wide).
_PLAIN = frozenset([chr(c) for c in range(0x20, 0x7F)] + ["…"])
# What may form one of rich's emoji codes (":name:", ":name-emoji:"), any case.
_EMOJI_NAME = frozenset("!#&()*+-.0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _as_rich_reads(text) -> bool:
    """rich would print this cell as it is: no markup tag, no emoji code,
    one cell per character."""
    if type(text) is not str or "[" in text or not _PLAIN.issuperset(text):
        return False
    # rich replaces :name: codes (re.sub, left to right) when name is an emoji.
    i = text.find(":")
    while i >= 0:
        j = text.find(":", i + 1)
        if j < 0:
            break
        name = text[i + 1:j]
        if " " in name:  # no code starts here; the next colon may start one
            i = j
            continue
        if name and _EMOJI_NAME.issuperset(name):
            return False
        i = text.find(":", j + 1)
    return True


def _layout(headers: list, rows: list) -> str | None:
    """The table as rich draws it, or None where rich must draw it."""
    n = len(headers)
    if not n or any(len(r) != n for r in rows):
        return None
    lines = [headers, *rows]
    for line in lines:
        for cell in line:
            if not _as_rich_reads(cell):
                return None
    widths = [max(len(line[i]) for line in lines) for i in range(n)]
    widths[-1] = widths[-1] or 1  # rich gives an empty last column one cell
    if sum(widths) + PAD * (n - 1) > 9000:  # near the console's width: rich would fold columns
        return None
    sep = " " * PAD
    return "".join(sep.join(cell.ljust(w) for cell, w in zip(line, widths)) + "\n" for line in lines)


def table(headers: list[str], rows: list[list[str]]) -> None:
    """Docker's plain column layout: left-aligned, three spaces apart."""
    text = _layout(headers, rows)
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    rich_table(headers, rows)


def rich_table(headers: list[str], rows: list[list[str]], file=None) -> None:
    from rich.console import Console
    from rich.table import Table
    t = Table(box=None, show_edge=False, pad_edge=False,
              padding=(0, PAD, 0, 0), header_style="", show_header=True)
    for h in headers:
        t.add_column(h, no_wrap=True, overflow="ignore")
    for r in rows:
        t.add_row(*r)
    Console(width=10_000, highlight=False, soft_wrap=True, file=file).print(t)


def plain(doc):
    """Struct numbers arrive as floats: 137.0 -> 137."""
    if isinstance(doc, float) and doc.is_integer():
        return int(doc)
    if isinstance(doc, dict):
        return {k: plain(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [plain(v) for v in doc]
    return doc


def struct_to_dict(msg) -> dict:
    """A document (a Struct) or a message as JSON values, numbers plain."""
    from gateway.cli.rpc import tojson
    return plain(tojson.to_dict(msg))


def print_json(obj) -> None:
    import json
    json.dump(obj, sys.stdout, indent=4)
    sys.stdout.write("\n")


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
               "\\": "\\\\", '"': '\\"'}


def go_quote(text: str) -> str:
    """Go's strconv.Quote: double quotes, backslash escapes for quotes,
    backslashes and what does not print; printable Unicode as it is."""
    out = []
    for ch in text:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'
