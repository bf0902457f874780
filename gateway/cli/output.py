"""Tables for people (rich, imported only by the verbs that print tables)
and JSON for scripts."""
import json
import sys

from google.protobuf import json_format


def table(headers: list[str], rows: list[list[str]]) -> None:
    """Docker's plain column layout: left-aligned, three spaces apart."""
    from rich.console import Console
    from rich.table import Table
    t = Table(box=None, show_edge=False, pad_edge=False,
              padding=(0, 3, 0, 0), header_style="", show_header=True)
    for h in headers:
        t.add_column(h, no_wrap=True, overflow="ignore")
    for r in rows:
        t.add_row(*r)
    Console(width=10_000, highlight=False, soft_wrap=True).print(t)


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
    return plain(json_format.MessageToDict(msg))


def print_json(obj) -> None:
    json.dump(obj, sys.stdout, indent=4)
    sys.stdout.write("\n")
