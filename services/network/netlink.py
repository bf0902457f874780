"""Small helpers over pyroute2's IPRoute (0.9 API) shared by the setup steps.

pyroute2 0.9 notes: `IPRoute()` is a synchronous wrapper around an asyncio
core with its own event loop, cheap to open (~0.3 ms), used by one thread at
a time; `link("get", ifname=...)` raises NetlinkError(ENODEV) for a missing
link; nested attributes are read with a tuple path, msg.get(("linkinfo", "kind")).
"""
import contextlib
import errno

from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

__all__ = ["IPRoute", "NetlinkError", "host", "find_link", "link_kind", "delete_link"]


@contextlib.contextmanager
def host():
    """An RTNL socket in the host's (the service's own) network namespace."""
    ipr = IPRoute()
    try:
        yield ipr
    finally:
        ipr.close()


def find_link(ipr, name: str):
    """The link message of `name`, or None when there is no such link."""
    try:
        return ipr.link("get", ifname=name)[0]
    except NetlinkError as e:
        if e.code == errno.ENODEV:
            return None
        raise


def link_kind(link) -> str | None:
    return link.get(("linkinfo", "kind"))


def delete_link(ipr, name: str) -> bool:
    """Deletes link `name`; False when it was already gone."""
    try:
        ipr.link("del", ifname=name)
        return True
    except NetlinkError as e:
        if e.code == errno.ENODEV:
            return False
        raise
