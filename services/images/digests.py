"""Digests ("sha256:<64 hex>") and the ids derived from them."""
import hashlib
import re

from common.errors import InvalidArgument

HEX_RE = re.compile(r"^[0-9a-f]{64}$")
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")


def validate(digest: str) -> str:
    if not DIGEST_RE.match(digest or ""):
        raise InvalidArgument(f"invalid digest {digest!r}: expected sha256: and 64 lowercase hex digits")
    return digest


def hex_of(digest: str) -> str:
    return validate(digest)[len("sha256:"):]


def of_bytes(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def chain_ids(diff_ids: list[str]) -> list[str]:
    """OCI chain ids: the first layer's is its diff id, each next one is
    sha256("<parent chain id> <diff id>"). A chain id names a layer together
    with everything below it, so equal chain ids mean equal unpacked stacks."""
    out: list[str] = []
    for diff_id in diff_ids:
        validate(diff_id)
        out.append(diff_id if not out else of_bytes(f"{out[-1]} {diff_id}".encode()))
    return out


def short(image_id: str) -> str:
    """The 12-digit form people see (`docker images`)."""
    return image_id.split(":", 1)[-1][:12]
