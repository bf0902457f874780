"""The part of Go's text/template that `--format` is used for in scripts:
"json" (the whole object), and templates of fields with text around them,
'{{.Action}} {{.Actor.Attributes.name}}', '{{json .Actor}}', '{{json .}}'."""
import json
import re

_FIELD = re.compile(r"\{\{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*\}\}")


def _value(doc, path: str):
    for key in filter(None, path.split(".")):
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc


def _text(value, as_json: bool) -> str:
    if as_json:
        return json.dumps(value, separators=(",", ":"))
    if value is None:
        return "<no value>"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def render(template: str, doc: dict) -> str:
    if template == "json":
        return _text(doc, True)
    return _FIELD.sub(lambda m: _text(_value(doc, m.group(2)), bool(m.group(1))), template)
