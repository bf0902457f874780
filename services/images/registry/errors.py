"""Registry failures as domain errors (mapped to gRPC codes by common.status,
like every DocaError): the two kinds common.errors has no class for, and
the reading of a registry's error body."""
import json

from common.errors import DocaError


class Unauthorized(DocaError):
    """Wrong or missing credentials."""
    code = "UNAUTHENTICATED"


class Denied(DocaError):
    """Known credentials without the right to this repository."""
    code = "PERMISSION_DENIED"


class Corrupt(DocaError):
    """The registry sent bytes that do not match their digest (or too few)."""
    code = "DATA_LOSS"


def registry_message(body: bytes) -> str:
    """'CODE: message' from the distribution spec's error body, or ''."""
    try:
        doc = json.loads(body or b"{}")
    except ValueError:
        return ""
    errs = doc.get("errors") if isinstance(doc, dict) else None
    if not isinstance(errs, list) or not errs or not isinstance(errs[0], dict):
        return ""
    e = errs[0]
    code, message = str(e.get("code") or ""), str(e.get("message") or "")
    return f"{code.lower()}: {message}" if code and message else code.lower() or message
