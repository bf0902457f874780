"""The executor seam: what runs a container's bundle (OCI create, start,
delete). doca's own init (doca.py) or an external OCI runtime (oci.py);
__init__.py names them.

Two processes call an executor. The shim (container side) creates the
container's init, held before the user's process; the runtime service
checks a spec, starts the held init and deletes what the executor kept of
a container. Everything here is imported by the shim, on the path of every
container start: standard library only and nothing the shim would not load
anyway (no `typing`, no ABCMeta, no common.errors: each costs every shim
started afresh); a runtime-side method imports what only it needs inside
itself.
tests/unit/test_executors.py checks that every executor implements the
whole seam."""
import os


class Failed(Exception):
    """A create that failed: args[0] is the shim's report line,
    b"err CODE MESSAGE\\n"."""


class Executor:
    name: str  # --runtime's value

    # -- container side: in the shim, the container's rootfs mounted in its
    #    mount namespace, the network namespace joined --

    def create(self, state: str, cfg: dict, spec: dict, stdio: tuple[int, int, int]) -> tuple[int, int | None]:
        """Creates the container's init from the bundle (cfg["bundle"], its
        config.json is `spec`), held until start; `stdio` its fds 0-2 (a
        terminal's replace them). Returns (init pid, pty master of a
        terminal or None). The init is the shim's child, or reparented to it
        (the shim is a subreaper). Failed, or OSError, when it cannot be made."""
        raise NotImplementedError

    # -- runtime side: in the runtime service --

    def path(self) -> str | None:
        """What runs the containers (docker info's Runtimes); None: not on this host."""
        raise NotImplementedError

    def check(self, spec: dict) -> None:
        """At create, before anything exists: a DocaError when this executor
        cannot run the container spec (services/runtime/model.py's)."""
        raise NotImplementedError

    def start(self, cid: str, name: str, state_dir: os.PathLike, shim: tuple[int, int]) -> None:
        """Releases the held init (OCI start); returns once the user's
        process runs, FailedPrecondition when it cannot. `shim`: (pid,
        start time) of the container's shim."""
        raise NotImplementedError

    def delete(self, cid: str, state_dir: os.PathLike) -> None:
        """At the container's removal, its processes gone: what the executor
        keeps of it beyond the runtime's own files (OCI delete)."""
        raise NotImplementedError
