"""Applies resource limits in the init (standard library + ctypes).

Limits come as (resource number, soft, hard, name), -1 meaning unlimited.
A hard limit is never raised: that needs CAP_SYS_RESOURCE, which root lacks
on some hosts; asking for more than the current hard limit is an error
that names the limit, raised before any limit is changed.
"""
import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
INFINITY = 2**64 - 1


class _Rlimit(ctypes.Structure):
    _fields_ = [("cur", ctypes.c_uint64), ("max", ctypes.c_uint64)]


class RlimitError(OSError):
    pass


def _show(v: int) -> str:
    return "unlimited" if v == INFINITY else str(v)


def get(resource: int) -> tuple[int, int]:
    """(soft, hard), unlimited as 2**64 - 1."""
    old = _Rlimit()
    if _libc.prlimit(0, resource, None, ctypes.byref(old)) < 0:
        err = ctypes.get_errno()
        raise RlimitError(err, f"getrlimit {resource}: {os.strerror(err)}")
    return old.cur, old.max


def apply(limits) -> None:
    """Checks every limit first, then sets them all."""
    todo = []
    for num, soft, hard, name in limits or ():
        soft, hard = soft & INFINITY, hard & INFINITY  # -1 -> RLIM_INFINITY
        _, cur_hard = get(num)
        if hard > cur_hard:
            raise RlimitError(1, f"ulimit {name}: cannot raise the hard limit from {_show(cur_hard)} "
                                 f"to {_show(hard)} (needs CAP_SYS_RESOURCE)")
        if soft > hard:
            raise RlimitError(22, f"ulimit {name}: soft limit {_show(soft)} is above the hard limit {_show(hard)}")
        todo.append((num, soft, hard, name))
    for num, soft, hard, name in todo:
        new = _Rlimit(soft, hard)
        if _libc.prlimit(0, num, ctypes.byref(new), None) < 0:
            err = ctypes.get_errno()
            raise RlimitError(err, f"ulimit {name}: cannot set {_show(soft)}:{_show(hard)}: {os.strerror(err)}")
