"""External OCI runtimes as executors (--runtime runc|crun): the shim calls
`RUNTIME create` on doca's bundle (the container then waits on the
runtime's own exec fifo), the runtime service `RUNTIME start`, and
`RUNTIME delete` comes with the container's removal (not at its exit: the
cgroup must outlive the process for its OOM count). Their state lives
under <state dir>/<name>, apart from the machine's own runc/crun state.

A new OCI runtime is a subclass naming its binary (and any quirk of it in
`prepare`), listed in __init__.py."""
import _socket
import os

from services.runtime import console_linux, syscalls as sc
from services.runtime.executors.base import Executor, Failed

# crun 1.8 refuses a "hybrid" host (v1 controllers plus a cgroup2 mount that
# lists one); inside a mount namespace of ours that file reads empty.
HYBRID_CONTROLLERS = "/sys/fs/cgroup/unified/cgroup.controllers"


def _run(argv: list[str], stdio: tuple[int, int, int] | None = None) -> int:
    """fork and exec (the shim has no subprocess: its import costs more
    than the rest of the shim's)."""
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


def last_error(log_path: str) -> str:
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


class _ConsoleSocket:
    """Where `RUNTIME create --console-socket PATH` sends a terminal's
    master (SCM_RIGHTS), as doca's own init sends it. A unix socket path
    has at most 107 bytes: PATH goes through a descriptor of the state
    dir, /proc/self/fd/N/console, which the runtime inherits as N."""

    def __init__(self, state: str):
        self.dir_fd = os.open(state, os.O_PATH | os.O_DIRECTORY)
        os.set_inheritable(self.dir_fd, True)  # the runtime's /proc/self/fd/N too
        self.path = f"/proc/self/fd/{self.dir_fd}/console"
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        self.sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(1)

    def receive(self) -> int:
        """The master; the runtime has connected and sent it by the time its create returned."""
        self.sock.settimeout(10)
        conn = _socket.socket(fileno=self.sock._accept()[0])  # (the socket module's accept(), without its import)
        try:
            return console_linux.recv_fd(conn)
        finally:
            conn.close()

    def close(self) -> None:
        self.sock.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        os.close(self.dir_fd)


class OciRuntime(Executor):
    paths: tuple[str, ...] = ()  # where the binary may be installed, first found wins

    def prepare(self, state: str) -> None:
        """Before the binary runs, in a mount namespace of ours (the shim's,
        or delete's helper's): a quirk of the runtime worked around."""

    def root(self, state: os.PathLike) -> str:
        return os.path.join(state, self.name)

    # -- container side --

    def create(self, state: str, cfg: dict, spec: dict, stdio: tuple[int, int, int]) -> tuple[int, int | None]:
        exe = self.path()
        if exe is None:
            raise OSError(f"the OCI runtime {self.name} is not installed")
        self.prepare(state)
        self.delete_here(state, cfg["id"])  # a previous run's state (a restart reuses the id)
        pid_file = os.path.join(state, f"{self.name}.pid")
        log = os.path.join(state, f"{self.name}.log")
        argv = [exe, "--root", self.root(state), "--log", log, "--log-format", "json", "create",
                "--bundle", cfg["bundle"], "--pid-file", pid_file]
        console = _ConsoleSocket(state) if spec["process"].get("terminal") else None
        try:
            code = _run(argv + (["--console-socket", console.path] if console else []) + [cfg["id"]], stdio)
            if code != 0:
                raise Failed(f"err 125 {self.name} create failed: {last_error(log) or f'exit {code}'}\n".encode())
            with open(pid_file) as f:
                pid = int(f.read().strip())
            return pid, console.receive() if console else None
        finally:
            if console:
                console.close()

    def delete_here(self, state: str, cid: str) -> None:
        """`RUNTIME delete --force` in this process's mount namespace (prepared)."""
        exe = self.path()
        if exe:
            null = os.open("/dev/null", os.O_RDWR)
            try:
                _run([exe, "--root", self.root(state), "delete", "--force", cid], (null, null, null))
            finally:
                os.close(null)

    # -- runtime side --

    def path(self) -> str | None:
        return next((p for p in self.paths if os.access(p, os.X_OK)), None)

    def check(self, spec: dict) -> None:
        from common.errors import FailedPrecondition  # runtime side only (base.py)
        if self.path() is None:
            raise FailedPrecondition(f"the OCI runtime {self.name} is not installed on this host")

    def start(self, cid: str, name: str, state_dir: os.PathLike, shim: tuple[int, int]) -> None:
        import subprocess  # runtime side only (base.py)

        from common.errors import FailedPrecondition
        r = subprocess.run([self.path(), "--root", self.root(state_dir), "start", cid],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise FailedPrecondition(f"{self.name} start failed: {r.stderr.strip() or r.returncode}")

    def delete(self, cid: str, state_dir: os.PathLike) -> None:
        # In a helper process: the runtime service's own mount namespace is
        # the host's, and prepare() may mount (executors/__main__.py).
        import subprocess  # runtime side only (base.py)
        import sys

        from services.runtime.shim_client import CODE_ROOT
        subprocess.run([sys.executable, "-E", "-S", "-m", "services.runtime.executors", "delete", self.name,
                        str(state_dir), cid], cwd=CODE_ROOT, capture_output=True, timeout=60)


class Runc(OciRuntime):
    name = "runc"
    paths = ("/usr/sbin/runc", "/usr/bin/runc")

    def check(self, spec: dict) -> None:
        super().check(spec)
        if spec.userns.size:
            # Its init, in the container's user namespace, binds the rootfs
            # by path: the runtime's state dir (0700, root's) is closed to it.
            from common.errors import FailedPrecondition
            raise FailedPrecondition("--userns-remap with --runtime runc is not supported: "
                                     "use doca's own runtime or crun")


class Crun(OciRuntime):
    name = "crun"
    paths = ("/usr/bin/crun", "/usr/sbin/crun")

    def prepare(self, state: str) -> None:
        mask_hybrid_cgroup2(state)
