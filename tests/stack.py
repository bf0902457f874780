"""A private doca stack for tests: its own root, run dir, bridge, subnet,
cgroup parent and metrics port, started with `doca daemon` and torn down
(containers removed, daemon stopped, files deleted) even when a test fails."""
import os
import pathlib
import random
import shutil
import signal
import socket
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"doca daemon exited {self.proc.returncode}:\n{self.log_text()}")
            if all(self.socket(n).exists() for n in ("doca", "runtime", "images", "network", "volumes")):
                r = self.doca("version", check=False, timeout=10)
                if r.returncode == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"stack not ready in {timeout}s:\n{self.log_text()}")

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except FileNotFoundError:
            return ""

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
        ids = self.doca("ps", "-aq", "--no-trunc", check=False).stdout.split()
        if ids:
            self.doca("rm", "-f", *ids, check=False)
        for name in self.doca("volume", "ls", "-q", check=False).stdout.split():
            self.doca("volume", "rm", "-f", name, check=False)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.remove_all()
            finally:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(40)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait()
        self.proc = None
        self.log.close()

    def destroy(self) -> None:
        """Stop and delete the stack's files."""
        self.stop()
        for path in reversed(mounts_under(self.run_dir)):
            LEFT_MOUNTED.append(path)
            subprocess.run(["umount", "-l", path], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)
