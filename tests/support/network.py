"""Fixtures and helpers for the network service's tests (no tests here).

Each test gets a private stack: a temporary root, a unique bridge name
("dtn" + hex) and a /24 (or smaller) of 10.199.0.0/16 that nothing on the
host uses yet. Test namespaces are `unshare --net sleep` processes. Every
process gets PR_SET_PDEATHSIG, so even a killed pytest leaves none behind,
and the teardown kills the namespaces, stops the service and deletes
whatever is left on the test's own bridge, then the bridge.
"""
import ipaddress
import json
import os
import pathlib
import random
import secrets
import shutil
import signal
import subprocess
import time

import grpc
import pytest

from common.channel import connect
from doca.network.v1 import network_pb2 as pb
from doca.network.v1 import network_pb2_grpc
from services.network.firewall import Firewall
from tests.support.waiting import wait_for

REPO = pathlib.Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python")


def die_with_parent(cmd: list[str], sig: str = "KILL") -> list[str]:
    """`cmd` under PR_SET_PDEATHSIG (set by setpriv, kept across exec): no
    preexec_fn, which is unsafe in a process with gRPC's threads."""
    return ["setpriv", f"--pdeathsig={sig}", "--", *cmd]


def ip_json(*args, netns: str | None = None):
    cmd = ["ip", "-j", *args]
    if netns:
        cmd = ["nsenter", f"--net={netns}", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return json.loads(out.stdout or "[]")


def link(name: str, netns: str | None = None) -> dict | None:
    found = ip_json("-d", "link", "show", "dev", name, netns=netns)
    return found[0] if found else None


def ports_of(bridge: str) -> list[str]:
    return [p["ifname"] for p in (ip_json("link", "show", "master", bridge) or [])]


def ipv4_of(name: str, netns: str | None = None) -> list[str]:
    out = []
    for entry in ip_json("-4", "addr", "show", "dev", name, netns=netns) or []:
        for a in entry.get("addr_info", []):
            out.append(f"{a['local']}/{a['prefixlen']}")
    return out


def wait_until(predicate, timeout=5.0, interval=0.05):
    return wait_for(predicate, timeout, interval)


def ping_command() -> list[str]:
    if shutil.which("ping"):
        return ["ping"]
    if shutil.which("busybox"):
        return ["busybox", "ping"]
    pytest.fail("neither ping nor busybox is installed")


def ping(netns: str, address: str, attempts: int = 3) -> bool:
    """One echo from inside `netns` (only to addresses the test made)."""
    for _ in range(attempts):
        r = subprocess.run(["nsenter", f"--net={netns}", *ping_command(), "-c1", "-W1", address],
                           capture_output=True, text=True)
        if r.returncode == 0:
            return True
    return False


def _used_networks() -> list[ipaddress.IPv4Network]:
    used = []
    for r in ip_json("-4", "route", "show", "table", "main") or []:
        if r.get("dst") and r["dst"] != "default":
            used.append(ipaddress.ip_network(r["dst"], strict=False))
    for entry in ip_json("-4", "addr") or []:
        for a in entry.get("addr_info", []):
            used.append(ipaddress.ip_interface(f"{a['local']}/{a['prefixlen']}").network)
    return used


def free_subnet(prefix: int = 24) -> str:
    """A random subnet of 10.199.0.0/16 that overlaps nothing on the host."""
    used = _used_networks()
    for _ in range(200):
        third = random.randrange(256)
        fourth = random.randrange(0, 256, 2 ** (32 - prefix)) if prefix > 24 else 0
        candidate = ipaddress.ip_network(f"10.199.{third}.{fourth}/{prefix}")
        if not any(candidate.overlaps(u) for u in used):
            return str(candidate)
    pytest.fail("no free subnet in 10.199.0.0/16")


def unique_bridge() -> str:
    return "dtn" + secrets.token_hex(4)


class Service:
    """One network service process of a private stack."""

    def __init__(self, root: pathlib.Path, bridge: str, subnet: str):
        self.root = pathlib.Path(root)
        self.bridge = bridge
        self.subnet = subnet
        self.proc: subprocess.Popen | None = None
        self.socket = self.root / "run" / "network.sock"
        self.log_path = self.root / "network.log"
        self._channel = None
        self.stub = None

    def command(self) -> list[str]:
        return [PYTHON, "-m", "services.network", "--root", str(self.root),
                "--run-dir", str(self.root / "run"), "--bridge", self.bridge, "--subnet", self.subnet]

    def start(self, timeout: float = 15.0) -> "Service":
        assert self.proc is None or self.proc.poll() is not None
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(die_with_parent(self.command(), "TERM"), cwd=REPO,
                                         stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"network service exited with {self.proc.returncode}:\n{self.log()}")
            if self.socket.exists():
                channel = connect(self.socket)
                try:
                    grpc.channel_ready_future(channel).result(timeout=1)
                    self._channel = channel
                    self.stub = network_pb2_grpc.NetworkStub(channel)
                    return self
                except grpc.FutureTimeoutError:
                    channel.close()
            time.sleep(0.05)
        raise AssertionError(f"network service did not come up:\n{self.log()}")

    def stop(self, sig=signal.SIGTERM, timeout: float = 15.0) -> int | None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self.stub = None
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"network service ignored {sig!r}:\n{self.log()}")

    def restart(self) -> "Service":
        assert self.stop() == 0, self.log()
        return self.start()

    def log(self) -> str:
        try:
            return self.log_path.read_text()
        except FileNotFoundError:
            return ""

    def network(self) -> pb.NetworkInfo:
        return self.stub.List(pb.ListRequest()).networks[0]

    def attach(self, container_id: str, netns_path: str, network: str = "") -> pb.Endpoint:
        return self.stub.Attach(pb.AttachRequest(container_id=container_id, network=network,
                                                 netns_path=netns_path))

    def detach(self, container_id: str) -> None:
        self.stub.Detach(pb.DetachRequest(container_id=container_id))

    def endpoints(self, container_id: str = "") -> list[pb.Endpoint]:
        return list(self.stub.ListEndpoints(pb.ListEndpointsRequest(container_id=container_id)).endpoints)

    def allocations(self) -> dict:
        data = json.loads((self.root / "network" / "ipam" / "bridge.json").read_text())
        return data["allocated"]


class Namespace:
    """A network namespace held by an `unshare --net sleep` process."""

    def __init__(self):
        self.proc = subprocess.Popen(die_with_parent(["unshare", "--net", "sleep", "600"]))
        self.path = f"/proc/{self.proc.pid}/ns/net"
        own = os.stat("/proc/self/ns/net").st_ino
        if not wait_until(lambda: _inode(self.path) not in (None, own), timeout=5):
            self.kill()
            raise AssertionError("unshare did not make a network namespace")

    def run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["nsenter", f"--net={self.path}", *cmd], capture_output=True,
                              text=True, check=check)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def _inode(path: str):
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def cleanup_bridge(bridge: str) -> None:
    """Deletes what is left on the test's own bridge, then the bridge, and
    the stack's firewall rules (tagged with the bridge's name), which a
    service stopped with endpoints attached, or killed, leaves."""
    wait_until(lambda: not ports_of(bridge), timeout=5)  # dying namespaces take their veths
    for port in ports_of(bridge):
        subprocess.run(["ip", "link", "del", port], capture_output=True)
    if link(bridge) is not None:
        subprocess.run(["ip", "link", "del", bridge], capture_output=True)
    Firewall(bridge).remove()
