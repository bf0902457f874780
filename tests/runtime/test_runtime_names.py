"""Generated container names never clash: the store retries until a name is
free (20 containers started at once must all get one)."""
import itertools
import os

from services.runtime.model import ContainerSpec
from services.runtime.store import Record, Store


def test_generated_name_retries_on_a_clash(tmp_path):
    store = Store(tmp_path, tmp_path / "run")
    store.reserve(Record(id=os.urandom(32).hex(), name="brave_cabral", spec=ContainerSpec()))
    names = itertools.chain(["brave_cabral", "brave_cabral"], itertools.repeat("calm_gama"))
    rec = Record(id=os.urandom(32).hex(), name="", spec=ContainerSpec())
    store.reserve(rec, generate=lambda: next(names))
    assert rec.name == "calm_gama"


def test_a_suffix_when_every_try_clashes(tmp_path):
    store = Store(tmp_path, tmp_path / "run")
    store.reserve(Record(id=os.urandom(32).hex(), name="only_name", spec=ContainerSpec()))
    rec = Record(id=os.urandom(32).hex(), name="", spec=ContainerSpec())
    store.reserve(rec, generate=lambda: "only_name")
    assert rec.name.startswith("only_name_") and len(rec.name) == len("only_name_") + 4


def test_parallel_runs_without_names(stack):
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda _: stack.doca("create", "busybox", "true", check=False), range(20)))
    ids = [r.stdout.strip() for r in results if r.returncode == 0]
    try:
        assert len(ids) == 20, [r.stderr for r in results if r.returncode]
    finally:
        stack.doca("rm", "-f", *ids)
