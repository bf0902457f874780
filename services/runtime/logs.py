"""Reads a container's log, and follows it while the container runs
(inotify on the file, pidfd on the shim: no polling delay)."""
import os
import pathlib
import select

from services.runtime import inotify, logfile, shim_client


def read(path: pathlib.Path, follow: bool, shim_pid: int, state_dir: pathlib.Path,
         cancelled=lambda: False):
    """Yields (stream, data, time) records; with follow, until the shim has
    exited and everything it wrote was read."""
    path.touch(exist_ok=True)
    with open(path, "rb") as f:
        pending = b""

        def drain():
            nonlocal pending
            *lines, pending = (pending + f.read()).split(b"\n")
            return [logfile.decode(line) for line in lines if line]

        if not follow:
            yield from drain()
            return
        watch = inotify.Watch(str(path))
        pidfd = shim_client.open_pidfd(shim_pid, state_dir)
        try:
            yield from drain()
            poller = select.poll()
            poller.register(watch.fileno(), select.POLLIN)
            if pidfd is not None:
                poller.register(pidfd, select.POLLIN)
            while pidfd is not None and not cancelled():
                events = poller.poll(1000)
                watch.drain()
                if any(fd == pidfd for fd, _ in events):
                    poller.unregister(pidfd)
                    os.close(pidfd)
                    pidfd = None
                yield from drain()
        finally:
            watch.close()
            if pidfd is not None:
                os.close(pidfd)
