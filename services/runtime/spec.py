"""Builds an OCI runtime config.json (runtime-spec 1.0.2) for a container,
with Docker's defaults: namespaces, mounts, masked and read-only paths and
its capability set. Any OCI runtime (doca's executor, runc, crun) can run it.
"""

from common.errors import InvalidArgument
from common.resources import FIELDS, LISTS, SWITCH, TEXT, WEIGHTS, Resources, device_entry
from services.runtime.cgroups.blkio import device_numbers
from services.runtime.cgroups.cpu import DEFAULT_PERIOD

OCI_VERSION = "1.0.2"

DEFAULT_CAPABILITIES = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
]

MASKED_PATHS = [
    "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
    "/sys/firmware", "/sys/devices/virtual/powercap",
]

READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

DEFAULT_MOUNTS = [
    {"destination": "/proc", "type": "proc", "source": "proc",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
     "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
     "options": ["ro", "nosuid", "noexec", "nodev", "relatime"]},
]

# --privileged: /sys and the cgroup view writable.
PRIVILEGED_MOUNTS = [
    dict(m, options=[o for o in m["options"] if o != "ro"]) if m["destination"] in ("/sys", "/sys/fs/cgroup") else m
    for m in DEFAULT_MOUNTS
]

NAMESPACES = ["pid", "network", "ipc", "uts", "mount"]
# --cgroupns: "private" (the default, as Docker's on cgroup v2 hosts, and
# here on v1 too: a container's root with CAP_SYS_ADMIN added cannot reach a
# hierarchy's release_agent from its own cgroup namespace, CVE-2022-0492)
# or "host".
CGROUPNS_MODES = ("private", "host")


# --sysctl: Docker's list of the kernel parameters a container's own
# namespaces hold (its CLI's ValidateSysctl); any other would be the host's.
NAMESPACED_SYSCTLS = ("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                      "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced")
NAMESPACED_SYSCTL_PREFIXES = ("net.", "fs.mqueue.")


def sysctl_problem(key: str) -> str | None:
    if key in NAMESPACED_SYSCTLS or key.startswith(NAMESPACED_SYSCTL_PREFIXES):
        return None
    return "not whitelisted"


def check_sysctls(sysctls: dict, network_mode: str = "") -> dict:
    """The container's sysctls, each one its namespaces hold (net.* needs
    a network namespace of its own: every doca container has one)."""
    for key in sysctls:
        if sysctl_problem(key) or "/" in key or ".." in key:
            raise InvalidArgument(f"sysctl '{key}={sysctls[key]}' is not whitelisted")
        if key.startswith("net.") and network_mode == "host":
            raise InvalidArgument(f"sysctl '{key}' not allowed in host network namespace")
    return dict(sysctls)


def resources(res: Resources) -> dict:
    """linux.resources of a config.json: each limit that is set at its OCI
    place (common/resources.py), with Docker's derived values; a device's
    path becomes its major and minor numbers (an error if it is missing)."""
    out: dict = {}
    for f in FIELDS:
        value = getattr(res, f.name)
        oci = f.metadata["oci"]
        if not oci or value is None or (value in (0, "", (), False) and f.default is not None):
            continue
        group, _, key = oci.partition(".")
        if f.metadata["unit"] in LISTS:
            word = "weight" if f.metadata["unit"] == WEIGHTS else "rate"
            value = [dict(zip(("major", "minor"), device_numbers(d)), **{word: v})
                     for d, v in map(device_entry, value)]
        out.setdefault(group, {})[key] = value
    if res.memory_bytes and not res.memory_swap:
        out["memory"]["swap"] = 2 * res.memory_bytes  # Docker's default --memory-swap
    if res.cpu_quota:
        out["cpu"]["period"] = res.cpu_period or DEFAULT_PERIOD
    return out


def resources_of(oci: dict) -> Resources:
    """A config.json's linux.resources as limits (ocirun: any bundle);
    checked as they are made."""
    values = {}
    for f in FIELDS:
        group, _, key = f.metadata["oci"].partition(".")
        value = (oci.get(group) or {}).get(key) if key else None
        if value is None:
            continue
        unit = f.metadata["unit"]
        if unit in LISTS:
            word = "weight" if unit == WEIGHTS else "rate"
            value = tuple(f"{d['major']}:{d['minor']}:{d[word]}" for d in value)
        elif unit == SWITCH:
            value = bool(value)
        elif unit != TEXT:
            value = int(value)
        values[f.name] = value
    if values.get("memory_swap") == 2 * values.get("memory_bytes", -1):
        values.pop("memory_swap")  # Docker's default, derived again
    return Resources(**values)


def _shm_sized(mounts: list, size: int) -> list:
    """--shm-size: /dev/shm's tmpfs size (Docker's 64MB unless given)."""
    if not size:
        return mounts
    return [dict(m, options=[o for o in m["options"] if not o.startswith("size=")] + [f"size={size // 1024}k"])
            if m["destination"] == "/dev/shm" else m for m in mounts]


def _host_devices(res: Resources) -> dict:
    """--device: linux.devices (doca's executor binds hostPath in a user namespace)."""
    from services.runtime.devices import host_devices
    found = [{k: v for k, v in d.items() if k != "access"} for d in host_devices(res)]
    return {"devices": found} if found else {}


def build(*, args, env, cwd, uid, gid, additional_gids, hostname, mounts,
          cgroups_path, res: Resources, netns_path, readonly_root=False, annotations=None,
          terminal=False, console_size=None, privileged=False, userns=None, cgroupns="private",
          domainname="", sysctls=None) -> dict:
    caps = list(DEFAULT_CAPABILITIES)
    return {
        "ociVersion": OCI_VERSION,
        "process": {
            "terminal": bool(terminal),
            "user": {"uid": uid, "gid": gid, "additionalGids": list(additional_gids)},
            "args": list(args),
            "env": list(env),
            "cwd": cwd or "/",
            **({"oomScoreAdj": res.oom_score_adj} if res.oom_score_adj else {}),
            "capabilities": {k: caps for k in ("bounding", "effective", "permitted")},
            "noNewPrivileges": False,  # Docker's default: only --security-opt no-new-privileges sets it
            **({"consoleSize": {"height": console_size[0], "width": console_size[1]}}
               if terminal and console_size else {}),
        },
        "root": {"path": "rootfs", "readonly": bool(readonly_root)},
        "hostname": hostname,
        **({"domainname": domainname} if domainname else {}),
        "mounts": _shm_sized(PRIVILEGED_MOUNTS if privileged else DEFAULT_MOUNTS, res.shm_size) + list(mounts),
        "linux": {
            # The network namespace is pinned (services/runtime/netns.py) and joined.
            "namespaces": [{"type": t} for t in NAMESPACES if t != "network"]
                          + [{"type": "network", "path": str(netns_path)}]
                          + ([{"type": "user"}] if userns else [])
                          + ([{"type": "cgroup"}] if cgroupns == "private" else []),
            **({"uidMappings": [{"containerID": 0, "hostID": userns["uid"], "size": userns["size"]}],
                "gidMappings": [{"containerID": 0, "hostID": userns["gid"], "size": userns["size"]}]}
               if userns else {}),
            **({"sysctl": dict(sysctls)} if sysctls else {}),
            "cgroupsPath": cgroups_path,
            "resources": resources(res),
            **_host_devices(res),
            "maskedPaths": list(MASKED_PATHS),
            "readonlyPaths": list(READONLY_PATHS),
        },
        "annotations": dict(annotations or {}),
    }
