"""Applies resource limits in the init (standard library only).

Limits come as (resource number, soft, hard, name) with -1 for unlimited.
A hard limit is never raised: that needs CAP_SYS_RESOURCE, which root lacks
on some hosts; asking for more than the current hard limit is an error
that names the limit, before anything is changed.
"""
import resource


class RlimitError(OSError):
    pass


def _show(v: int) -> str:
    return "unlimited" if v == resource.RLIM_INFINITY else str(v)


def _above(a: int, b: int) -> bool:
    """a > b, with -1 (RLIM_INFINITY) above everything."""
    inf = resource.RLIM_INFINITY
    if a == b:
        return False
    if a == inf:
        return True
    if b == inf:
        return False
    return a > b


def apply(limits) -> None:
    """Checks every limit first, then sets them all."""
    todo = []
    for num, soft, hard, name in limits or ():
        _, cur_hard = resource.getrlimit(num)
        if _above(hard, cur_hard):
            raise RlimitError(1, f"ulimit {name}: cannot raise the hard limit from {_show(cur_hard)} "
                                 f"to {_show(hard)} (needs CAP_SYS_RESOURCE)")
        if _above(soft, hard):
            raise RlimitError(22, f"ulimit {name}: soft limit {_show(soft)} is above the hard limit {_show(hard)}")
        todo.append((num, soft, hard, name))
    for num, soft, hard, name in todo:
        try:
            resource.setrlimit(num, (soft, hard))
        except (OSError, ValueError) as e:
            raise RlimitError(getattr(e, "errno", None) or 22,
                              f"ulimit {name}: cannot set {_show(soft)}:{_show(hard)}: {e}") from None
