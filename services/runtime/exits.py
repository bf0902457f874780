"""One thread that notices every container's exit, also the exits nobody
waits for (a detached container ending on its own), so that "die" is
published when it happens rather than when someone next asks.

It watches each running container's state dir (one inotify instance for
all: exit.json appears there) and its shim (a pidfd: a shim that died
without writing exit.json). On either, `on_exit(cid)` is called once."""
import logging
import os
import pathlib
import select
import threading

from services.runtime import inotify, shim_client

log = logging.getLogger("doca.runtime.exits")


class ExitMonitor:
    def __init__(self, on_exit):
        self._on_exit = on_exit
        self._lock = threading.Lock()
        self._watches = inotify.Watches()
        self._poll = select.epoll()
        self._poll.register(self._watches.fileno(), select.EPOLLIN)
        # cid -> (inotify watch descriptor, shim pidfd or None, exit.json path)
        self._watched: dict[str, tuple[int, int | None, pathlib.Path]] = {}
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="exit-monitor", daemon=True)
        self._thread.start()

    def watch(self, cid: str, shim_pid: int, shim_start: int, state_dir: pathlib.Path) -> None:
        with self._lock:
            if cid in self._watched or self._closing.is_set():
                return
            try:
                wd = self._watches.add(str(state_dir), inotify.IN_MOVED_TO | inotify.IN_CLOSE_WRITE)
            except OSError as e:  # removed meanwhile
                log.debug("cannot watch %s: %s", cid[:12], e)
                return
            pidfd = shim_client.open_pidfd(shim_pid, shim_start)
            if pidfd is not None:
                self._poll.register(pidfd, select.EPOLLIN)
            self._watched[cid] = (wd, pidfd, pathlib.Path(state_dir) / "exit.json")
        self._check()  # it may have exited before the watch was in place

    def _done(self, pidfd: int | None, exit_file: pathlib.Path) -> bool:
        if pidfd is None or exit_file.exists():
            return True
        return bool(select.select([pidfd], [], [], 0)[0])

    def _check(self) -> None:
        exited = []
        with self._lock:
            for cid, (wd, pidfd, exit_file) in list(self._watched.items()):
                if self._done(pidfd, exit_file):
                    del self._watched[cid]
                    self._watches.remove(wd)
                    if pidfd is not None:
                        self._poll.unregister(pidfd)
                        os.close(pidfd)
                    exited.append(cid)
        for cid in exited:
            try:
                self._on_exit(cid)
            except Exception:  # noqa: BLE001 - one container's record must not stop the monitor
                log.exception("after the exit of %s", cid[:12])

    def _loop(self) -> None:
        while not self._closing.is_set():
            if self._poll.poll(1.0):
                self._watches.drain()
                self._check()

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=2)
        with self._lock:
            for wd, pidfd, _ in self._watched.values():
                if pidfd is not None:
                    os.close(pidfd)
            self._watched.clear()
        self._poll.close()
        self._watches.close()
