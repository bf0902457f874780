"""What the images service has done since it started, for the gateway's
metrics (doca_pulled_bytes_total, ...): bytes moved to and from registries,
build cache lookups. In memory only: Prometheus reads a reset counter as a
restart, so nothing is lost by starting from zero."""
import threading

PULLED_BYTES = "pulled_bytes"
PUSHED_BYTES = "pushed_bytes"
BUILD_CACHE_HITS = "build_cache_hits"
BUILD_CACHE_MISSES = "build_cache_misses"

_lock = threading.Lock()
_values = dict.fromkeys((PULLED_BYTES, PUSHED_BYTES, BUILD_CACHE_HITS, BUILD_CACHE_MISSES), 0)


def add(name: str, n: int = 1) -> None:
    with _lock:
        _values[name] += n


def snapshot() -> dict[str, int]:
    with _lock:
        return dict(_values)
