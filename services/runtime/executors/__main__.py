"""`python -E -S -m services.runtime.executors delete NAME STATE_DIR ID`: an
OCI runtime's delete, run by the runtime service in a mount namespace of
this process's own (prepare() may mount there: crun's hybrid mask)."""
import sys

from services.runtime import syscalls as sc
from services.runtime.executors import EXECUTORS
from services.runtime.executors.oci import OciRuntime


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] != "delete":
        return 2
    _, name, state, cid = argv
    executor = EXECUTORS.get(name)
    if not isinstance(executor, OciRuntime):
        return 2
    sc.unshare(sc.CLONE_NEWNS)
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_SLAVE, None)
    executor.prepare(state)
    executor.delete_here(state, cid)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
