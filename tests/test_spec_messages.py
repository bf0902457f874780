"""The runtime's cache of parsed ContainerSpec messages holds only
containers that exist: Remove drops an entry, and one left behind goes at
the next prune (bench/soak.py found ~8 KiB kept per removed container)."""
from services.runtime.spec_messages import PRUNE_MIN, SpecMessages


def _spec(i: int) -> dict:
    return {"image": "busybox", "process": {"args": ["true", str(i)]}}


def test_drop_and_reuse():
    cache = SpecMessages()
    first = cache.get("a", _spec(1))
    assert cache.get("a", _spec(1)) is first  # reused while the spec is the same
    assert cache.get("a", _spec(2)) is not first  # parsed again once it changed
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
