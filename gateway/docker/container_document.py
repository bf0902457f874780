"""GET /containers/{id}/json: the gateway's inspect document (a Struct, keys
in no useful order) in Docker's key order, since `docker inspect` prints the
body as it comes. The orders are moby's struct fields (types/container)."""
from gateway.docker.image_document import CONFIG, ordered

TOP = ["Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath", "HostsPath", "LogPath",
       "Node", "Name", "RestartCount", "Driver", "Platform", "MountLabel", "ProcessLabel", "AppArmorProfile",
       "ExecIDs", "HostConfig", "GraphDriver", "SizeRw", "SizeRootFs", "Mounts", "Config", "NetworkSettings"]
STATE = ["Status", "Running", "Paused", "Restarting", "OOMKilled", "Dead", "Pid", "ExitCode", "Error", "StartedAt",
         "FinishedAt", "Health"]
HEALTH = ["Status", "FailingStreak", "Log"]
PROBE = ["Start", "End", "ExitCode", "Output"]
HEALTHCHECK = ["Test", "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"]
HOST = ["Binds", "ContainerIDFile", "LogConfig", "NetworkMode", "PortBindings", "RestartPolicy", "AutoRemove",
        "VolumeDriver", "VolumesFrom", "ConsoleSize", "Annotations", "CapAdd", "CapDrop", "CgroupnsMode", "Dns",
        "DnsOptions", "DnsSearch", "ExtraHosts", "GroupAdd", "IpcMode", "Cgroup", "Links", "OomScoreAdj",
        "PidMode", "Privileged", "PublishAllPorts", "ReadonlyRootfs", "SecurityOpt", "StorageOpt", "Tmpfs",
        "UTSMode", "UsernsMode", "ShmSize", "Sysctls", "Runtime", "Isolation", "CpuShares", "Memory", "NanoCpus",
        "CgroupParent", "BlkioWeight", "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
        "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuPeriod", "CpuQuota", "CpuRealtimePeriod",
        "CpuRealtimeRuntime", "CpusetCpus", "CpusetMems", "Devices", "DeviceCgroupRules", "DeviceRequests",
        "KernelMemory", "KernelMemoryTCP", "MemoryReservation", "MemorySwap", "MemorySwappiness", "OomKillDisable",
        "PidsLimit", "Ulimits", "CpuCount", "CpuPercent", "IOMaximumIOps", "IOMaximumBandwidth", "Mounts",
        "MaskedPaths", "ReadonlyPaths", "Init"]
# docker 20.10 (API 1.41) puts ConsoleSize after Runtime; later versions after VolumesFrom.
HOST_141 = [k for k in HOST if k not in ("ConsoleSize", "Annotations")]
HOST_141.insert(HOST_141.index("Runtime") + 1, "ConsoleSize")
NAMED = ["Name", "Type", "Config", "MaximumRetryCount"]  # LogConfig, RestartPolicy
MOUNT = ["Type", "Name", "Source", "Destination", "Driver", "Mode", "RW", "Propagation"]
SETTINGS = ["Bridge", "SandboxID", "HairpinMode", "LinkLocalIPv6Address", "LinkLocalIPv6PrefixLen", "Ports",
            "SandboxKey", "SecondaryIPAddresses", "SecondaryIPv6Addresses", "EndpointID", "Gateway",
            "GlobalIPv6Address", "GlobalIPv6PrefixLen", "IPAddress", "IPPrefixLen", "IPv6Gateway", "MacAddress",
            "Networks"]
ENDPOINT = ["IPAMConfig", "Links", "Aliases", "NetworkID", "EndpointID", "Gateway", "IPAddress", "IPPrefixLen",
            "IPv6Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "MacAddress", "DriverOpts", "DNSNames"]
IPAM = ["IPv4Address", "IPv6Address", "LinkLocalIPs"]
BINDING = ["HostIp", "HostPort"]


def _sub(doc: dict, key: str, keys: list[str]) -> None:
    if isinstance(doc.get(key), dict):
        doc[key] = ordered(doc[key], keys)


def _by_name(value, keys: list[str]):
    """A map of name -> object (Ports, Networks): the names sorted, each object ordered."""
    if not isinstance(value, dict):
        return value
    return {k: (ordered(v, keys) if isinstance(v, dict) else
                [ordered(b, BINDING) if isinstance(b, dict) else b for b in v] if isinstance(v, list) else v)
            for k, v in sorted(value.items())}


def endpoints(networks) -> dict:
    out = _by_name(networks, ENDPOINT)
    for ep in (out or {}).values():
        if isinstance(ep, dict):
            _sub(ep, "IPAMConfig", IPAM)
    return out


def mounts(items) -> list:
    return [ordered(m, MOUNT) if isinstance(m, dict) else m for m in items or []]


# Go maps: JSON-encoded with their keys sorted.
MAPS = {"Config": ("Labels", "ExposedPorts", "Volumes"),
        "HostConfig": ("Tmpfs", "Sysctls", "StorageOpt", "Annotations")}


def _sorted_maps(doc: dict) -> None:
    for part, keys in MAPS.items():
        for key in keys:
            if isinstance((doc.get(part) or {}).get(key), dict):
                doc[part][key] = dict(sorted(doc[part][key].items()))
    log = (doc.get("HostConfig") or {}).get("LogConfig") or {}
    if isinstance(log.get("Config"), dict):
        log["Config"] = dict(sorted(log["Config"].items()))


def container(doc: dict, req) -> dict:
    doc = dict(doc)
    if isinstance(doc.get("State"), dict):
        state = ordered(doc["State"], STATE)
        if isinstance(state.get("Health"), dict):
            health = ordered(state["Health"], HEALTH)
            health["Log"] = [ordered(p, PROBE) if isinstance(p, dict) else p for p in health.get("Log") or []]
            state["Health"] = health
        doc["State"] = state
    if isinstance(doc.get("HostConfig"), dict):
        host = ordered(doc["HostConfig"], HOST if req.version_at_least("1.42") else HOST_141)
        _sub(host, "LogConfig", NAMED)
        _sub(host, "RestartPolicy", NAMED)
        if isinstance(host.get("PortBindings"), dict):
            host["PortBindings"] = _by_name(host["PortBindings"], BINDING)
        doc["HostConfig"] = host
    if isinstance(doc.get("Config"), dict):
        cfg = ordered(doc["Config"], CONFIG)
        _sub(cfg, "Healthcheck", HEALTHCHECK)
        doc["Config"] = cfg
    if isinstance(doc.get("GraphDriver"), dict):
        doc["GraphDriver"] = ordered(doc["GraphDriver"], ["Data", "Name"])
        _sub(doc["GraphDriver"], "Data", ["LowerDir", "MergedDir", "UpperDir", "WorkDir"])
    if "Mounts" in doc:
        doc["Mounts"] = mounts(doc["Mounts"])
    if isinstance(doc.get("NetworkSettings"), dict):
        ns = ordered(doc["NetworkSettings"], SETTINGS)
        ns["Ports"] = _by_name(ns.get("Ports"), BINDING)
        ns["Networks"] = endpoints(ns.get("Networks"))
        doc["NetworkSettings"] = ns
    _sorted_maps(doc)
    return ordered(doc, TOP)
