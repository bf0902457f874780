"""The tty resizers of the attaches in progress: POST /containers/{id}/resize
reaches the container's terminal through the attach stream that carries it
(doca.v1 Attach takes window sizes in its input). The attach endpoint
registers a resizer while its stream is open; resize calls the latest one."""
import threading
from typing import Callable

_lock = threading.Lock()
_resizers: dict[str, list[Callable[[int, int], None]]] = {}


def register(container_id: str, resize_fn: Callable[[int, int], None]) -> Callable[[], None]:
    """resize_fn(rows, cols) for the container's full id; the function returned
    unregisters it (call it when the attach ends)."""
    with _lock:
        _resizers.setdefault(container_id, []).append(resize_fn)

    return lambda: unregister(container_id, resize_fn)


def unregister(container_id: str, resize_fn: Callable[[int, int], None]) -> None:
    """The attach that registered resize_fn has ended."""
    with _lock:
        fns = _resizers.get(container_id, [])
        if resize_fn in fns:
            fns.remove(resize_fn)
        if not fns:
            _resizers.pop(container_id, None)


def resize(container_id: str, h: int, w: int) -> bool:
    """Resizes through the newest attach; False when none is open."""
    with _lock:
        fns = list(_resizers.get(container_id, ()))
    if not fns:
        return False
    fns[-1](h, w)
    return True
