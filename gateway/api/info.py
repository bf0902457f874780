"""docker info: a Docker-shaped document (Docker's field names) from the
services (containers by state, images) and the host the engine runs on
(the gateway runs beside the services)."""
import datetime
import hashlib
import os
import platform
import socket
import threading

from common.version import VERSION
from doca.images.v1 import images_pb2 as ipb
from doca.runtime.v1 import runtime_pb2 as rpb
from gateway.api.clients import Clients

INSECURE_ENV = "DOCA_INSECURE_REGISTRIES"
# The images service's defaults: loopback registries may be plain HTTP.
DEFAULT_INSECURE = ("127.0.0.0/8", "::1/128")
TINI = "/usr/bin/tini-static"
_FS_NAMES = {0xEF53: "extfs", 0x58465342: "xfs", 0x9123683E: "btrfs", 0x01021994: "tmpfs",
             0x794C7630: "overlayfs", 0x2FC12FC1: "zfs", 0x65735546: "fuse"}


def _os_release() -> dict[str, str]:
    out = {}
    try:
        with open("/etc/os-release") as f:
            for line in f:
                key, sep, value = line.strip().partition("=")
                if sep:
                    out[key] = value.strip('"')
    except OSError:
        pass
    return out


def _mem_total() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _backing_fs(path: str) -> str:
    """The file system under the root, by its magic number (statfs f_type)."""
    import ctypes
    buf = ctypes.create_string_buffer(128)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.statfs(path.encode(), buf) != 0:
        return "unknown"
    magic = int.from_bytes(buf.raw[:8], "little")
    return _FS_NAMES.get(magic, f"0x{magic:x}")


def _read(path: str, default: str = "") -> str:
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def _registries() -> tuple[list[str], dict]:
    extra = [e.strip() for e in os.environ.get(INSECURE_ENV, "").split(",") if e.strip()]
    cidrs = list(DEFAULT_INSECURE) + [e for e in extra if "/" in e]
    index = {"docker.io": {"Name": "docker.io", "Mirrors": [], "Secure": True, "Official": True}}
    for host in (e for e in extra if "/" not in e):
        index[host] = {"Name": host, "Mirrors": [], "Secure": False, "Official": False}
    return cidrs, index


class Info:
    def __init__(self, clients: Clients, root, cgroup_version: str, debug: bool = False):
        self.c = clients
        self.root = str(root)
        self.cgroup_version = cgroup_version
        self.debug = debug

    def engine_id(self) -> str:
        """Stable for one root on one machine (Docker keeps a random one on disk)."""
        seed = _read("/etc/machine-id") + self.root
        h = hashlib.sha256(seed.encode()).hexdigest()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

    def document(self) -> dict:
        containers = self.c.runtime.List(rpb.ListRequest(all=True)).containers
        states = [c.status for c in containers]
        running = sum(s in ("running", "restarting") for s in states)
        paused = states.count("paused")
        images = self.c.images.List(ipb.ListRequest()).images
        executors = self.c.runtime.Executors(rpb.ExecutorsRequest())  # the runtime knows what runs containers
        release = _os_release()
        cidrs, index = _registries()
        security = ["name=seccomp,profile=builtin"]
        doc = {
            "ID": self.engine_id(),
            "Containers": len(states), "ContainersRunning": running, "ContainersPaused": paused,
            "ContainersStopped": len(states) - running - paused,
            "Images": len(images),
            "Driver": "overlay2",
            "DriverStatus": [["Backing Filesystem", _backing_fs(self.root)], ["Supports d_type", "true"],
                             ["Using metacopy", "false"], ["Native Overlay Diff", "true"], ["userxattr", "false"]],
            "Plugins": {"Volume": ["local"], "Network": ["bridge", "null"], "Log": ["json-file"]},
            "MemoryLimit": True, "SwapLimit": os.path.exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")
            or self.cgroup_version == "2",
            "CpuCfsPeriod": True, "CpuCfsQuota": True, "CPUShares": True, "CPUSet": True, "PidsLimit": True,
            "IPv4Forwarding": _read("/proc/sys/net/ipv4/ip_forward") == "1",
            "Debug": self.debug, "NFd": len(os.listdir("/proc/self/fd")), "NGoroutines": threading.active_count(),
            "SystemTime": datetime.datetime.now().astimezone().isoformat(),
            "LoggingDriver": "json-file", "CgroupDriver": "cgroupfs", "CgroupVersion": self.cgroup_version,
            "KernelVersion": os.uname().release,
            "OperatingSystem": release.get("PRETTY_NAME", "Linux"), "OSVersion": release.get("VERSION_ID", ""),
            "OSType": "linux", "Architecture": platform.machine(),
            "IndexServerAddress": "https://index.docker.io/v1/",
            "RegistryConfig": {"InsecureRegistryCIDRs": cidrs, "IndexConfigs": index, "Mirrors": []},
            "NCPU": os.cpu_count() or 1, "MemTotal": _mem_total(),
            "DockerRootDir": self.root,
            "HttpProxy": os.environ.get("HTTP_PROXY", ""), "HttpsProxy": os.environ.get("HTTPS_PROXY", ""),
            "NoProxy": os.environ.get("NO_PROXY", ""),
            "Name": socket.gethostname(), "Labels": [], "ExperimentalBuild": False,
            "ServerVersion": VERSION,
            "Runtimes": {e.name: {"path": e.path} for e in executors.executors},
            "DefaultRuntime": executors.default,
            "Swarm": {"LocalNodeState": "inactive"},
            "LiveRestoreEnabled": True, "Isolation": "",
            "SecurityOptions": security,
            "Warnings": [],
        }
        if os.path.exists(TINI):
            doc["InitBinary"] = "docker-init"
        return doc
