"""A private doca stack for tests: its own root, run dir, bridge, subnet,
cgroup parent and metrics port, started with `doca daemon` and torn down
(containers removed, daemon stopped, files deleted) even when a test fails."""
import contextlib
import os
import pathlib
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

from tests.support import teardown
from tests.support.waiting import log_tail, wait_answering

REPO = pathlib.Path(__file__).resolve().parents[2]
VENV_BIN = pathlib.Path(sys.executable).parent
DOCA = str(VENV_BIN / "doca")  # the front end: the fork server, else doca-py
DOCA_PY = str(VENV_BIN / "doca-py")  # the Python CLI itself

# Every stack the session started, so the final leak test can stop them all.
STARTED: list["Stack"] = []
# Mounts a stopped stack left under its run dir (the runtime's tmpfs must go
# with the stack): unmounted by destroy(), reported by the final leak test.
LEFT_MOUNTED: list[str] = []


def mounts_under(path: pathlib.Path) -> list[str]:
    prefix = str(path).rstrip("/") + "/"
    with open("/proc/self/mountinfo") as f:
        return [p for p in (line.split()[4] for line in f) if p.startswith(prefix)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _used_subnets() -> str:
    return subprocess.run(["ip", "-o", "-4", "addr"], capture_output=True, text=True).stdout


def free_subnet() -> str:
    used = _used_subnets()
    while True:
        a, b = random.randint(150, 250), random.randint(0, 255)
        if f" 10.{a}.{b}." not in used:
            return f"10.{a}.{b}.0/24"


class Stack:
    def __init__(self, base: pathlib.Path, name: str = "s", daemon_env: dict | None = None):
        self.daemon_env = daemon_env or {}
        self.base = pathlib.Path(base)
        tag = os.urandom(3).hex()
        self.root = self.base / f"root-{name}"
        self.run_dir = self.base / f"run-{name}"
        self.bridge = f"dt{tag}"
        self.subnet = free_subnet()
        self.gateway_ip = self.subnet.rsplit(".", 1)[0] + ".1"
        self.metrics_addr = f"127.0.0.1:{free_port()}"
        self.cgroup_parent = f"doca-test-{tag}"
        self.host = f"unix://{self.run_dir}/doca.sock"
        self.docker_host = f"unix://{self.run_dir}/docker.sock"  # the Docker Engine API face
        self.cri_endpoint = f"unix://{self.run_dir}/cri.sock"  # the Kubernetes CRI face
        self.log_path = self.base / f"daemon-{name}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def flags(self) -> list[str]:
        return ["--root", str(self.root), "--run-dir", str(self.run_dir), "--bridge", self.bridge,
                "--subnet", self.subnet, "--metrics-addr", self.metrics_addr,
                "--cgroup-parent", self.cgroup_parent]

    def socket(self, name: str) -> pathlib.Path:
        return self.run_dir / f"{name}.sock"

    def start(self, timeout: float = 60) -> "Stack":
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([DOCA, "daemon", *self.flags], stdout=self.log, stderr=self.log,
                                     env={**os.environ, **self.daemon_env}, cwd="/", start_new_session=True)
        if self not in STARTED:
            STARTED.append(self)
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        wait_answering(self.proc, self._answers, "doca daemon", self.log_text, timeout)

    def _answers(self) -> bool:
        return (all(self.socket(n).exists() for n in ("doca", "runtime", "images", "network", "volumes", "docker", "cri"))
                and self.doca("version", check=False, timeout=10).returncode == 0)

    def log_text(self) -> str:
        return log_tail(self.log_path)

    def env(self) -> dict:
        env = dict(os.environ)
        env["DOCA_HOST"] = self.host
        return env

    def doca(self, *args, check: bool = True, timeout: float = 120, input=None) -> subprocess.CompletedProcess:
        r = subprocess.run([DOCA, *args], env=self.env(), capture_output=True, timeout=timeout,
                           input=input, text=isinstance(input, str) or input is None)
        if check and r.returncode != 0:
            lost = ("unavailable", "Cannot connect", "gateway closed", "gateway went away")
            tail = f"\ndaemon log:\n{self.log_text()[-3000:]}" if any(w in str(r.stderr) for w in lost) else ""
            raise AssertionError(f"doca {' '.join(args)} exited {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}{tail}")
        return r

    def run(self, *args, **kw) -> str:
        """`doca run --rm ARGS`; returns stdout."""
        return self.doca("run", "--rm", *args, **kw).stdout

    def remove_all(self) -> None:
        ids = self.doca("ps", "-aq", "--no-trunc", check=False, timeout=60).stdout.split()
        if ids:
            self.doca("rm", "-f", *ids, check=False, timeout=60)
        for name in self.doca("volume", "ls", "-q", check=False).stdout.split():
            self.doca("volume", "rm", "-f", name, check=False)

    def stop(self, timeout: float = 40) -> None:
        """Containers removed (their endpoints first: the network service
        removes the bridge and its rules on a clean stop only when none is
        left), then the daemon stopped; its process group killed after
        `timeout` seconds."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.remove_all()
            finally:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    _killpg(self.proc.pid)
                    self.proc.wait()
        self.proc = None
        self.log.close()

    def destroy(self) -> None:
        """Stop and delete the stack's files. A stack that does not stop
        cleanly (a command times out, the daemon is wedged) is cleaned up by
        force_clean(), then the error is raised again."""
        try:
            self.stop()
        except BaseException:
            self.force_clean()
            raise
        for path in reversed(mounts_under(self.run_dir)):
            LEFT_MOUNTED.append(path)
            subprocess.run(["umount", "-l", path], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    # -- forced clean-up: nothing of the stack asked, everything done by hand --
    def service_pid(self, module: str) -> int:
        """The pid of one of the stack's programs, by its module
        ("services.runtime", "gateway"...); exactly one must run."""
        out = subprocess.run(["pgrep", "-f", "--", f"-m {module} --root {self.root} "],
                             capture_output=True, text=True).stdout.split()
        assert len(out) == 1, (module, out)
        return int(out[0])

    def processes(self) -> list[int]:
        """Pids whose command line names the stack's root or run dir (the
        daemon, its services, the shims), the daemon's process group, and
        every process in a cgroup under the stack's cgroup parent."""
        marks = (str(self.root).encode(), str(self.run_dir).encode())
        group = self.proc.pid if self.proc is not None else None
        return sorted(teardown.pids_of(marks, group) | teardown.pids_in(self.cgroup_dirs()))

    def cgroup_dirs(self) -> list[pathlib.Path]:
        """The cgroups under the stack's parent, in every hierarchy, deepest first."""
        return teardown.cgroup_dirs(self.cgroup_parent)

    def force_clean(self) -> None:
        """Everything of the stack, whatever state it is in: processes
        killed (the daemon's group, services, shims, containers: thawed
        first), the bridges and their veths deleted, the DOCA-<bridge>-*
        iptables chains in filter and nat and the rules jumping to them (or
        tagged with the stack's comment) deleted, mounts under the run dir
        and root unmounted, cgroups under the cgroup parent removed, files
        deleted. Idempotent; never raises."""
        teardown.thaw(self.cgroup_dirs())
        if self.proc is not None:
            _killpg(self.proc.pid)
        teardown.kill_until_gone(self.processes)
        if self.proc is not None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
            self.log.close()
        self._clean_links()
        self._clean_iptables()
        for base in (self.run_dir, self.root):
            for path in reversed(mounts_under(base)):
                subprocess.run(["umount", "-l", path], capture_output=True)
        teardown.remove_cgroups(self.cgroup_dirs())
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def _clean_links(self) -> None:
        # User-defined networks' bridges are named "<default bridge, 8 chars>-<6 hex>".
        links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        bridges = [self.bridge] + [line.split(":")[1].strip().split("@")[0] for line in links.splitlines()
                                   if line.split(":")[1].strip().startswith(f"{self.bridge[:8]}-")]
        for line in links.splitlines():  # host ends of the veths first
            name = line.split(":")[1].strip().split("@")[0]
            if any(f" master {b} " in line for b in bridges):
                subprocess.run(["ip", "link", "del", name], capture_output=True)
        for b in bridges:
            subprocess.run(["ip", "link", "del", b], capture_output=True)

    def _clean_iptables(self) -> None:
        prefix, comment = f"DOCA-{self.bridge}-", f"doca {self.bridge}"
        for table in ("filter", "nat"):
            rules = subprocess.run(["iptables", "-w", "-t", table, "-S"], capture_output=True, text=True).stdout
            chains = []
            for line in rules.splitlines():
                words = line.split()
                if line.startswith("-N ") and words[1].startswith(prefix):
                    chains.append(words[1])
                elif line.startswith("-A ") and not words[1].startswith(prefix) and (
                        prefix in line or f'"{comment}"' in line or f'"{comment} ' in line):
                    # A jump into our chains, or a rule tagged as ours, in someone else's chain.
                    subprocess.run(["sh", "-c", f"iptables -w -t {table} -D {line[3:]}"], capture_output=True)
            for chain in chains:
                subprocess.run(["iptables", "-w", "-t", table, "-F", chain], capture_output=True)
            for chain in chains:
                subprocess.run(["iptables", "-w", "-t", table, "-X", chain], capture_output=True)

    def leftovers(self) -> list[str]:
        """What of the stack is still there (empty once it is all gone)."""
        left = [f"process {pid}" for pid in self.processes()]
        links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        left += [f"link {line.split(':')[1].strip()}" for line in links.splitlines()
                 if f" {self.bridge}:" in line or f" {self.bridge[:8]}-" in line or f" master {self.bridge} " in line]
        for table in ("filter", "nat"):
            rules = subprocess.run(["iptables", "-w", "-t", table, "-S"], capture_output=True, text=True).stdout
            left += [f"{table}: {line}" for line in rules.splitlines()
                     if f"DOCA-{self.bridge}-" in line or f'"doca {self.bridge}' in line]
        left += [f"cgroup {d}" for d in self.cgroup_dirs()]
        left += [f"mount {m}" for base in (self.run_dir, self.root) for m in mounts_under(base)]
        return left


@contextlib.contextmanager
def temp_stack(prefix: str, name: str, mode: int | None = None):
    """A started stack in a temporary directory of its own (chmod `mode`),
    destroyed with the directory at the end (also when it failed to start)."""
    base = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    if mode is not None:
        base.chmod(mode)
    s = Stack(base, name)
    try:
        s.start()
        yield s
    finally:
        s.destroy()
        shutil.rmtree(base, ignore_errors=True)


def _killpg(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
