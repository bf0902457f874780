"""Name resolution between containers: each container's /etc/hosts.

The service owns one hosts file per container (<state>/hosts/<id>), which
the gateway bind-mounts at /etc/hosts when it creates the container. It
holds Docker's standard lines, the container's own address and hostname,
and, for every user-defined network the container is on, one line per
other container of that network: "IP name alias... id12". Names resolve
with any libc or busybox (no resolver, no DNS server to keep running);
the default network has no name resolution, as in Docker.

The file is rewritten *in place* (write, then truncate), never replaced:
the bind mount holds its inode. A reader may see a line half-written for
the microseconds a write takes; the content is derived from the records,
so it is rewritten whole at every start.
"""
import os
import pathlib

from common.errors import name_no_space

BASE = ("127.0.0.1\tlocalhost\n"
        "::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\n"
        "ff00::0\tip6-mcastprefix\n"
        "ff02::1\tip6-allnodes\n"
        "ff02::2\tip6-allrouters\n")


def render(own: list[tuple[str, list[str]]], peers: list[tuple[str, list[str]]]) -> str:
    """own: (ip, [hostname]) of the container itself; peers: (ip, names) of
    the containers it shares a user-defined network with."""
    lines = [BASE]
    seen = set()
    for ip, names in own + peers:
        names = [n for n in dict.fromkeys(names) if n]
        if names and (ip, tuple(names)) not in seen:
            seen.add((ip, tuple(names)))
            lines.append(f"{ip}\t{' '.join(names)}\n")
    return "".join(lines)


def write_in_place(path: pathlib.Path, text: str) -> None:
    data = text.encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
    except OSError as e:
        raise name_no_space(e, path) from None  # a full disk: the one line names the file
    finally:
        os.close(fd)


def remove(path: pathlib.Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
