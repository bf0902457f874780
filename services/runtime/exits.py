"""One thread that notices every container's exit, also the exits nobody
waits for (a detached container ending on its own), so that "die" is
published when it happens rather than when someone next asks.

It watches each running container's state dir (one inotify instance for
all: exit.json appears there) and its shim (a pidfd: a shim that died
without writing exit.json). On either, `on_exit(cid)` is called once.

A shim that died without exit.json leaves its container's processes
running, reparented away (see lost_shim)."""
import logging
import os
import pathlib
import select
import threading

from services.runtime import inotify, shim_client

log = logging.getLogger("doca.runtime.exits")

# 128 + SIGKILL, what Docker reports for a container killed by SIGKILL: the
# runtime killed what was left of a container whose shim died.
LOST_SHIM_EXIT = 137
LOST_SHIM_KILLED = "the container's shim died: its processes were killed"
LOST_SHIM_UNKNOWN = "the container's shim died without recording an exit status"


def lost_shim(cgroups, cid: str) -> tuple[int, str]:
    """The exit code and error to record for a container whose shim died
    without writing exit.json, once no process of it is left.

    Every process of the container's cgroups is killed (frozen first: none
    forks past the kill) rather than the container re-attached to: the shim
    alone held the container's stdio (the output pipes' read ends went with
    it: logs and attach are lost, a write now fails with EPIPE), and the
    init, reparented to the host's init or a subreaper, is no longer
    anyone's child here, so no exit status could ever be collected for it.
    A container kept "running" without a shim could be neither logged nor
    waited for; one called "exited" while its processes ran would have a
    second init started beside them by `start`, and would escape stop.

    137 (killed by SIGKILL) when processes were killed; 255 when none was
    left (they ended with the shim: how is unknown).
    TimeoutError when some process outlives SIGKILL: the caller must not
    record an exit then."""
    killed = cgroups.kill_all(cid)
    if killed:
        log.warning("the shim of %s died; killed the %d processes left in its cgroups", cid[:12], killed)
        return LOST_SHIM_EXIT, LOST_SHIM_KILLED
    log.warning("the shim of %s died without recording an exit status", cid[:12])
    return 255, LOST_SHIM_UNKNOWN


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
