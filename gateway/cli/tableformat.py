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


class ListParseError(gotemplate.TemplateError):
    """A listing verb's template that does not parse: exit 1, as Docker's."""
    exit_code = 1


def compile_row(body: str, parsing: str = "template parsing error", fields=None):
    """The row template; `parsing`: how the verb words a parse error (ps:
    'failed to parse template'); `fields`: the row's field names, to refuse
    a template naming another before any call, as Docker's ps does."""
    try:
        row = gotemplate.compile_template(body)
    except gotemplate.ParseError as e:
        raise ListParseError(parsing + str(e)[len("template parsing error"):]) from None
    if fields is not None:
        try:
            row(Row({f: (lambda key: "") if f == "Label" else "" for f in fields}))
        except gotemplate.TemplateError as e:
            raise gotemplate.TemplateError(f"failed to execute template: {e}") from None
    return row


class Row(dict):
    """A row as Docker's CLI has it: `{{json .}}` and `--format json` give
    its fields (not its methods, as ps' .Label) with the keys sorted; a
    field it does not have is an error ("can't evaluate field X"), as a Go
    struct's."""
    strict = True
    type_name = "*formatter.Context"

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in self.items() if not callable(v)}, sort_keys=True,
                          separators=(",", ":"))


def render(fmt: str, docs: list[dict], headers: dict, parsing: str = "template parsing error") -> str:
    """`headers`: field -> column title where Docker's differs from the
    field's name in capitals (ID -> CONTAINER ID)."""
    docs = [Row(d) for d in docs]
    if fmt == "json":
        return "".join(d.to_json() + "\n" for d in docs)
    fmt = fmt.replace("\\t", "\t").replace("\\n", "\n")
    table = fmt.startswith("table")
    body = fmt[len("table"):].lstrip(" ") if table else fmt
    row = compile_row(body, parsing)
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
