"""The API versions this face speaks: 1.41 (docker 20.10) through 1.50
(docker 28.2's client). A /vX.Y/ prefix picks one; none means the newest."""
import re

MIN_VERSION = "1.41"
MAX_VERSION = "1.50"
PREFIX = re.compile(r"^/v(\d+\.\d+)(/.*)$")


def compare(a: str, b: str) -> int:
    ka = tuple(int(p) for p in a.split("."))
    kb = tuple(int(p) for p in b.split("."))
    return (ka > kb) - (ka < kb)


def split(path: str) -> tuple[str | None, str]:
    """(version or None, path without the prefix)."""
    m = PREFIX.match(path)
    return (m.group(1), m.group(2)) if m else (None, path)


def check(version: str) -> str | None:
    """Docker's refusal of a version out of range, or None."""
    if compare(version, MIN_VERSION) < 0:
        return (f"client version {version} is too old. Minimum supported API version is {MIN_VERSION}, "
                "please upgrade your client to a newer version")
    if compare(version, MAX_VERSION) > 0:
        return f"client version {version} is too new. Maximum supported API version is {MAX_VERSION}"
    return None
