"""The descriptors a recvmsg() brought (SCM_RIGHTS): shared by the shim
zygote, the shim's console hand-off and the CLI fork server. Standard
library only, and only _socket: the shim imports it."""
import _socket
import sys


def received(ancillary) -> list[int]:
    fds = []
    for level, kind, data in ancillary:
        if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS:
            usable = len(data) - len(data) % 4
            fds += [int.from_bytes(data[i:i + 4], sys.byteorder, signed=True) for i in range(0, usable, 4)]
    return fds
