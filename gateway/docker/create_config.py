"""POST /containers/create's body (Docker's Config + HostConfig +
NetworkingConfig) as a doca.v1 ContainerConfig: the same message the `doca`
CLI sends for run/create, so the gateway checks and applies both alike.

ContainerConfig speaks the CLI's flags (-p, -v, --mount, --ulimit... as
text); each Docker field becomes the text of the flag that sets it. A field
doca does not support and that changes behaviour when set is refused with a
400 naming it (never silently dropped); fields that are Windows-only,
client-side or informational are accepted when empty or at their default."""
from doca.v1 import containers_pb2 as pb
from gateway.docker.errors import ApiError

NS = {1_000_000_000: "s", 1_000_000: "ms", 1_000: "us", 1: "ns"}


def _bad(field: str, why: str) -> ApiError:
    return ApiError(400, f"{field}: {why}")


def _strs(value, field: str) -> list[str]:
    """Docker's StrSlice: a JSON string or a list of strings (null = none)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise _bad(field, "must be a string or a list of strings")


def integer(value, field: str, default: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise _bad(field, f"must be an integer, not {value!r}")
    return int(value)


def _dict(value, field: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(field, "must be a JSON object")
    return value


def _s(doc: dict, key: str, field: str) -> str:
    """doc[key] as a string ("" when absent or null)."""
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _bad(field, f"must be a string, not {value!r}")
    return value


def _strmap(value, field: str) -> dict:
    """A JSON object of strings (Labels, Sysctls, Tmpfs...)."""
    out = _dict(value, field)
    for k, v in out.items():
        if not isinstance(v, str):
            raise _bad(f"{field}.{k}", f"must be a string, not {v!r}")
    return out


def _objs(value, field: str) -> list[dict]:
    """A list of JSON objects (Ulimits, Devices, Mounts...)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _bad(field, "must be a list of objects")
    return value


def _duration(ns, field: str) -> str:
    """Nanoseconds (Docker's time.Duration) as the Go text the gateway reads."""
    ns = integer(ns, field)
    if ns < 0:
        raise _bad(field, "must be 0 or more")
    if ns == 0:
        return ""
    unit = next(u for size, u in NS.items() if ns % size == 0)
    size = next(s for s, u in NS.items() if u == unit)
    return f"{ns // size}{unit}"


def _size(value, field: str) -> str:
    """A byte count (Docker's int64 fields) as the text --memory & co take;
    0 = unset."""
    n = integer(value, field)
    return str(n) if n else ""


# Fields whose non-default value changes behaviour and that doca lacks.
_REFUSED_HOST = {
    "DeviceRequests": "device requests (GPUs) are not supported by doca",
    "Isolation": "isolation technologies other than the default are not supported on Linux",
    "CpuCount": "Windows only", "CpuPercent": "Windows only", "IOMaximumIOps": "Windows only",
    "IOMaximumBandwidth": "Windows only",
    "Cgroup": "joining another container's cgroup is not supported by doca",
    "KernelMemoryTCP": "kernel TCP memory limits are not supported by doca",
    "Capabilities": "the capability set is given by CapAdd/CapDrop",
}
# (Config.Shell, OnBuild, ArgsEscaped: kept by Docker, read by no run: accepted.)
_REFUSED_CONFIG = {
    "NetworkDisabled": "use HostConfig.NetworkMode \"none\"",
}


def _refuse(doc: dict, table: dict, prefix: str) -> None:
    for key, why in table.items():
        value = doc.get(key)
        if key == "Isolation" and value in ("", "default", None):
            continue
        if value not in (None, False, 0, "", [], {}):
            raise _bad(f"{prefix}.{key}", why)


def _ports(bindings: dict) -> list[str]:
    """PortBindings {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]} as -p texts."""
    out = []
    for key, hosts in _dict(bindings, "HostConfig.PortBindings").items():
        for h in _objs(hosts, f"HostConfig.PortBindings.{key}") or [{}]:
            ip, port = _s(h, "HostIp", "PortBindings.HostIp"), _s(h, "HostPort", "PortBindings.HostPort")
            if ":" in ip:
                ip = f"[{ip}]"
            out.append(f"{ip}:{port}:{key}" if ip else f"{port}:{key}" if port else key)
    return out


def _mount(m: dict) -> str:
    """HostConfig.Mounts[] as a --mount text."""
    kind = _s(m, "Type", "HostConfig.Mounts.Type").lower()
    fields = [f"type={kind}"]
    for key, name in (("Source", "source"), ("Target", "target")):
        value = _s(m, key, f"HostConfig.Mounts.{key}")
        if value:
            fields.append(f"{name}={value}")
    if m.get("ReadOnly"):
        fields.append("readonly")
    if _s(m, "Consistency", "HostConfig.Mounts.Consistency"):
        fields.append(f"consistency={m['Consistency']}")
    bind = _dict(m.get("BindOptions"), "HostConfig.Mounts.BindOptions")
    if _s(bind, "Propagation", "BindOptions.Propagation"):
        fields.append(f"bind-propagation={bind['Propagation']}")
    if bind.get("NonRecursive"):
        fields.append("bind-nonrecursive")
    for key in ("CreateMountpoint", "ReadOnlyNonRecursive", "ReadOnlyForceRecursive"):
        if bind.get(key):
            raise _bad(f"HostConfig.Mounts.BindOptions.{key}", "not supported by doca")
    vol = _dict(m.get("VolumeOptions"), "HostConfig.Mounts.VolumeOptions")
    if vol.get("NoCopy"):
        fields.append("volume-nocopy")
    for k, v in _strmap(vol.get("Labels"), "VolumeOptions.Labels").items():
        fields.append(f"volume-label={k}={v}")
    driver = _dict(vol.get("DriverConfig"), "VolumeOptions.DriverConfig")
    if _s(driver, "Name", "DriverConfig.Name"):
        fields.append(f"volume-driver={driver['Name']}")
    for k, v in _strmap(driver.get("Options"), "DriverConfig.Options").items():
        fields.append(f"volume-opt={k}={v}")
    if vol.get("Subpath"):
        raise _bad("HostConfig.Mounts.VolumeOptions.Subpath", "not supported by doca")
    tmpfs = _dict(m.get("TmpfsOptions"), "HostConfig.Mounts.TmpfsOptions")
    if tmpfs.get("SizeBytes"):
        fields.append(f"tmpfs-size={integer(tmpfs['SizeBytes'], 'TmpfsOptions.SizeBytes')}")
    if tmpfs.get("Mode"):
        fields.append(f"tmpfs-mode={integer(tmpfs['Mode'], 'TmpfsOptions.Mode'):o}")
    if tmpfs.get("Options"):
        raise _bad("HostConfig.Mounts.TmpfsOptions.Options", "not supported by doca")
    for field in fields:  # --mount's text splits on commas
        if "," in field:
            raise _bad("HostConfig.Mounts", f"a value with a comma is not supported by doca: {field!r}")
    return ",".join(fields)


def _rates(items, field: str, key: str) -> list[str]:
    """[{"Path": "/dev/sda", "Rate": 1048576}] as --device-read-bps texts."""
    return [f"{_s(d, 'Path', field + '.Path')}:{integer(d.get(key), field)}" for d in _objs(items, field)]


def _restart(policy: dict) -> str:
    name = _s(policy or {}, "Name", "HostConfig.RestartPolicy.Name")
    count = integer((policy or {}).get("MaximumRetryCount"), "HostConfig.RestartPolicy.MaximumRetryCount")
    if name == "on-failure" and count:
        return f"on-failure:{count}"
    if name != "on-failure" and count:
        raise ApiError(400, f"invalid restart policy: maximum retry count can only be used with 'on-failure'")
    return name


def _healthcheck(cfg: pb.ContainerConfig, hc: dict) -> None:
    test = _strs(hc.get("Test"), "Config.Healthcheck.Test")
    if test == ["NONE"]:
        cfg.no_healthcheck = True
        return
    if test and test[0] == "CMD-SHELL" and len(test) == 2:
        cfg.health_cmd = test[1]
    elif test and test[0] in ("CMD", "CMD-SHELL"):
        cfg.health_test.extend(test)
    elif test:
        raise _bad("Config.Healthcheck.Test", f"unknown type {test[0]!r} (want NONE, CMD or CMD-SHELL)")
    cfg.health_interval = _duration(hc.get("Interval"), "Config.Healthcheck.Interval")
    cfg.health_timeout = _duration(hc.get("Timeout"), "Config.Healthcheck.Timeout")
    cfg.health_start_period = _duration(hc.get("StartPeriod"), "Config.Healthcheck.StartPeriod")
    cfg.health_start_interval = _duration(hc.get("StartInterval"), "Config.Healthcheck.StartInterval")
    retries = integer(hc.get("Retries"), "Config.Healthcheck.Retries")
    if retries < 0:
        raise ApiError(400, "Retries in Healthcheck cannot be negative")
    cfg.health_retries = retries


def _network(cfg: pb.ContainerConfig, mode: str, endpoints: dict, several: bool) -> list[tuple[str, dict]]:
    """The container's network and its endpoint settings; the other networks
    of EndpointsConfig (API 1.44: several at create) to connect after it."""
    cfg.network = "" if mode in ("", "default") else mode  # "": the default (the bridge), as inspect says
    names = list(endpoints)
    if len(names) > 1 and not several:
        raise ApiError(400, "Container cannot be connected to network endpoints: " + ", ".join(names))
    # The docker CLI names its first --network in NetworkMode and each in EndpointsConfig.
    first = mode if mode in endpoints else names[0] if names and mode in ("", "default") else None
    if first is not None and first != "default":
        cfg.network = first
    extra = []
    for name, ep in endpoints.items():
        ep = _dict(ep, f"EndpointsConfig.{name}")
        if ep.get("DriverOpts"):
            raise _bad("EndpointsConfig.DriverOpts", "endpoint driver options are not supported by doca")
        if ep.get("GwPriority"):  # API 1.48: which network gives the default route
            raise _bad("EndpointsConfig.GwPriority", "a gateway priority is not supported by doca")
        if name != first:
            extra.append((name, ep))
            continue
        cfg.network_aliases.extend(_strs(ep.get("Aliases"), "EndpointsConfig.Aliases"))
        ipam = _dict(ep.get("IPAMConfig"), f"EndpointsConfig.{name}.IPAMConfig")
        cfg.ip = _s(ipam, "IPv4Address", "IPAMConfig.IPv4Address")
        cfg.ip6 = _s(ipam, "IPv6Address", "IPAMConfig.IPv6Address")
        cfg.link_local_ips.extend(_strs(ipam.get("LinkLocalIPs"), "IPAMConfig.LinkLocalIPs"))
        cfg.links.extend(_strs(ep.get("Links"), "EndpointsConfig.Links"))
        if _s(ep, "MacAddress", "EndpointsConfig.MacAddress"):
            cfg.mac_address = ep["MacAddress"]
    for name, ep in extra:
        ipam = _dict(ep.get("IPAMConfig"), f"EndpointsConfig.{name}.IPAMConfig")
        _s(ipam, "IPv4Address", "IPAMConfig.IPv4Address")
        _strs(ep.get("Aliases"), "EndpointsConfig.Aliases")
        for key in ("Links", "MacAddress"):
            if ep.get(key):
                raise _bad(f"EndpointsConfig.{name}.{key}", "only the container's first network takes it at create")
        if ipam.get("IPv6Address") or ipam.get("LinkLocalIPs"):
            raise _bad(f"EndpointsConfig.{name}.IPAMConfig", "only the first network takes IPv6 or link-local "
                       "addresses at create")
    return extra


def from_docker(body: dict, name: str = "", several_networks: bool = False) \
        -> tuple[pb.ContainerConfig, list[tuple[str, dict]]]:
    try:
        return _from_docker(body, name, several_networks)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as e:
        # a value of a type no check above caught (a number out of a field's range...)
        raise ApiError(400, f"invalid create body: {type(e).__name__}: {e}") from None


def _from_docker(body: dict, name: str, several_networks: bool) -> tuple[pb.ContainerConfig, list[tuple[str, dict]]]:
    """The create body as a ContainerConfig (HostConfig and NetworkingConfig
    beside Config's fields at the top level, as Docker's API sends them), and
    the networks to connect it to after (`several_networks`: API 1.44)."""
    if not isinstance(body, dict):
        raise ApiError(400, "invalid JSON: the create body is not an object")
    host = _dict(body.get("HostConfig"), "HostConfig")
    net = _dict(body.get("NetworkingConfig"), "NetworkingConfig")
    _refuse(body, _REFUSED_CONFIG, "Config")
    _refuse(host, _REFUSED_HOST, "HostConfig")
    cfg = pb.ContainerConfig(name=name, image=_s(body, "Image", "Config.Image"))
    if not cfg.image:
        raise ApiError(400, "Config cannot be empty in order to create a container")

    # -- Config ----------------------------------------------------------------
    cfg.cmd.extend(_strs(body.get("Cmd"), "Config.Cmd"))
    entrypoint = body.get("Entrypoint")
    if entrypoint is not None:  # [] or [""]: no entrypoint (the image's is dropped)
        cfg.entrypoint.extend(_strs(entrypoint, "Config.Entrypoint") or [""])
    cfg.env.extend(_strs(body.get("Env"), "Config.Env"))
    cfg.workdir = _s(body, "WorkingDir", "Config.WorkingDir")
    cfg.user = _s(body, "User", "Config.User")
    cfg.hostname = _s(body, "Hostname", "Config.Hostname")
    cfg.domainname = _s(body, "Domainname", "Config.Domainname")
    cfg.labels.update(_strmap(body.get("Labels"), "Config.Labels"))
    cfg.tty = bool(body.get("Tty"))
    cfg.interactive = bool(body.get("OpenStdin"))
    streams = [s for s, key in (("STDIN", "AttachStdin"), ("STDOUT", "AttachStdout"), ("STDERR", "AttachStderr"))
               if body.get(key)]
    if streams:
        cfg.attach.extend(streams)
    else:
        cfg.detached = True  # Docker's Config.Attach* all false: a detached run
    cfg.expose.extend(_dict(body.get("ExposedPorts"), "Config.ExposedPorts"))
    cfg.volumes.extend(_dict(body.get("Volumes"), "Config.Volumes"))
    if body.get("Healthcheck"):
        _healthcheck(cfg, _dict(body["Healthcheck"], "Config.Healthcheck"))
    cfg.stop_signal = _s(body, "StopSignal", "Config.StopSignal")
    if body.get("StopTimeout") is not None:
        cfg.stop_timeout = integer(body["StopTimeout"], "Config.StopTimeout")
    if _s(body, "MacAddress", "Config.MacAddress"):  # deprecated in 1.44 for EndpointsConfig's
        cfg.mac_address = body["MacAddress"]

    # -- HostConfig ------------------------------------------------------------
    cfg.volumes.extend(_strs(host.get("Binds"), "HostConfig.Binds"))
    cfg.mounts.extend(_mount(m) for m in _objs(host.get("Mounts"), "HostConfig.Mounts"))
    cfg.publish.extend(_ports(host.get("PortBindings")))
    cfg.publish_all = bool(host.get("PublishAllPorts"))
    cfg.restart = _restart(_dict(host.get("RestartPolicy"), "HostConfig.RestartPolicy"))
    cfg.auto_remove = bool(host.get("AutoRemove"))
    cfg.dns.extend(_strs(host.get("Dns"), "HostConfig.Dns"))
    cfg.dns_search.extend(_strs(host.get("DnsSearch"), "HostConfig.DnsSearch"))
    cfg.dns_options.extend(_strs(host.get("DnsOptions"), "HostConfig.DnsOptions"))
    cfg.add_hosts.extend(_strs(host.get("ExtraHosts"), "HostConfig.ExtraHosts"))
    cfg.cap_add.extend(_strs(host.get("CapAdd"), "HostConfig.CapAdd"))
    cfg.cap_drop.extend(_strs(host.get("CapDrop"), "HostConfig.CapDrop"))
    cfg.privileged = bool(host.get("Privileged"))
    cfg.read_only = bool(host.get("ReadonlyRootfs"))
    cfg.security_opt.extend(_strs(host.get("SecurityOpt"), "HostConfig.SecurityOpt"))
    # The docker CLI sends --security-opt systempaths=unconfined as both lists empty.
    masked, readonly = host.get("MaskedPaths"), host.get("ReadonlyPaths")
    if masked == [] and readonly == []:
        if "systempaths=unconfined" not in cfg.security_opt:
            cfg.security_opt.append("systempaths=unconfined")
    else:  # a list given replaces Docker's default one (null keeps it; [] is none)
        if masked is not None:
            cfg.masked_paths.extend(_strs(masked, "HostConfig.MaskedPaths"))
            cfg.masked_paths_set = True
        if readonly is not None:
            cfg.readonly_paths.extend(_strs(readonly, "HostConfig.ReadonlyPaths"))
            cfg.readonly_paths_set = True
    cfg.tmpfs.extend(f"{path}:{opts}" if opts else path
                     for path, opts in _strmap(host.get("Tmpfs"), "HostConfig.Tmpfs").items())
    cfg.memory = _size(host.get("Memory"), "HostConfig.Memory")
    cfg.memory_reservation = _size(host.get("MemoryReservation"), "HostConfig.MemoryReservation")
    cfg.memory_swap = _size(host.get("MemorySwap"), "HostConfig.MemorySwap")
    cfg.kernel_memory = _size(host.get("KernelMemory"), "HostConfig.KernelMemory")
    swappiness = host.get("MemorySwappiness")
    if swappiness is not None and swappiness != -1:
        cfg.memory_swappiness = integer(swappiness, "HostConfig.MemorySwappiness")
    cfg.oom_kill_disable = bool(host.get("OomKillDisable"))
    cfg.oom_score_adj = integer(host.get("OomScoreAdj"), "HostConfig.OomScoreAdj")
    nano = integer(host.get("NanoCpus"), "HostConfig.NanoCpus")
    if nano:
        cfg.cpus = nano / 1e9
    cfg.cpu_shares = integer(host.get("CpuShares"), "HostConfig.CpuShares")
    cfg.cpu_period = integer(host.get("CpuPeriod"), "HostConfig.CpuPeriod")
    cfg.cpu_quota = integer(host.get("CpuQuota"), "HostConfig.CpuQuota")
    cfg.cpu_rt_period = integer(host.get("CpuRealtimePeriod"), "HostConfig.CpuRealtimePeriod")
    cfg.cpu_rt_runtime = integer(host.get("CpuRealtimeRuntime"), "HostConfig.CpuRealtimeRuntime")
    cfg.cpuset_cpus = _s(host, "CpusetCpus", "HostConfig.CpusetCpus")
    cfg.cpuset_mems = _s(host, "CpusetMems", "HostConfig.CpusetMems")
    cfg.blkio_weight = integer(host.get("BlkioWeight"), "HostConfig.BlkioWeight")
    cfg.blkio_weight_device.extend(_rates(host.get("BlkioWeightDevice"), "HostConfig.BlkioWeightDevice", "Weight"))
    for key, field in (("BlkioDeviceReadBps", "device_read_bps"), ("BlkioDeviceWriteBps", "device_write_bps"),
                       ("BlkioDeviceReadIOps", "device_read_iops"), ("BlkioDeviceWriteIOps", "device_write_iops")):
        getattr(cfg, field).extend(_rates(host.get(key), f"HostConfig.{key}", "Rate"))
    pids = host.get("PidsLimit")
    if pids is not None and integer(pids, "HostConfig.PidsLimit") > 0:  # 0 and -1: unlimited
        cfg.pids_limit = int(pids)
    cfg.ulimits.extend(f"{_s(u, 'Name', 'Ulimits.Name')}={integer(u.get('Soft'), 'Ulimits.Soft')}:"
                       f"{integer(u.get('Hard'), 'Ulimits.Hard')}" for u in _objs(host.get("Ulimits"), "HostConfig.Ulimits"))
    for d in _objs(host.get("Devices"), "HostConfig.Devices"):
        on_host = _s(d, "PathOnHost", "Devices.PathOnHost")
        cfg.devices.append(f"{on_host}:{_s(d, 'PathInContainer', 'Devices.PathInContainer') or on_host}:"
                           f"{_s(d, 'CgroupPermissions', 'Devices.CgroupPermissions') or 'rwm'}")
    cfg.device_cgroup_rules.extend(_strs(host.get("DeviceCgroupRules"), "HostConfig.DeviceCgroupRules"))
    cfg.shm_size = _size(host.get("ShmSize"), "HostConfig.ShmSize")
    cfg.init = bool(host.get("Init"))
    cfg.sysctls.extend(f"{k}={v}" for k, v in _strmap(host.get("Sysctls"), "HostConfig.Sysctls").items())
    log = _dict(host.get("LogConfig"), "HostConfig.LogConfig")
    cfg.log_driver = log.get("Type") or ""
    cfg.log_opts.update(_strmap(log.get("Config"), "HostConfig.LogConfig.Config"))
    cfg.volumes_from.extend(_strs(host.get("VolumesFrom"), "HostConfig.VolumesFrom"))
    cfg.links.extend(_strs(host.get("Links"), "HostConfig.Links"))
    cfg.group_add.extend(_strs(host.get("GroupAdd"), "HostConfig.GroupAdd"))
    cfg.ipc = _s(host, "IpcMode", "HostConfig.IpcMode")
    cfg.pid = _s(host, "PidMode", "HostConfig.PidMode")
    cfg.uts = _s(host, "UTSMode", "HostConfig.UTSMode")
    cfg.userns = _s(host, "UsernsMode", "HostConfig.UsernsMode")
    cfg.cgroupns = _s(host, "CgroupnsMode", "HostConfig.CgroupnsMode")
    cfg.cgroup_parent = _s(host, "CgroupParent", "HostConfig.CgroupParent")
    cfg.runtime = _s(host, "Runtime", "HostConfig.Runtime")
    cfg.volume_driver = _s(host, "VolumeDriver", "HostConfig.VolumeDriver")
    cfg.storage_opt.extend(f"{k}={v}" for k, v in _strmap(host.get("StorageOpt"), "HostConfig.StorageOpt").items())
    cfg.annotations.update(_strmap(host.get("Annotations"), "HostConfig.Annotations"))
    size = host.get("ConsoleSize")
    if size is not None and (not isinstance(size, list) or len(size) != 2):
        raise _bad("HostConfig.ConsoleSize", "must be [height, width]")
    if size and any(size):
        cfg.console_size.rows = integer(size[0], "HostConfig.ConsoleSize")
        cfg.console_size.cols = integer(size[1], "HostConfig.ConsoleSize")

    extra = _network(cfg, _s(host, "NetworkMode", "HostConfig.NetworkMode"), _dict(net.get("EndpointsConfig"), "EndpointsConfig"),
                     several_networks)
    return cfg, extra
