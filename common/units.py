"""Docker's human units: sizes (32m, 1g, 512k) and CPU counts (--cpus 0.5).
Every value leaves here within what the runtime's int64 fields hold."""
import math
import os
import re

from common.errors import InvalidArgument
from common.validate import INT64, shown

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([bkmgtp]?)b?\s*$", re.IGNORECASE)
_MULT = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}


def parse_size(text: str, what: str = "memory") -> int:
    """'32m' -> 33554432; empty -> 0 (no limit). Binary multiples, as Docker."""
    if not text:
        return 0
    m = _SIZE.fullmatch(text)
    if not m:
        raise InvalidArgument(f"invalid {what} value {shown(text)}: use a number with an optional unit b, k, m, g "
                              "(e.g. 32m)")
    size = float(m.group(1)) * _MULT[m.group(2).lower()]
    if not size <= INT64[1]:  # also inf (a number of 400 digits); Docker's client wraps round to a negative
        raise InvalidArgument(f"invalid {what} value {shown(text)}: too large (at most {INT64[1]} bytes, about 8191p)")
    return int(size)


def cpus_to_quota(cpus: float, period: int = 100_000) -> tuple[int, int]:
    """--cpus 0.5 -> (50000, 100000): CFS quota and period in microseconds."""
    if not cpus:
        return 0, 0
    if not math.isfinite(cpus):
        raise InvalidArgument(f"invalid --cpus {cpus}: a number of CPUs is required, such as 0.5 or 2")
    if cpus < 0:
        raise InvalidArgument(f"invalid --cpus {cpus}: must be positive")
    if cpus < 0.01:
        raise InvalidArgument(f"invalid --cpus {cpus}: the minimum is 0.01")
    available = os.cpu_count() or 1
    if cpus > available:  # Docker's daemon's check, and its words
        raise InvalidArgument(f"Range of CPUs is from 0.01 to {available}.00, as there are only {available} "
                              "CPUs available")
    return int(round(cpus * period)), period


def human_size(n: float, digits: int = 3) -> str:
    """Docker's decimal sizes: 4.86MB, 1.2GB, 512B (`digits` significant
    digits: 3 as `system df` shows them, 4 as units.HumanSize)."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.{digits}g}{unit}" if unit != "B" else f"{int(n)}B"
        n /= 1000
    return f"{n}PB"
