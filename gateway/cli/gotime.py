"""Times as Docker's CLI prints them in listings (Go's time package, the
client's local zone): Time.String() for ps/images/system df .CreatedAt,
RFC 3339 in whole seconds for history's CREATED (-H=false) and .CreatedAt."""
import time


def string(seconds: float) -> str:
    """Go's Time.String() of a Unix time in whole seconds: '2026-12-08 01:29:23 +0000 UTC'."""
    t = time.localtime(int(seconds))
    return time.strftime("%Y-%m-%d %H:%M:%S %z %Z", t)


def rfc3339(seconds: float) -> str:
    """Go's time.RFC3339: '2026-12-08T00:21:08Z' in UTC, else the offset as '+01:00'."""
    t = time.localtime(int(seconds))
    offset = time.strftime("%z", t)
    zone = "Z" if offset in ("+0000", "-0000") else f"{offset[:3]}:{offset[3:]}"
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + zone
