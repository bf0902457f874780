"""A private dockerd (Debian's docker.io, 20.10) for the differential suite
(tests/compat): its socket, config, data-root, exec-root, PID file and log
under one temporary directory, its containers' cgroups under a parent of its
own, and no host network state touched (no bridge, no iptables rules, no
ip_forward, no masquerading). stop() puts everything back even when the
daemon is wedged: containers, processes, mounts, cgroups, files, and the
/run directories dockerd and its containerd create outside the exec-root.

A dockerd already running on the host (the peers kit's on
/run/doca-peers-docker.sock, a system one) is never touched."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile

from tests.support import teardown
from tests.support.stack import mounts_under
from tests.support.waiting import log_tail, wait_answering

DOCKER = "/usr/bin/docker"  # docker.io's 20.10 client: /usr/local/bin/docker may be a 28.x one
DOCKERD = "/usr/sbin/dockerd"
# Created by dockerd (plugins) and its containerd (shim sockets) whatever the
# exec-root says: removed at stop when they were not there before.
RUN_DIRS = ("/run/docker", "/run/containerd")
# Every daemon the session started, for the leak check.
STARTED: list["Dockerd"] = []


def available() -> bool:
    return os.access(DOCKER, os.X_OK) and os.access(DOCKERD, os.X_OK)


# Nothing leaves the machine: a pull from a registry other than loopback
# (Docker Hub, for a name that is not local) goes to a proxy on a closed
# loopback port and fails there, before any DNS lookup. Loopback registries
# stay direct.
OFFLINE_ENV = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
               "NO_PROXY": "127.0.0.1,localhost,::1"}


class Dockerd:
    def __init__(self, base: pathlib.Path | None = None):
        self.base = pathlib.Path(base or tempfile.mkdtemp(prefix="doca-compat-dockerd-"))
        self.sock = self.base / "docker.sock"
        self.host = f"unix://{self.sock}"
        self.data_root = self.base / "data"
        self.exec_root = self.base / "exec"
        self.pidfile = self.base / "dockerd.pid"
        self.log_path = self.base / "dockerd.log"
        self.client_config = self.base / "client"  # DOCKER_CONFIG: nothing written to ~/.docker
        self.cgroup_parent = f"doca-compat-{os.urandom(3).hex()}"
        self.proc: subprocess.Popen | None = None
        self._had_run_dirs = {d: os.path.exists(d) for d in RUN_DIRS}
        self._ip_forward = _read("/proc/sys/net/ipv4/ip_forward")

    def start(self, timeout: float = 60) -> "Dockerd":
        self.client_config.mkdir(parents=True, exist_ok=True)
        config = self.base / "daemon.json"
        # Own config file, so nothing of /etc/docker/daemon.json leaks in; the
        # key path keeps dockerd 20.10 from writing /etc/docker/key.json.
        config.write_text(json.dumps({"deprecated-key-path": str(self.base / "key.json")}))
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [DOCKERD, "-H", self.host, "--config-file", str(config),
             "--data-root", str(self.data_root), "--exec-root", str(self.exec_root),
             "--pidfile", str(self.pidfile), "--cgroup-parent", f"/{self.cgroup_parent}",
             "--bridge", "none", "--iptables=false", "--ip6tables=false", "--ip-forward=false",
             "--ip-masq=false", "--userland-proxy=false", "--storage-driver", "overlay2"],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL, cwd="/", start_new_session=True,
            env=OFFLINE_ENV)
        STARTED.append(self)
        wait_answering(self.proc, self._answers, "dockerd", self.log_text, timeout, interval=0.1)
        return self

    def _answers(self) -> bool:
        return self.sock.exists() and self.docker("version", timeout=10).returncode == 0

    def log_text(self) -> str:
        return log_tail(self.log_path)

    def env(self) -> dict:
        return {**os.environ, "DOCKER_HOST": self.host, "DOCKER_CONFIG": str(self.client_config)}

    def docker(self, *args, timeout: float = 60, input=None) -> subprocess.CompletedProcess:
        return subprocess.run([DOCKER, *args], env=self.env(), capture_output=True, timeout=timeout,
                              input=input, text=isinstance(input, str) or input is None)

    def stop(self, timeout: float = 30) -> None:
        """Containers removed, dockerd stopped (its containerd with it),
        then whatever a wedged daemon left cleaned by hand. Idempotent."""
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    ids = self.docker("ps", "-aq", timeout=30).stdout.split()
                    if ids:
                        self.docker("rm", "-f", *ids, timeout=60)
                except subprocess.TimeoutExpired:
                    pass
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    pass
            self.proc = None
            self.log.close()
        teardown.thaw(self.cgroup_dirs())
        teardown.kill_until_gone(self.processes)
        for path in reversed(mounts_under(self.base)):
            subprocess.run(["umount", "-l", path], capture_output=True)
        teardown.remove_cgroups(self.cgroup_dirs())
        self._put_back_host()
        shutil.rmtree(self.base, ignore_errors=True)

    def processes(self) -> list[int]:
        """dockerd, its containerd and shims (all name the base dir), and
        whatever runs in its containers' cgroups."""
        return sorted(teardown.pids_of((str(self.base).encode(),)) | teardown.pids_in(self.cgroup_dirs()))

    def cgroup_dirs(self) -> list[pathlib.Path]:
        return teardown.cgroup_dirs(self.cgroup_parent)

    def _put_back_host(self) -> None:
        if self._ip_forward and _read("/proc/sys/net/ipv4/ip_forward") != self._ip_forward:
            pathlib.Path("/proc/sys/net/ipv4/ip_forward").write_text(self._ip_forward)
        if _other_dockerd_running():
            return  # its containerd may use /run/containerd/s
        for d, had in self._had_run_dirs.items():
            if not had and os.path.isdir(d):
                # only empty directories: a daemon started meanwhile keeps its files
                subprocess.run(["find", d, "-depth", "-type", "d", "-empty", "-delete"], capture_output=True)

    def leftovers(self) -> list[str]:
        """What of the daemon is still there (empty once it is all gone)."""
        left = [f"dockerd process {pid}" for pid in self.processes()]
        left += [f"dockerd cgroup {d}" for d in self.cgroup_dirs()]
        left += [f"dockerd mount {m}" for m in mounts_under(self.base)]
        left += [f"dockerd dir {self.base}"] if self.base.exists() else []
        if not _other_dockerd_running():
            left += [f"dockerd left {d}" for d, had in self._had_run_dirs.items() if not had and os.path.exists(d)]
        return left


def _read(path: str) -> str:
    try:
        return pathlib.Path(path).read_text().strip()
    except OSError:
        return ""


def _other_dockerd_running() -> bool:
    ours = {d.proc.pid for d in STARTED if d.proc is not None}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            head, _, tail = stat.read_text().rpartition(") ")
        except OSError:
            continue
        # "pid (comm) state ...": a zombie (killed, not yet reaped) does not run
        if head.partition(" (")[2] == "dockerd" and tail[:1] != "Z" and int(stat.parent.name) not in ours:
            return True
    return False
