"""Reads a container's log, and follows it while the container runs
(inotify on the file, the shim's exit watch: no polling delay)."""
import pathlib
import select

from services.runtime import inotify, logfile, shim_client


def read(path: pathlib.Path, follow: bool, shim: tuple[int, int], cancelled=lambda: False):
    """Yields batches (lists) of (stream, data, time) records, one per read
    of the file; with follow, until the container has exited and everything
    the shim wrote was read."""
    path.touch(exist_ok=True)
    with open(path, "rb") as f:
        pending = b""

        def drain_some(limit: int = 1 << 20):
            nonlocal pending
            *lines, pending = (pending + f.read(limit)).split(b"\n")
            return [logfile.decode(line) for line in lines if line]

        def drain():
            while batch := drain_some():
                yield batch

        if not follow:
            while batch := drain_some():
                yield batch
            return
        watch = inotify.Watch(str(path))
        exited = shim_client.ExitWatch(*shim, path.parent)
        try:
            poller = select.poll()
            poller.register(watch.fileno(), select.POLLIN)
            for fd in exited.fds():
                poller.register(fd, select.POLLIN)
            while True:
                yield from drain()
                if exited.done() or cancelled():
                    break
                poller.poll(1000)
                watch.drain()
                exited.drain()
            yield from drain()  # the last lines, written before exit.json
        finally:
            watch.close()
            exited.close()
