"""stats: the container's usage from its cgroups and its network namespace,
one read of each file per sample; streamed at an interval. A sample carries
the previous CPU reading too, so a client computes CPU % from one message."""
import os
import time

from common.errors import FailedPrecondition
from services.runtime.state import RuntimeState
from services.runtime.store import Record

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def system_cpu_ns() -> int:
    """All CPUs' time since boot (the first line of /proc/stat)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    return sum(int(x) for x in fields[:8]) * 1_000_000_000 // CLOCK_TICKS


def net_io(pid: int) -> tuple[int, int]:
    """(rx, tx) bytes of the container's interfaces but lo, from its netns."""
    rx = tx = 0
    try:
        with open(f"/proc/{pid}/net/dev") as f:
            for line in f.readlines()[2:]:
                name, _, rest = line.partition(":")
                if name.strip() == "lo":
                    continue
                cols = rest.split()
                rx += int(cols[0])
                tx += int(cols[8])
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        pass
    return rx, tx


class StatsMixin(RuntimeState):
    def sample(self, rec: Record) -> dict:
        now = time.time()
        s = self.cgroups.stats(rec.id)
        s["system_ns"] = system_cpu_ns()
        # --network host: the host's interfaces are not the container's (Docker shows 0B / 0B)
        own_net = rec.pid and rec.spec.network_mode != "host"
        s["net_rx"], s["net_tx"] = net_io(rec.pid) if own_net else (0, 0)
        s["time"] = now
        # Every /metrics scrape samples each running container: the readings
        # go with removed containers (percontainer.py).
        prev = self._last_samples.get(rec.id)
        self._last_samples.put(rec.id, (s["cpu_ns"], s["system_ns"]))
        s["pre_cpu_ns"], s["pre_system_ns"] = prev or (0, 0)
        return s

    def stats(self, refs: list[str], stream: bool, interval: float = 1.0, cancelled=lambda: False):
        """Yields lists of (record, sample); all running containers when refs is empty."""
        if refs:
            recs = [self.get(r) for r in refs]
            for rec in recs:
                if rec.status not in ("running", "paused"):
                    raise FailedPrecondition(f"container {rec.name} is not running")
        else:
            recs = [r for r in self.list(False)]
        while True:
            if refs:  # the named containers: a stream of those removed ends (as docker stats does)
                recs = [r for r in recs if self.store.exists(r)]
                if not recs:
                    return
            live = [self.refresh(r) for r in recs]
            yield [(r, self.sample(r)) for r in live if r.status in ("running", "paused")]
            if not stream or cancelled():
                return
            time.sleep(interval)
