"""What the runtime keeps per container goes with the container: the cache
of parsed ContainerSpec messages (Remove drops an entry, one left behind
goes at the next prune; bench/soak.py found ~8 KiB kept per removed
container) and stats' previous CPU readings."""
import dataclasses
import threading

from services.runtime import model, stats
from services.runtime.percontainer import PRUNE_MIN, PerContainer
from services.runtime.spec_messages import SpecMessages
from services.runtime.store import Record


def _spec(i: int) -> model.ContainerSpec:
    return model.ContainerSpec(image="busybox", process=model.Process(args=("true", str(i))))


def test_drop_and_reuse():
    cache = SpecMessages()
    spec = _spec(1)
    first = cache.get("a", spec)
    assert first.process.args == ["true", "1"]
    assert cache.get("a", spec) is first  # reused while the spec is the same
    changed = dataclasses.replace(spec, name="b")  # an update or a rename: a new spec
    assert cache.get("a", changed) is not first and cache.get("a", changed).name == "b"
    cache.drop("a")
    cache.drop("a")  # twice: nothing left, no error
    assert len(cache._by_id) == 0


def test_removed_containers_pruned():
    cache = SpecMessages()
    live: set[str] = set()
    for i in range(20 * PRUNE_MIN):
        cid = f"c{i}"
        live.add(cid)
        cache.get(cid, _spec(i), lambda: live)
        live.discard(cid)  # removed without a drop: a Remove that raced a reply
        assert len(cache._by_id) <= PRUNE_MIN
    for i in range(3 * PRUNE_MIN):  # many live containers: all kept, pruned rarely
        live.add(f"k{i}")
        cache.get(f"k{i}", _spec(i), lambda: live)
    assert {f"k{i}" for i in range(3 * PRUNE_MIN)} <= set(cache._by_id)


class _Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.records: dict[str, Record] = {}

    def all(self):
        return list(self.records.values())


class _Cgroups:
    def stats(self, cid):
        return {"cpu_ns": 1}


class _Runtime(stats.StatsMixin):
    def __init__(self):
        self.store = _Store()
        self.cgroups = _Cgroups()
        self._last_samples = PerContainer(lambda: [r.id for r in self.store.all()])  # as the runtime does


def test_stats_readings_of_removed_containers_go():
    rt = _Runtime()
    for i in range(20 * PRUNE_MIN):
        rec = Record(id=f"c{i}", name=f"n{i}", spec=model.ContainerSpec())
        rt.store.records[rec.id] = rec
        rt.sample(rec)
        del rt.store.records[rec.id]
        assert len(rt._last_samples) <= PRUNE_MIN
    live = [Record(id=f"k{i}", name=f"k{i}", spec=model.ContainerSpec()) for i in range(3 * PRUNE_MIN)]
    for rec in live:
        rt.store.records[rec.id] = rec
        rt.sample(rec)
    assert {r.id for r in live} <= set(rt._last_samples)
    assert rt.sample(live[0])["pre_cpu_ns"] == 1  # the previous reading is still there
