"""The engine's event bus, as `docker events` reads it.

Two sources, each a bounded in-memory ring (common.eventring): the
runtime's (container lifecycle, exec, health, volume mount/unmount: it sees
deaths and restarts nobody asked for) read over its Events stream, and the
gateway's own (image, volume and network events of the calls it makes, see
event_recorder.py, and the container verbs it composes: restart, prune).
A reader gets both rings' events within [since, until] merged in time
order, then both live streams until `until` or until it leaves. A restart
of the runtime is followed (the stream is opened again from where it
stopped); nothing survives a restart of the process that buffered it."""
import logging
import queue
import threading
import time

import grpc

from common.eventring import Ring
from doca.runtime.v1 import runtime_pb2 as rpb
from gateway.api import event_filters

log = logging.getLogger("doca.gateway.events")
REPLAY_WAIT = 5.0  # seconds to wait for the runtime's replay before going on without it


def container_attributes(ctr, **extra) -> dict:
    """Docker's attributes of a container event, from a runtime Container."""
    attrs = dict(ctr.spec.labels)
    attrs.update(image=ctr.spec.image, name=ctr.name)
    attrs.update({k: str(v) for k, v in extra.items()})
    return attrs


class _RuntimeReader(threading.Thread):
    """Reads the runtime's events for one reader: its replay into
    `replay`, then live events into `out`; reopens the stream when the
    runtime goes away, skipping what it has already passed on."""

    def __init__(self, runtime, since: float, until: float, out: queue.SimpleQueue, on_subscribed=None):
        super().__init__(name="events-runtime", daemon=True)
        self.runtime, self.since, self.until, self.out = runtime, since, until, out
        self.on_subscribed = on_subscribed  # called each time the stream is open and its replay done
        self.replay: list[dict] = []
        self.replayed = threading.Event()
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._live = False
        self._call = None

    def go_live(self) -> list[dict]:
        """The replay so far; later events (even late replayed ones) go to `out`."""
        with self._lock:
            self._live = True
            return list(self.replay)

    def _deliver(self, event: dict) -> None:
        with self._lock:
            if self._live:
                self.out.put(event)
            else:
                self.replay.append(event)

    def run(self) -> None:
        since, last = self.since, ("", 0)
        while not self.stop.is_set():
            try:
                self._call = self.runtime.Events(rpb.EventsRequest(since=since, until=self.until))
                if self.stop.is_set():
                    self._call.cancel()
                for ev in self._call:
                    if ev.replay_done:
                        self.replayed.set()
                        if self.on_subscribed is not None:
                            self.on_subscribed()
                        continue
                    if ev.instance == last[0] and ev.seq <= last[1]:
                        continue  # seen before the stream was reopened
                    last = (ev.instance, ev.seq)
                    since = ev.time_nano / 1e9
                    self._deliver({"type": ev.type, "action": ev.action, "actor_id": ev.actor_id,
                                   "attributes": dict(ev.attributes), "time_nano": ev.time_nano})
                return  # `until` reached
            except grpc.RpcError as e:
                if self.stop.is_set():
                    return
                self.replayed.set()  # go on without the runtime's replay
                log.info("runtime events stream lost (%s), reopening", e.code())
                since = since or time.time()
                self.stop.wait(0.5)

    def close(self) -> None:
        self.stop.set()
        if self._call is not None:
            self._call.cancel()


def follow_runtime(runtime, out: queue.SimpleQueue, on_subscribed=None) -> _RuntimeReader:
    """The runtime's live events, from now on, into `out` as event dicts,
    for a gateway thread that acts on them (see port_parking). The stream
    is opened again whenever it breaks; `on_subscribed()` runs each time it
    is open (events of a runtime that was restarted meanwhile are lost: the
    caller catches up from the current state then)."""
    reader = _RuntimeReader(runtime, 0.0, 0.0, out, on_subscribed)
    reader.go_live()
    reader.start()
    return reader


class EngineEvents:
    def __init__(self, runtime_stub=None):
        self.runtime = runtime_stub  # set once the gateway's channels exist
        self.ring = Ring()

    def publish(self, type_: str, action: str, actor_id: str, attributes: dict) -> None:
        self.ring.publish({"type": type_, "action": action, "actor_id": actor_id,
                           "attributes": {k: str(v) for k, v in attributes.items()}})

    def stream(self, since: float, until: float, filters: list[str], cancelled):
        """Yields event dicts (type, action, actor_id, attributes, time_nano)."""
        wanted = event_filters.parse(filters)
        out: queue.SimpleQueue = queue.SimpleQueue()
        stop = threading.Event()
        reader = _RuntimeReader(self.runtime, since, until, out)
        local, last = self.ring.replay(since, until)
        follower = threading.Thread(target=self._follow, args=(last, until, out, stop), name="events-local",
                                    daemon=True)
        reader.start()
        follower.start()
        try:
            reader.replayed.wait(REPLAY_WAIT)
            for e in sorted(local + reader.go_live(), key=lambda e: e["time_nano"]):
                if event_filters.matches(wanted, e):
                    yield e
            while not cancelled():
                if until and time.time() >= until:
                    yield from self._drain(out, wanted, until)
                    return
                try:
                    e = out.get(timeout=0.25)
                except queue.Empty:
                    continue
                if event_filters.matches(wanted, e):
                    yield e
        finally:
            stop.set()
            reader.close()

    @staticmethod
    def _drain(out: queue.SimpleQueue, wanted: dict, until: float):
        """What arrived up to `until` and is still queued."""
        while True:
            try:
                e = out.get_nowait()
            except queue.Empty:
                return
            if e["time_nano"] <= until * 1e9 and event_filters.matches(wanted, e):
                yield e

    def _follow(self, after: int, until: float, out: queue.SimpleQueue, stop: threading.Event) -> None:
        for e in self.ring.follow(after, until, stop.is_set):
            out.put(e)
