"""The Engine API's `filters` parameter: JSON mapping each key to
{"value": true, ...} (or, from older clients, to a list of values), as
doca.v1's KEY=VALUE items. The one reader for every listing and prune."""
import json

from gateway.docker import json_body
from gateway.docker.errors import ApiError


def items(req, name: str = "filters") -> list[str]:
    text = req.query.get(name)
    if not text:
        return []
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:  # Go's words, as Docker's filters.FromJSON
        raise ApiError(400, f"invalid filter: {json_body.go_message(e)}") from None
    if not isinstance(doc, dict):
        raise ApiError(400, "invalid filter: the filters are not a JSON object")
    out = []
    for key, values in doc.items():
        if isinstance(values, dict):
            values = [v for v, on in values.items() if on]
        elif not isinstance(values, list):
            raise ApiError(400, f"invalid filter '{key}': its values are not a list or an object")
        out += [f"{key}={v}" for v in values]
    return out
