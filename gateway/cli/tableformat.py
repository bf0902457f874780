"""--format for the listing verbs (ps, images, volume ls, network ls), as
Docker's CLI reads it: "json" (one object per line), a Go template per row
(gotemplate.py), or "table TEMPLATE": a header row made from the fields'
names, and the columns the template separates with tabs aligned. Literal
`\\t` and `\\n` in the flag (as shells pass them) are tab and newline."""
import json
import re

from gateway.cli import gotemplate

_FIELD = re.compile(r"\{\{-?\s*\.(\w+)\s*-?\}\}")
MIN_WIDTH, PADDING = 10, 3  # Docker's tabwriter


def render(fmt: str, docs: list[dict], headers: dict) -> str:
    """`headers`: field -> column title where Docker's differs from the
    field's name in capitals (ID -> CONTAINER ID)."""
    if fmt == "json":
        return "".join(json.dumps(d) + "\n" for d in docs)
    fmt = fmt.replace("\\t", "\t").replace("\\n", "\n")
    table = fmt.startswith("table")
    body = fmt[len("table"):].lstrip(" ") if table else fmt
    row = gotemplate.compile_template(body)
    lines = [row(d) for d in docs]
    if not table:
        return "".join(line + "\n" for line in lines)
    header = _FIELD.sub(lambda m: headers.get(m.group(1), m.group(1).upper()), body)
    return _align([header] + lines)


def _align(lines: list[str]) -> str:
    cells = [line.split("\t") for line in lines]
    widths: dict[int, int] = {}
    for row in cells:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths.get(i, 0), len(cell) + PADDING, MIN_WIDTH)
    return "".join("".join(c.ljust(widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row)) + "\n"
                   for row in cells)
