"""Reads a container's log (rotated files first), and follows it while the
container runs: inotify on the state dir (writes, rotation, exit.json), no
polling delay."""
import datetime
import os
import pathlib
import select

from services.runtime import inotify, logfile, shim_client


def parse_time(text: str) -> float:
    """The shim's RFC 3339 times (nanoseconds) to epoch seconds."""
    base, _, frac = text.rstrip("Z").partition(".")
    dt = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp() + (int(frac[:9].ljust(9, "0")) / 1e9 if frac else 0.0)


class _Reader:
    def __init__(self, path: str):
        self.f = open(path, "rb")
        self.pending = b""

    def batch(self, limit: int = 1 << 20) -> list:
        *lines, self.pending = (self.pending + self.f.read(limit)).split(b"\n")
        return [logfile.decode(line) for line in lines if line]

    def batches(self):
        while batch := self.batch():
            yield batch

    def close(self) -> None:
        self.f.close()


def read(path: pathlib.Path, follow: bool, shim: tuple[int, int], cancelled=lambda: False,
         tail: int | None = None, since: float = 0.0):
    """Yields batches (lists) of (stream, data, time) records; with follow,
    until the container has exited and everything the shim wrote was read."""
    path.touch(exist_ok=True)
    selected = _filter(_history(path), tail, since)
    if selected is not None:  # --tail / --since need the whole history first
        if selected:
            yield selected
        if not follow:
            return
    if not follow:
        for old in logfile.files(str(path)):
            r = _Reader(old)
            try:
                yield from r.batches()
            finally:
                r.close()
        return
    yield from _follow(path, shim, cancelled, skip_history=selected is not None)


def _history(path: pathlib.Path) -> list:
    out = []
    for name in logfile.files(str(path)):
        r = _Reader(name)
        try:
            for batch in r.batches():
                out += batch
        finally:
            r.close()
    return out


def _filter(records: list, tail: int | None, since: float):
    if tail is None and not since:
        return None
    if since:
        records = [r for r in records if parse_time(r[2]) >= since]
    if tail is not None:
        records = records[-tail:] if tail > 0 else []
    return records


def _follow(path: pathlib.Path, shim, cancelled, skip_history: bool):
    """Reads the current file from its start (or end, when the history was
    already sent) and switches files when the shim rotates them."""
    if not skip_history:
        for old in logfile.files(str(path))[:-1]:
            r = _Reader(old)
            try:
                yield from r.batches()
            finally:
                r.close()
    reader = _Reader(str(path))
    if skip_history:
        reader.f.seek(0, os.SEEK_END)
    watch = inotify.Watch(str(path.parent), inotify.IN_MODIFY | inotify.IN_CREATE | inotify.IN_MOVED_TO)
    exited = shim_client.ExitWatch(*shim, path.parent)
    try:
        poller = select.poll()
        poller.register(watch.fileno(), select.POLLIN)
        for fd in exited.fds():
            poller.register(fd, select.POLLIN)
        while True:
            yield from reader.batches()
            if _rotated(reader, path):
                reader.close()
                reader = _Reader(str(path))
                continue
            if exited.done() or cancelled():
                break
            poller.poll(1000)
            watch.drain()
            exited.drain()
        yield from reader.batches()  # the last lines, written before exit.json
    finally:
        reader.close()
        watch.close()
        exited.close()


def _rotated(reader: _Reader, path: pathlib.Path) -> bool:
    try:
        return os.stat(path).st_ino != os.fstat(reader.f.fileno()).st_ino
    except FileNotFoundError:
        return False
