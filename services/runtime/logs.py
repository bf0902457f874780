"""Reads a container's log (rotated files first), and follows it while the
container runs: inotify on the state dir (writes, rotation, exit.json), no
polling delay.

The shim rotates the files under the reader (container.log -> .1 -> .2 ...,
the oldest dropped), so the reader works on descriptors, never on names
once opened:

- it opens the set of files of one moment (_open_set): the current file,
  then the rotated ones, and checks that no rename happened meanwhile (else
  it starts again; a name that vanished between listing and open also means
  "again");
- a descriptor keeps its file's data when the file is renamed or dropped,
  so a file is always read to its end, whatever its name by then;
- a follower that sees the current name point to another file reads its
  own file to the end (the shim writes everything to a file before it
  renames it), then opens the set again and continues with the files that
  come after its own (all of them when its file was already dropped: those
  lines were lost to rotation itself).

Only complete lines are returned: a partial last line (a write in progress)
waits for the next read, or is left out of a read that does not follow.
"""
import collections
import datetime
import os
import pathlib
import select
import time

from services.runtime import inotify, logfile, shim_client

CHUNK = 1 << 20
OPEN_RETRY_SECONDS = 2.0  # the shim renames and creates files in microseconds


def parse_time(text: str) -> float:
    """The shim's RFC 3339 times (nanoseconds) to epoch seconds."""
    base, _, frac = text.rstrip("Z").partition(".")
    dt = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp() + (int(frac[:9].ljust(9, "0")) / 1e9 if frac else 0.0)


def _decode(lines: list[bytes]) -> list:
    out = []
    for line in lines:
        if line:
            try:
                out.append(logfile.decode(line))
            except (ValueError, KeyError, TypeError):
                pass  # a torn record (a file truncated under an old shim): skipped, not fatal
    return out


class _File:
    """One log file, open: reads complete lines from where it stopped."""

    def __init__(self, fd: int):
        self.fd = fd
        st = os.fstat(fd)
        self.id = (st.st_dev, st.st_ino)
        self.pos = 0
        self.pending = b""

    def lines(self, end: int | None = None) -> list[bytes]:
        """The next complete lines (at most about CHUNK bytes of them), []
        at the end of the file (or at offset `end`)."""
        if self.pos and os.fstat(self.fd).st_size < self.pos:
            # truncated in place (a shim from before rotation by rename, max-file=1)
            self.pos, self.pending = 0, b""
        while data := os.pread(self.fd, CHUNK if end is None else max(0, min(CHUNK, end - self.pos)), self.pos):
            self.pos += len(data)
            *lines, self.pending = (self.pending + data).split(b"\n")
            if lines:
                return lines
        return []

    def batches(self, end: int | None = None):
        """Decoded batches up to the end of the file as it is now (or up to
        offset `end`: a fast writer does not keep a reader of the history
        reading)."""
        while lines := self.lines(end):
            if batch := _decode(lines):
                yield batch

    def last_lines(self, n: int) -> list[bytes]:
        """The last n complete lines; the next read starts after them."""
        end = os.fstat(self.fd).st_size
        buf, start = b"", end
        # back to the last newline: a partial last line is not part of the tail
        while start > 0:
            size = min(CHUNK if n else 4096, start)
            start -= size
            buf = os.pread(self.fd, size, start) + buf
            if b"\n" in buf and buf.count(b"\n") > n:
                break
        cut = buf.rfind(b"\n") + 1
        self.pos, self.pending = start + cut, b""
        lines = buf[:cut].split(b"\n")[:-1]
        if start > 0:
            lines = lines[1:]  # the first one may be a piece of a line
        return lines[-n:] if n else []

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _file_id(name: str):
    try:
        st = os.stat(name)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def _rotated_suffixes(path: pathlib.Path) -> list[int]:
    """The numbers of the rotated files present, newest (1) first."""
    prefix = path.name + "."
    out = []
    for name in os.listdir(path.parent):
        if name.startswith(prefix):
            n = name[len(prefix):]
            if n.isascii() and n.isdigit() and not n.startswith("0"):
                out.append(int(n))
    return sorted(out)


def _open(name: str, create: bool = False) -> _File:
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | (os.O_CREAT if create else 0)
    return _File(os.open(name, flags, 0o640))


def _open_set(path: pathlib.Path) -> list[_File]:
    """The log's files as they were at one moment, open, oldest first (the
    current file last). Re-lists and starts again when a file vanished
    between the listing and its open, or when the shim rotated meanwhile."""
    deadline = time.monotonic() + OPEN_RETRY_SECONDS
    while True:
        files: list[_File] = []
        try:
            suffixes = _rotated_suffixes(path)
            try:
                # never started: no file at all (the shim creates it with O_APPEND, no truncation)
                current = _open(str(path), create=not suffixes or time.monotonic() > deadline)
            except FileNotFoundError:
                current = None  # between the shim's rename and its create: again
            if current is not None:
                files.append(current)
                suffixes = _rotated_suffixes(path)
                names = [f"{path}.{n}" for n in suffixes]
                for name in names:
                    files.append(_open(name))
                # nothing moved while we opened: the same names, each still the file we hold
                if (_rotated_suffixes(path) == suffixes and _file_id(str(path)) == current.id
                        and all(_file_id(name) == f.id for name, f in zip(names, files[1:]))
                        and len({f.id for f in files}) == len(files)):
                    files.reverse()
                    return files
        except FileNotFoundError:
            if not path.parent.exists():  # the container was removed
                for f in files:
                    f.close()
                raise
        except BaseException:
            for f in files:
                f.close()
            raise
        for f in files:
            f.close()
        if time.monotonic() > deadline + OPEN_RETRY_SECONDS:
            raise TimeoutError(f"{path}: the log files keep changing")
        time.sleep(0.0005)


def read(path: pathlib.Path, follow: bool, shim: tuple[int, int], cancelled=lambda: False,
         tail: int | None = None, since: float = 0.0):
    """Yields batches (lists) of (stream, data, time) records; with follow,
    until the container has exited and everything the shim wrote was read."""
    path = pathlib.Path(path)
    files = _open_set(path)
    try:
        yield from _history(files, tail, since)
        if follow:
            current = files.pop()
            for f in files:
                f.close()
            files = [current]
            yield from _follow(path, files, shim, cancelled, since)
    finally:
        for f in files:
            f.close()


def _history(files: list[_File], tail: int | None, since: float):
    """The records of the files of one moment; the current (last) file is
    left where the history ended, for a follower."""
    if tail is not None and not since:
        if tail <= 0:
            files[-1].last_lines(0)
            return
        lines: list[bytes] = []
        for f in reversed(files):  # newest first, only as far back as needed
            got = f.last_lines(tail - len(lines)) if len(lines) < tail else []
            lines[:0] = got
        if lines:
            yield _decode(lines)
        return
    ends = [os.fstat(f.fd).st_size for f in files]  # the files of that moment, as they were
    if tail is None:
        for f, end in zip(files, ends):
            for batch in f.batches(end):
                if since:
                    batch = [r for r in batch if parse_time(r[2]) >= since]
                if batch:
                    yield batch
        return
    kept = collections.deque(maxlen=max(tail, 0))
    for f, end in zip(files, ends):
        for batch in f.batches(end):
            kept.extend(r for r in batch if parse_time(r[2]) >= since)
    if kept:
        yield list(kept)


def _follow(path: pathlib.Path, files: list[_File], shim, cancelled, since: float):
    """Follows the current file (files[0], replaced in place when the shim
    rotates it) until the container has exited."""
    watch = inotify.Watch(str(path.parent), inotify.IN_MODIFY | inotify.IN_CREATE | inotify.IN_MOVED_TO)
    exited = shim_client.ExitWatch(*shim, path.parent)

    def since_filter(batch):
        return [r for r in batch if parse_time(r[2]) >= since] if since else batch

    try:
        poller = select.poll()
        poller.register(watch.fileno(), select.POLLIN)
        for fd in exited.fds():
            poller.register(fd, select.POLLIN)
        while True:
            # exit.json comes after the shim's last write and rotation: seen
            # before this read, everything is in the files read below
            done = exited.done() or cancelled()
            while True:
                for batch in files[0].batches():
                    if batch := since_filter(batch):
                        yield batch
                if _file_id(str(path)) == files[0].id:
                    break
                # rotated (or rotating): this file is complete once renamed;
                # read its end, then the files after it
                for batch in files[0].batches():
                    if batch := since_filter(batch):
                        yield batch
                newer = _successors(path, files[0])
                if newer is None:
                    break  # still the current file (a rename in progress elsewhere)
                files[0].close()
                files[0] = newer.pop()
                try:
                    for f in newer:
                        for batch in f.batches():
                            if batch := since_filter(batch):
                                yield batch
                finally:
                    for f in newer:
                        f.close()
                if cancelled():
                    break
            if done or cancelled():
                break
            poller.poll(1000)
            watch.drain()
            exited.drain()
    finally:
        watch.close()
        exited.close()


def _successors(path: pathlib.Path, mine: _File) -> list[_File] | None:
    """The files written after `mine`, oldest first, open (the current one
    last); None when `mine` is still the current file."""
    try:
        files = _open_set(path)
    except FileNotFoundError:  # the container's directory is gone (removed)
        return None
    ids = [f.id for f in files]
    if ids[-1] == mine.id:
        for f in files:
            f.close()
        return None
    after = ids.index(mine.id) + 1 if mine.id in ids else 0  # dropped: every file is newer
    for f in files[:after]:
        f.close()
    return files[after:]
