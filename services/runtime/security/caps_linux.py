"""Capability sets of the calling thread (init side: standard library +
ctypes). Sets are bit masks (bit N = capability N), as the runtime side
hands them over.

Order matters (apply_linux.apply does it): drop_bounding while still root
with CAP_SETPCAP, keep_caps around a change to a non-root user, then
set_caps (capset) and raise_ambient.
"""
import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)

LINUX_CAPABILITY_VERSION_3 = 0x20080522
PR_CAPBSET_READ = 23
PR_CAPBSET_DROP = 24
PR_SET_KEEPCAPS = 8
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_RAISE = 2
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAP_LAST_CAP = "/proc/sys/kernel/cap_last_cap"


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _err(what: str) -> OSError:
    err = ctypes.get_errno()
    return OSError(err, f"{what}: {os.strerror(err)}")


def _prctl(option: int, arg2: int = 0, arg3: int = 0, what: str = "prctl") -> int:
    ret = _libc.prctl(option, ctypes.c_ulong(arg2), ctypes.c_ulong(arg3), ctypes.c_ulong(0), ctypes.c_ulong(0))
    if ret < 0:
        raise _err(what)
    return ret


def last_cap() -> int:
    with open(CAP_LAST_CAP, "rb") as f:
        return int(f.read())


def get_caps() -> tuple[int, int, int]:
    """(effective, permitted, inheritable) of the calling thread."""
    hdr = _Header(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_Data * 2)()
    if _libc.capget(ctypes.byref(hdr), data) < 0:
        raise _err("capget")
    join = lambda f: getattr(data[0], f) | (getattr(data[1], f) << 32)  # noqa: E731
    return join("effective"), join("permitted"), join("inheritable")


def set_caps(effective: int, permitted: int, inheritable: int) -> None:
    """capset: the three sets at once. EPERM when asking for anything
    outside the current permitted set (or the bounding set, for
    inheritable)."""
    hdr = _Header(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_Data * 2)()
    for i in (0, 1):
        shift = 32 * i
        data[i].effective = (effective >> shift) & 0xFFFFFFFF
        data[i].permitted = (permitted >> shift) & 0xFFFFFFFF
        data[i].inheritable = (inheritable >> shift) & 0xFFFFFFFF
    if _libc.capset(ctypes.byref(hdr), data) < 0:
        raise _err("capset")


def drop_bounding(keep: int, last: int) -> None:
    """Drops every capability up to `last` that `keep` lacks from the
    bounding set (needs CAP_SETPCAP: call it before giving up root)."""
    for cap in range(last + 1):
        if keep >> cap & 1 or _libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(cap), 0, 0, 0) == 0:
            continue
        err = _err(f"dropping capability {cap} from the bounding set")
        if _libc.prctl(PR_CAPBSET_READ, ctypes.c_ulong(cap), 0, 0, 0) != 0:
            raise err  # still there: a real failure, not an already dropped one


def bounding() -> int:
    bits, cap = 0, 0
    while True:
        r = _libc.prctl(PR_CAPBSET_READ, ctypes.c_ulong(cap), 0, 0, 0)
        if r < 0:
            return bits
        bits |= r << cap
        cap += 1


def keep_caps(on: bool) -> None:
    """PR_SET_KEEPCAPS: whether the permitted set survives a change from
    uid 0 to a non-zero uid (the effective set is cleared regardless)."""
    _prctl(PR_SET_KEEPCAPS, 1 if on else 0, what="PR_SET_KEEPCAPS")


def raise_ambient(caps: int, last: int) -> None:
    """Clears the ambient set, then raises each of `caps`. One that is not
    in both the permitted and inheritable sets cannot be raised: it is
    skipped, as runc does (bundles from `runc spec` ask for ambient
    capabilities without inheritable ones)."""
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, what="clearing the ambient capabilities")
    for cap in range(last + 1):
        if caps >> cap & 1:
            try:
                _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, what=f"raising ambient capability {cap}")
            except OSError:
                pass
