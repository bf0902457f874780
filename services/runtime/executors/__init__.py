"""The executors a container may run with (--runtime NAME), by name: the one
place that chooses. A new one is a class (base.Executor) and a line here.
Imported by the shim too: see base.py for what that allows."""
from services.runtime.executors.base import Executor, Failed  # noqa: F401 - the seam's names, for its users
from services.runtime.executors.doca import Doca
from services.runtime.executors.oci import Crun, Runc

DEFAULT = "doca"
EXECUTORS: dict[str, Executor] = {e.name: e for e in (
    Doca(),
    Runc(),
    Crun(),
)}


def named(name: str) -> Executor:
    """The executor --runtime NAME chooses ("": the default)."""
    executor = EXECUTORS.get(name or DEFAULT)
    if executor is None:
        from common.errors import InvalidArgument  # runtime side only (base.py)
        *others, last = EXECUTORS
        raise InvalidArgument(f"unknown runtime {name!r}: use {', '.join(others)} or {last}")
    return executor


def installed() -> dict[str, str]:
    """name -> path of the executors this host has (docker info's Runtimes)."""
    return {name: path for name, e in EXECUTORS.items() if (path := e.path())}
