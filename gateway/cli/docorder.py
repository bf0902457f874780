"""Docker's key order for inspect's documents. The gateway sends a document
as a google.protobuf.Struct, a map: its keys arrive in no useful order.
Docker's CLI prints Go structs (fields in declaration order) and Go maps
(keys sorted), so `inspect` and `{{json .HostConfig.LogConfig}}` read the
same as Docker's only once put back in that order, here.

A type is a list of its keys in Docker's order; CHILDREN says what the
value under a key is: another type, "[T]" a list of T, "{T}" a map of T
(keys sorted), "{}" a map of plain values (keys sorted). Keys a type does
not list keep their place after the listed ones."""

CONFIG = ["Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "ExposedPorts", "Tty",
          "OpenStdin", "StdinOnce", "Env", "Cmd", "Healthcheck", "ArgsEscaped", "Image", "Volumes", "WorkingDir",
          "Entrypoint", "NetworkDisabled", "MacAddress", "OnBuild", "Labels", "StopSignal", "StopTimeout", "Shell"]

TYPES = {
    "container": ["Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath", "HostsPath",
                  "LogPath", "Node", "Name", "RestartCount", "Driver", "Platform", "MountLabel", "ProcessLabel",
                  "AppArmorProfile", "ExecIDs", "HostConfig", "GraphDriver", "SizeRw", "SizeRootFs", "Mounts",
                  "Config", "NetworkSettings"],
    "state": ["Status", "Running", "Paused", "Restarting", "OOMKilled", "Dead", "Pid", "ExitCode", "Error",
              "StartedAt", "FinishedAt", "Health"],
    "health": ["Status", "FailingStreak", "Log"],
    "health_log": ["Start", "End", "ExitCode", "Output"],
    "host_config": [
        "Binds", "ContainerIDFile", "LogConfig", "NetworkMode", "PortBindings", "RestartPolicy", "AutoRemove",
        "VolumeDriver", "VolumesFrom", "CapAdd", "CapDrop", "CgroupnsMode", "Dns", "DnsOptions", "DnsSearch",
        "ExtraHosts", "GroupAdd", "IpcMode", "Cgroup", "Links", "OomScoreAdj", "PidMode", "Privileged",
        "PublishAllPorts", "ReadonlyRootfs", "SecurityOpt", "StorageOpt", "Tmpfs", "UTSMode", "UsernsMode",
        "ShmSize", "Sysctls", "Runtime", "ConsoleSize", "Isolation", "CpuShares", "Memory", "NanoCpus",
        "CgroupParent", "BlkioWeight", "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
        "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuPeriod", "CpuQuota", "CpuRealtimePeriod",
        "CpuRealtimeRuntime", "CpusetCpus", "CpusetMems", "Devices", "DeviceCgroupRules", "DeviceRequests",
        "KernelMemory", "KernelMemoryTCP", "MemoryReservation", "MemorySwap", "MemorySwappiness",
        "OomKillDisable", "PidsLimit", "Ulimits", "CpuCount", "CpuPercent", "IOMaximumIOps",
        "IOMaximumBandwidth", "Mounts", "MaskedPaths", "ReadonlyPaths", "Init"],
    "log_config": ["Type", "Config"],
    "restart_policy": ["Name", "MaximumRetryCount"],
    "port_binding": ["HostIp", "HostPort"],
    "ulimit": ["Name", "Hard", "Soft"],
    "weight_device": ["Path", "Weight"],
    "throttle_device": ["Path", "Rate"],
    "device": ["PathOnHost", "PathInContainer", "CgroupPermissions"],
    "graph_driver": ["Data", "Name"],
    "mount": ["Type", "Name", "Source", "Destination", "Driver", "Mode", "RW", "Propagation"],
    "config": CONFIG,
    "healthcheck": ["Test", "Interval", "Timeout", "StartPeriod", "Retries", "StartInterval"],
    "network_settings": ["Bridge", "SandboxID", "HairpinMode", "LinkLocalIPv6Address", "LinkLocalIPv6PrefixLen",
                         "Ports", "SandboxKey", "SecondaryIPAddresses", "SecondaryIPv6Addresses", "EndpointID",
                         "Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "IPAddress", "IPPrefixLen",
                         "IPv6Gateway", "MacAddress", "Networks"],
    "endpoint": ["IPAMConfig", "Links", "Aliases", "NetworkID", "EndpointID", "Gateway", "IPAddress", "IPPrefixLen",
                 "IPv6Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "MacAddress", "DriverOpts"],
    "network": ["Name", "Id", "Created", "Scope", "Driver", "EnableIPv6", "IPAM", "Internal", "Attachable", "Ingress",
                "ConfigFrom", "ConfigOnly", "Containers", "Options", "Labels"],
    "ipam": ["Driver", "Options", "Config"],
    "endpoint_ipam": ["IPv4Address", "IPv6Address", "LinkLocalIPs"],
    "ipam_config": ["Subnet", "IPRange", "Gateway", "AuxiliaryAddresses"],
    "network_container": ["Name", "EndpointID", "MacAddress", "IPv4Address", "IPv6Address"],
    "image": ["Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig",
              "DockerVersion", "Author", "Config", "Architecture", "Variant", "Os", "OsVersion", "Size",
              "VirtualSize", "GraphDriver", "RootFS", "Metadata"],
    "rootfs": ["Type", "Layers", "BaseLayer"],
    "volume": ["CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope", "UsageData"],
}

CHILDREN = {
    "container": {"State": "state", "HostConfig": "host_config", "GraphDriver": "graph_driver",
                  "Mounts": "[mount]", "Config": "config", "NetworkSettings": "network_settings"},
    "state": {"Health": "health"},
    "health": {"Log": "[health_log]"},
    "host_config": {"LogConfig": "log_config", "PortBindings": "{[port_binding]}", "RestartPolicy": "restart_policy",
                    "Tmpfs": "{}", "Sysctls": "{}", "Ulimits": "[ulimit]", "BlkioWeightDevice": "[weight_device]",
                    "BlkioDeviceReadBps": "[throttle_device]", "BlkioDeviceWriteBps": "[throttle_device]",
                    "BlkioDeviceReadIOps": "[throttle_device]", "BlkioDeviceWriteIOps": "[throttle_device]",
                    "Devices": "[device]", "Mounts": "[mount]"},
    "log_config": {"Config": "{}"},
    "graph_driver": {"Data": "{}"},
    "config": {"ExposedPorts": "{}", "Healthcheck": "healthcheck", "Volumes": "{}", "Labels": "{}"},
    "network_settings": {"Ports": "{[port_binding]}", "Networks": "{endpoint}"},
    "endpoint": {"DriverOpts": "{}", "IPAMConfig": "endpoint_ipam"},
    "network": {"IPAM": "ipam", "Containers": "{network_container}", "Options": "{}", "Labels": "{}"},
    "ipam": {"Options": "{}", "Config": "[ipam_config]"},
    "ipam_config": {"AuxiliaryAddresses": "{}"},
    "image": {"Config": "config", "ContainerConfig": "config", "GraphDriver": "graph_driver", "RootFS": "rootfs"},
    "volume": {"Labels": "{}", "Options": "{}"},
}


def kind(doc: dict) -> str | None:
    """Which document this is, by a key only it has."""
    for key, name in (("HostConfig", "container"), ("IPAM", "network"), ("RootFS", "image"),
                      ("Mountpoint", "volume")):
        if key in doc:
            return name
    return None


def ordered(value, typ: str | None):
    if typ is None or value is None:
        return value
    if typ.startswith("[") and isinstance(value, list):
        return [ordered(v, typ[1:-1]) for v in value]
    if typ.startswith("{") and isinstance(value, dict):
        inner = typ[1:-1] or None
        return {k: ordered(value[k], inner) for k in sorted(value)}
    if not isinstance(value, dict):
        return value
    keys = TYPES.get(typ, [])
    children = CHILDREN.get(typ, {})
    out = {k: ordered(value[k], children.get(k)) for k in keys if k in value}
    out.update((k, v) for k, v in value.items() if k not in out)
    return out


def docker_order(doc):
    """The document with Docker's key order (unchanged if not known)."""
    return ordered(doc, kind(doc)) if isinstance(doc, dict) else doc
