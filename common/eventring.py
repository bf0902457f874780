"""A bounded, in-memory event buffer with followers (Docker keeps its
events the same way: the last N, lost at restart).

Events are dicts with at least "time_nano"; publish() numbers them (seq).
A reader replays what is still buffered within [since, until], then follows
new events as they come. Standard library only."""
import collections
import os
import threading
import time

DEFAULT_SIZE = 1024


class Ring:
    def __init__(self, size: int = DEFAULT_SIZE):
        self._events: collections.deque = collections.deque(maxlen=size)
        self._cond = threading.Condition()
        self.seq = 0
        # Random per process: a follower that reconnects tells a new buffer from the old one.
        self.instance = os.urandom(8).hex()

    def publish(self, event: dict) -> dict:
        with self._cond:
            self.seq += 1
            event = dict(event, seq=self.seq)
            event.setdefault("time_nano", time.time_ns())
            self._events.append(event)
            self._cond.notify_all()
        return event

    def replay(self, since: float, until: float) -> tuple[list[dict], int]:
        """The buffered events within [since, until] (0 = unbounded; nothing
        when both are 0, as Docker replays only when asked), and the seq to
        follow from."""
        with self._cond:
            last = self.seq
            if not since and not until:
                return [], last
            lo = int(since * 1e9) if since else 0
            hi = int(until * 1e9) if until else None
            return [e for e in self._events
                    if e["time_nano"] >= lo and (hi is None or e["time_nano"] <= hi)], last

    def follow(self, after: int, until: float = 0.0, cancelled=lambda: False, tick: float = 0.5):
        """Events published after seq `after`, as they come, until `until`
        (0: never) or cancelled(). A reader that falls more than the buffer
        behind misses the oldest ones, as with Docker."""
        while not cancelled():
            if until and time.time() >= until:
                return
            with self._cond:
                if self.seq == after:
                    wait = tick if not until else max(0.0, min(tick, until - time.time()))
                    self._cond.wait(wait)
                fresh = [e for e in self._events if e["seq"] > after]
            for e in fresh:
                if until and e["time_nano"] > until * 1e9:
                    return
                after = e["seq"]
                yield e
