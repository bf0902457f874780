"""Terminals for containers: a pty from the container's own devpts instance
(its /dev/ptmx), made the controlling terminal of a process, and the master
handed to the shim over a unix socket (SCM_RIGHTS), as runc's console
socket does. Standard library only (common.scmfds is too)."""
import _socket
import array
import fcntl
import os
import struct

from common import scmfds

TIOCSPTLCK = 0x40045431
TIOCGPTN = 0x80045430
TIOCSCTTY = 0x540E


def open_pty() -> tuple[int, str]:
    """(master fd, slave path) of a new pty of the devpts at /dev/pts."""
    master = os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
    fcntl.ioctl(master, TIOCSPTLCK, struct.pack("i", 0))
    n = struct.unpack("I", fcntl.ioctl(master, TIOCGPTN, b"\0" * 4))[0]
    return master, f"/dev/pts/{n}"


def become_controlled(slave_path: str) -> None:
    """A new session whose controlling terminal is the slave, on fds 0-2."""
    os.setsid()
    slave = os.open(slave_path, os.O_RDWR)
    fcntl.ioctl(slave, TIOCSCTTY, 0)
    for target in (0, 1, 2):
        os.dup2(slave, target)
    if slave > 2:
        os.close(slave)


def send_fd(sock_fd: int, fd: int) -> None:
    sock = _socket.socket(fileno=sock_fd)
    try:
        sock.sendmsg([b"m"], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, array.array("i", [fd]))])
    finally:
        sock.detach()


def recv_fd(sock) -> int:
    _, ancdata, _, _ = sock.recvmsg(1, _socket.CMSG_LEN(4))
    fds = scmfds.received(ancdata)
    if not fds:
        raise OSError("no terminal received from the container's init")
    return fds[0]
