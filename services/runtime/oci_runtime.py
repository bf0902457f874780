"""Running the bundle with an external OCI runtime (runc, crun) instead of
doca's own init: the shim calls `RUNTIME create` (the container then waits
on the runtime's own exec fifo), the runtime service `RUNTIME start`, and
`RUNTIME delete` comes with the container's removal (not at its exit: the
cgroup must outlive the process for its OOM count). State lives under
<state>/<runtime>, apart from the machine's own runc/crun state. Standard
library only: the shim imports this."""
import os

from services.runtime import syscalls as sc

BINARIES = {"runc": ("/usr/sbin/runc", "/usr/bin/runc"), "crun": ("/usr/bin/crun", "/usr/sbin/crun")}
# crun 1.8 refuses a "hybrid" host (v1 controllers plus a cgroup2 mount that
# lists one); inside the shim's own mount namespace that file reads empty.
HYBRID_CONTROLLERS = "/sys/fs/cgroup/unified/cgroup.controllers"


def binary(name: str) -> str | None:
    return next((p for p in BINARIES.get(name, ()) if os.access(p, os.X_OK)), None)


def _run(argv: list[str], stdio: tuple[int, int, int] | None = None) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            if stdio:
                for target, fd in enumerate(stdio):
                    os.dup2(fd, target)
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _last_error(log_path: str) -> str:
    """The last message of the runtime's JSON log ("msg" of the last line)."""
    try:
        with open(log_path, "rb") as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
    except FileNotFoundError:
        return ""
    if not lines:
        return ""
    text = lines[-1].decode(errors="replace")
    start = text.find('"msg":"')
    if start < 0:
        return text
    end = text.find('"', start + 7)
    while end > 0 and text[end - 1] == "\\":
        end = text.find('"', end + 1)
    return text[start + 7:end].replace('\\"', '"')


def mask_hybrid_cgroup2(state: str) -> None:
    try:
        with open(HYBRID_CONTROLLERS) as f:
            if not f.read().strip():
                return
    except OSError:
        return
    empty = os.path.join(state, "empty-controllers")
    open(empty, "w").close()
    sc.mount(empty, HYBRID_CONTROLLERS, None, sc.MS_BIND, None)


def create(name: str, state: str, cid: str, bundle: str, stdio: tuple[int, int, int]) -> int:
    """`RUNTIME create`; returns the container init's pid (our child once
    the runtime's own process exits: the shim is a subreaper)."""
    exe = binary(name)
    if exe is None:
        raise OSError(f"the OCI runtime {name} is not installed")
    if name == "crun":
        mask_hybrid_cgroup2(state)
    root = os.path.join(state, name)
    delete(name, state, cid)  # a previous run's state (a restart reuses the id)
    pid_file = os.path.join(state, f"{name}.pid")
    log = os.path.join(state, f"{name}.log")
    code = _run([exe, "--root", root, "--log", log, "--log-format", "json", "create",
                 "--bundle", bundle, "--pid-file", pid_file, cid], stdio)
    if code != 0:
        raise OSError(f"{name} create failed: {_last_error(log) or f'exit {code}'}")
    with open(pid_file) as f:
        return int(f.read().strip())


def delete(name: str, state: str, cid: str) -> None:
    exe = binary(name)
    if exe:
        null = os.open("/dev/null", os.O_RDWR)
        try:
            _run([exe, "--root", os.path.join(state, name), "delete", "--force", cid], (null, null, null))
        finally:
            os.close(null)


def main(argv: list[str]) -> int:
    """`python -E -S -m services.runtime.oci_runtime delete NAME STATE ID`:
    the runtime service's way to delete, in a mount namespace of this
    process's own (crun needs the hybrid mask there too)."""
    if len(argv) != 4 or argv[0] != "delete":
        return 2
    _, name, state, cid = argv
    sc.unshare(sc.CLONE_NEWNS)
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_SLAVE, None)
    if name == "crun":
        mask_hybrid_cgroup2(state)
    delete(name, state, cid)
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
