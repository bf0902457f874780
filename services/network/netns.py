"""Entering a container's network namespace from one server thread.

A netlink socket belongs to the network namespace it was created in, for its
whole life. So instead of forking a helper per namespace (which pyroute2's
`IPRoute(netns=...)` does: ~12 ms here), the calling thread joins the target
namespace with setns(2) (which moves only that thread), opens the socket, and
returns home in a `finally` (~0.5 ms in all). Every later request on that
socket acts inside the container's namespace while the thread itself runs in
the host's again.
"""
import contextlib
import ctypes
import fcntl
import logging
import os
import stat

from common import validate
from common.errors import FailedPrecondition, InvalidArgument

from services.network.netlink import IPRoute

CLONE_NEWNET = 0x40000000
NS_GET_NSTYPE = 0xB703  # _IO(0xb7, 0x3): which kind of namespace an nsfs fd is

_libc = ctypes.CDLL(None, use_errno=True)
log = logging.getLogger("doca.network.netns")


def open_netns(path: str) -> int:
    """Opens and checks a network namespace path; returns an fd (O_CLOEXEC)
    that the caller closes."""
    if not path:
        raise InvalidArgument(
            "netns_path is required: the path of the container's network namespace, "
            "e.g. /proc/PID/ns/net")
    validate.absolute(path, "netns_path")
    try:
        # A namespace file (nsfs) is a regular file: a FIFO or a device the
        # client names is refused before it is opened (an open could block
        # this thread, or act on a device); O_NONBLOCK for a swap meanwhile.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InvalidArgument(f"{validate.shown(path)} is not a namespace file: pass the container's "
                                  "/proc/PID/ns/net")
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise FailedPrecondition(
            f"network namespace {path} does not exist: has the container's process exited?") from None
    except OSError as e:
        raise FailedPrecondition(f"cannot open network namespace {path}: {e.strerror}") from None
    try:
        try:
            kind = fcntl.ioctl(fd, NS_GET_NSTYPE)
        except OSError:
            raise InvalidArgument(
                f"{path} is not a namespace file: pass the container's /proc/PID/ns/net") from None
        if kind != CLONE_NEWNET:
            raise InvalidArgument(
                f"{path} is a namespace but not a network namespace: pass /proc/PID/ns/net")
        st, own = os.fstat(fd), os.stat("/proc/self/ns/net")
        if (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino):
            raise InvalidArgument(
                f"{path} is the host's network namespace: a container needs its own")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


def _go_home(home_fd: int) -> None:
    try:
        _setns(home_fd)
    except OSError as e:
        # This thread would go on serving requests inside a container's
        # namespace and touch the wrong interfaces: stop the service instead.
        log.critical("cannot return a server thread to the host network namespace (%s): exiting", e)
        os._exit(70)


@contextlib.contextmanager
def rtnl_in(ns_fd: int):
    """An IPRoute whose netlink socket lives in the namespace `ns_fd`."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        _setns(ns_fd)
        try:
            ipr = IPRoute()
        finally:
            _go_home(home)
    finally:
        os.close(home)
    try:
        yield ipr
    finally:
        ipr.close()
