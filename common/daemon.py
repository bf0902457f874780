"""`doca daemon`: the whole stack in the foreground. Starts the four services
and the gateway as separate processes, restarts one that dies (with a
growing back-off), stops them all on SIGTERM/SIGINT (gateway first, so no new
work arrives while the services stop).

No grpc here: the supervisor only starts, watches and signals processes."""
import ctypes
import os
import pathlib
import signal
import subprocess
import sys
import time

from common import config, instance_lock, storeperms, tls

# Start order; stop order is the reverse (the CLI's fork server, then the
# gateway go first). The fork server is optional: the CLI works without it
# (gateway/cli/launch/), so readiness does not wait for it.
COMPONENTS = ("runtime", "images", "network", "volumes", "gateway", "docker", "cri", "cli")
OPTIONAL = ("cli",)
CODE_ROOT = pathlib.Path(__file__).resolve().parents[1]
STOP_GRACE = 15.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _command(name: str) -> list[str]:
    if name == "cli":  # no site, as doca-py: a worker imports what it needs
        return [sys.executable, "-E", "-s", "-S", "-m", "gateway.cli.launch.forkserver"]
    if name == "docker":  # the Docker Engine API face, a client of the gateway
        return [sys.executable, "-m", "gateway.docker"]
    if name == "cri":  # the Kubernetes CRI face, a client of the gateway
        return [sys.executable, "-m", "gateway.cri"]
    return [sys.executable, "-m", "gateway" if name == "gateway" else f"services.{name}"]


def _end_with(parent: int):
    """For the child, before exec: SIGTERM when the supervisor dies, however
    it dies (a SIGKILL leaves no one to stop the services, and a second
    daemon must not find them running unsupervised). Containers are not
    its children: they go on, as when the stack is stopped."""
    def arm():
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # it died before the line above
            os.kill(os.getpid(), signal.SIGTERM)
    return arm


class Supervisor:
    def __init__(self, cfg: config.Config):
        self.cfg = cfg
        self.flags = config.as_flags(cfg)
        self.procs: dict[str, subprocess.Popen] = {}
        self.failures: dict[str, list[float]] = {n: [] for n in COMPONENTS}
        self.stopping = False

    def say(self, text: str) -> None:
        sys.stderr.write(f"doca daemon: {text}\n")
        sys.stderr.flush()

    def spawn(self, name: str) -> None:
        self.procs[name] = subprocess.Popen(
            [*_command(name), *self.flags], cwd=CODE_ROOT, preexec_fn=_end_with(os.getpid()),
            stdin=subprocess.DEVNULL, start_new_session=True)  # signals come from us only

    def components(self) -> list[str]:
        off = {"docker": not self.cfg.docker_socket, "cri": not self.cfg.cri_socket}
        return [n for n in COMPONENTS if not off.get(n)]

    def start(self) -> None:
        storeperms.own_dirs(self.cfg)  # root's alone before any service writes there
        for name in self.components():
            self.spawn(name)
        self.say(f"started (root {self.cfg.root}, sockets in {self.cfg.run_dir}, "
                 f"metrics on http://{self.cfg.metrics_addr}/metrics)")

    def wait_ready(self, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        sockets = [self._socket(n) for n in self.components() if n not in OPTIONAL]
        while time.monotonic() < deadline and not self.stopping:
            if all(s.exists() for s in sockets):
                self.say("ready")
                return True
            self.reap()
            time.sleep(0.05)
        return False

    def _socket(self, name: str) -> pathlib.Path:
        if name == "docker":
            return pathlib.Path(self.cfg.docker_socket)
        if name == "cri":
            return pathlib.Path(self.cfg.cri_socket)
        return self.cfg.socket(name if name != "gateway" else "doca")

    def reap(self) -> None:
        """Restarts components that died, with back-off when one keeps dying."""
        for name, proc in list(self.procs.items()):
            code = proc.poll()
            if code is None or self.stopping:
                continue
            now = time.monotonic()
            recent = [t for t in self.failures[name] if now - t < 60] + [now]
            self.failures[name] = recent
            delay = min(0.2 * 2 ** (len(recent) - 1), 10.0)
            self.say(f"{name} exited with {code}; restarting in {delay:.1f}s")
            time.sleep(delay)
            if not self.stopping:
                self.spawn(name)

    def stop(self) -> None:
        self.stopping = True
        for name in reversed(COMPONENTS):
            proc = self.procs.get(name)
            if proc and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(STOP_GRACE)
                except subprocess.TimeoutExpired:
                    self.say(f"{name} did not stop in {STOP_GRACE:.0f}s; killing it")
                    proc.kill()
                    proc.wait()
        self.say("stopped")


def run(cfg: config.Config) -> int:
    if os.geteuid() != 0:
        sys.stderr.write("doca daemon: must run as root (namespaces, cgroups, mounts)\n")
        return 1
    try:
        tls.check(cfg)  # before anything starts: a bad TCP setting is one line, not a restart loop
    except tls.TLSConfigError as e:
        sys.stderr.write(f"doca daemon: {e}\n")
        return 1
    storeperms.own_dirs(cfg)
    try:
        instance_lock.hold(cfg.root, "daemon")
    except instance_lock.AlreadyRunning as e:
        sys.stderr.write(f"doca daemon: {e}\n")
        return 1
    sup = Supervisor(cfg)
    got = []

    def on_signal(signum, _frame):
        got.append(signum)
        sup.stopping = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sup.start()
    sup.wait_ready()
    while not got:
        sup.reap()
        time.sleep(0.2)
    sup.stop()
    return 0
