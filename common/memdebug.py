"""Opt-in memory diagnostics for a long-running doca server (off, at no cost,
unless asked for).

With DOCA_MEMDEBUG=DIR in a server's environment (e.g. `DOCA_MEMDEBUG=/tmp/m
doca daemon ...`), the process traces its allocations (tracemalloc, 16 frames)
from start-up and, each time DIR/<name>-<pid>.request appears (it is
removed; checked every half second: no signal, so no system call of any
thread is interrupted), writes

    DIR/<name>-<pid>-<n>.snap   a tracemalloc snapshot (tracemalloc.Snapshot.load)
    DIR/<name>-<pid>-<n>.json   {"traced": bytes, "types": {type name: live objects}}

after a full collection, so that two dumps taken some hundreds of containers
apart show what grew, object by object, apart from the allocator's arenas.
bench/soak.py --trace asks for the dumps and prints the differences."""
import gc
import json
import os
import pathlib
import threading
import time

ENV = "DOCA_MEMDEBUG"
FRAMES = 16


def install(name: str) -> None:
    """Called once by a server at start-up, from the main thread."""
    where = os.environ.get(ENV)
    if not where:
        return
    import tracemalloc
    directory = pathlib.Path(where)
    directory.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(FRAMES)
    count = [0]
    lock = threading.Lock()

    def dump() -> None:
        with lock:
            count[0] += 1
            stem = directory / f"{name}-{os.getpid()}-{count[0]}"
            gc.collect()
            types: dict[str, int] = {}
            for obj in gc.get_objects():
                t = type(obj)
                key = f"{t.__module__}.{t.__qualname__}"
                types[key] = types.get(key, 0) + 1
            snapshot = tracemalloc.take_snapshot()
            snapshot.dump(f"{stem}.snap.part")
            os.rename(f"{stem}.snap.part", f"{stem}.snap")
            data = {"traced": tracemalloc.get_traced_memory()[0], "types": types}
            pathlib.Path(f"{stem}.json.part").write_text(json.dumps(data))
            os.rename(f"{stem}.json.part", f"{stem}.json")  # last: the dump is complete

    request = directory / f"{name}-{os.getpid()}.request"

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                request.unlink()
            except FileNotFoundError:
                continue
            dump()
    threading.Thread(target=watch, name="memdebug", daemon=True).start()
