"""Docker-shaped inspect documents (Docker's field names where they exist),
built from the services' messages."""
import hashlib

from common import resources as limits, timestamps
from gateway.api import run_more


def _ts(ts) -> str:
    """Go's RFC3339Nano, as Docker prints a time: the fraction's trailing
    zeros dropped (and the dot with them)."""
    text = timestamps.rfc3339(timestamps.from_proto(ts))
    if "." in text:
        whole, _, frac = text[:-1].partition(".")
        frac = frac.rstrip("0")
        text = f"{whole}.{frac}Z" if frac else f"{whole}Z"
    return text


def _port_bindings(bindings) -> dict:
    """Docker's {"80/tcp": [{"HostIp": ..., "HostPort": ...}]}."""
    out: dict = {}
    for b in bindings:
        out.setdefault(f"{b.container_port}/{b.protocol}", []).append(
            {"HostIp": b.host_ip, "HostPort": str(b.host_port) if b.host_port else ""})
    return out


def _limits(res) -> dict:
    """The runtime's Resources under Docker's HostConfig keys (each limit
    names its own: common/resources.py), and the values Docker derives."""
    out = {f.metadata["docker"]: getattr(res, f.name) for f in limits.FIELDS
           if f.metadata["unit"] not in limits.LISTS}
    if not res.memory_swap:
        out["MemorySwap"] = 2 * res.memory_bytes if res.memory_bytes else 0
    if out["NanoCpus"]:  # Docker shows --cpus alone; the quota it makes is the kernel's
        out["CpuQuota"] = out["CpuPeriod"] = 0
    out["PidsLimit"] = res.pids_limit if res.pids_limit > 0 else None  # Docker's null: no limit
    out["MemorySwappiness"] = res.memory_swappiness if res.HasField("memory_swappiness") else None
    for f in limits.FIELDS:
        if f.metadata["unit"] in limits.LISTS:  # Docker's [{"Path", "Rate"}]; null when none
            key = "Weight" if f.metadata["unit"] == limits.WEIGHTS else "Rate"
            rows = [{"Path": d, key: v} for d, v in map(limits.device_entry, getattr(res, f.name))]
            out[f.metadata["docker"]] = rows or ([] if f.metadata["unit"] == limits.WEIGHTS else None)
    out["ShmSize"] = res.shm_size or 64 << 20  # Docker's default /dev/shm
    out["Devices"] = [dict(zip(("PathOnHost", "PathInContainer", "CgroupPermissions"), limits.device_mapping(d)))
                      for d in res.devices]
    out["DeviceCgroupRules"] = list(res.device_cgroup_rules) or None
    return out


# What every container's process has masked and read-only (the runtime's
# services/runtime/spec.py lists; Docker 28's, one more than 20.10's).
MASKED_PATHS = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                "/sys/firmware", "/sys/devices/virtual/powercap"]
READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
DEFAULT_SHM_SIZE = 64 << 20
# The id of the builtin "none" network (container_list.NONE_NETWORK_ID).
NONE_NETWORK_ID = "6e6f6e65" + "0" * 56
HOST_NETWORK_ID = "686f7374" + "0" * 56  # the builtin "host" network's ("host" in hex, as none's)


def _or_null(values):
    """Docker's nil slice: null when the user gave none."""
    return list(values) or None


def _ulimits(items) -> list | None:
    """--ulimit name=soft[:hard] as Docker's [{"Name", "Hard", "Soft"}]."""
    out = []
    for item in items:
        name, _, values = item.partition("=")
        soft, _, hard = values.partition(":")
        try:
            out.append({"Name": name, "Hard": int(hard or soft), "Soft": int(soft)})
        except ValueError:
            continue
    return out or None


def _mount_modes(binds) -> dict:
    """destination -> the options a -v gave (Docker's Mount.Mode)."""
    out = {}
    for text in binds:
        parts = text.split(":")
        if len(parts) >= 2:
            out[parts[1]] = parts[2] if len(parts) > 2 else None
    return out


def _mounts(spec, sandbox) -> list:
    """Docker's Mounts: binds and volumes (not tmpfs, not the /etc files)."""
    etc = {sandbox.hosts_path, sandbox.hostname_path, sandbox.resolv_conf_path} if sandbox else set()
    modes = _mount_modes(spec.binds)
    out = []
    for m in spec.mounts:
        if m.type == "tmpfs" or m.source in etc:
            continue
        rw = "ro" not in m.options
        mode = modes.get(m.destination)
        if m.volume:
            out.append({"Type": "volume", "Name": m.volume, "Source": m.source, "Destination": m.destination,
                        "Driver": "local", "Mode": ("z" if mode is None else mode) if m.destination in modes else "",
                        "RW": rw, "Propagation": ""})
        else:
            out.append({"Type": "bind", "Source": m.source, "Destination": m.destination,
                        "Mode": mode or "", "RW": rw,
                        "Propagation": next((o for o in m.options if o.endswith(("private", "shared", "slave"))),
                                            "rprivate")})
    return out


def _state(ctr) -> dict:
    live = ctr.status in ("running", "paused")  # a paused container is still running, as Docker says
    state = {
        "Status": ctr.status, "Running": live, "Paused": ctr.status == "paused",
        "Restarting": ctr.status == "restarting", "OOMKilled": ctr.oom_killed,
        "Dead": ctr.status == "dead", "Pid": ctr.pid if live else 0,
        "ExitCode": ctr.exit_code, "Error": ctr.error,
        "StartedAt": _ts(ctr.started_at), "FinishedAt": _ts(ctr.finished_at),
    }
    if ctr.health.status:
        state["Health"] = {
            "Status": ctr.health.status, "FailingStreak": ctr.health.failing_streak,
            "Log": [{"Start": _ts(r.start), "End": _ts(r.end), "ExitCode": r.exit_code, "Output": r.output}
                    for r in ctr.health.log]}
    return state


def _host_config(spec, sandbox) -> dict:
    """Docker 20.10's HostConfig, its keys in its order, its zero values
    (null for a list the user did not give, [] where its CLI sends one)."""
    # Docker's daemon takes systempaths=unconfined out (MaskedPaths and
    # ReadonlyPaths say it: []) and adds label=disable for --privileged.
    unconfined = "systempaths=unconfined" in spec.security_opt
    security_opt = [o for o in spec.security_opt if o != "systempaths=unconfined"] + \
        (["label=disable"] if spec.privileged else [])
    out = {
        "Binds": _or_null(spec.binds), "ContainerIDFile": "",
        "LogConfig": {"Type": spec.log.driver or "json-file", "Config": dict(spec.log_opts)},
        "NetworkMode": "default" if spec.network_default else spec.network_mode or "bridge",
        "PortBindings": _port_bindings(sandbox.requested) if sandbox else {},
        "RestartPolicy": {"Name": spec.restart_policy.name or "no",
                          "MaximumRetryCount": spec.restart_policy.maximum_retry_count},
        "AutoRemove": spec.auto_remove, "VolumeDriver": spec.volume_driver,
        "VolumesFrom": list(spec.volumes_from) or None,
        "CapAdd": _or_null(spec.cap_add), "CapDrop": _or_null(spec.cap_drop),
        # containers from before --cgroupns had the host's
        "CgroupnsMode": spec.cgroupns or "host",
        "Dns": list(spec.dns), "DnsOptions": list(spec.dns_options), "DnsSearch": list(spec.dns_search),
        "ExtraHosts": _or_null(spec.extra_hosts), "GroupAdd": _or_null(spec.group_add),
        "IpcMode": spec.ipc_mode or "private", "Cgroup": "", "Links": _links(spec), "OomScoreAdj": 0, "PidMode": spec.pid_mode,
        "Privileged": spec.privileged, "PublishAllPorts": spec.publish_all,
        "ReadonlyRootfs": spec.rootfs.readonly,
        "SecurityOpt": security_opt if security_opt or spec.security_opt else None,
    }
    if spec.tmpfs:  # omitted when empty, as Docker's
        out["Tmpfs"] = dict(spec.tmpfs)
    out.update({"UTSMode": spec.uts_mode,
                "UsernsMode": f"remap:{spec.userns.uid_base}:{spec.userns.size}" if spec.userns.size
                else spec.userns_mode,
                "ShmSize": DEFAULT_SHM_SIZE})
    if spec.sysctls:
        out["Sysctls"] = dict(spec.sysctls)
    out.update({"Runtime": spec.runtime or "doca",
                "ConsoleSize": [spec.console_size.rows, spec.console_size.cols], "Isolation": ""})
    out.update(_limits(spec.resources))
    out.setdefault("CgroupParent", spec.cgroup_parent)
    out.setdefault("Devices", [])
    out.setdefault("DeviceCgroupRules", None)
    out.setdefault("DeviceRequests", None)
    out.setdefault("KernelMemory", 0)
    out.setdefault("KernelMemoryTCP", 0)
    out["Ulimits"] = _ulimits(spec.ulimits)
    for key in ("CpuCount", "CpuPercent", "IOMaximumIOps", "IOMaximumBandwidth"):
        out.setdefault(key, 0)
    out["MaskedPaths"] = None if spec.privileged else [] if unconfined else list(MASKED_PATHS)
    out["ReadonlyPaths"] = None if spec.privileged else [] if unconfined else list(READONLY_PATHS)
    if spec.masked_paths_set and not spec.privileged:  # given (CRI, Engine API): what the container got
        out["MaskedPaths"] = list(spec.masked_paths)
    if spec.readonly_paths_set and not spec.privileged:
        out["ReadonlyPaths"] = list(spec.readonly_paths)
    if spec.init:  # Docker's *bool: absent unless --init was given
        out["Init"] = True
    if spec.annotations:  # docker 28's, omitempty
        out["Annotations"] = dict(spec.annotations)
    return out


def _config(spec, exposed) -> dict:
    stdin, stdout, stderr = run_more.attach_flags(spec)  # -d, -a, -i
    out = {
        "Hostname": spec.hostname, "Domainname": spec.domainname, "User": spec.process.user,
        "AttachStdin": stdin, "AttachStdout": stdout, "AttachStderr": stderr,
    }
    if exposed:
        out["ExposedPorts"] = {key: {} for key in exposed}
    out.update({
        "Tty": spec.tty, "OpenStdin": spec.open_stdin, "StdinOnce": spec.open_stdin and stdin,
        # A record from before config_env: its process's environment
        "Env": list(spec.config_env) if spec.config_env else list(spec.process.env),
        "Cmd": list(spec.cmd) or None,
    })
    if spec.healthcheck.test:
        hc = spec.healthcheck  # moby's HealthConfig: every field but Test is omitempty
        out["Healthcheck"] = {"Test": list(hc.test), **{k: v for k, v in (
            ("Interval", hc.interval), ("Timeout", hc.timeout), ("StartPeriod", hc.start_period),
            ("StartInterval", hc.start_interval), ("Retries", hc.retries)) if v}}
    out.update({
        "Image": spec.image, "Volumes": {v: {} for v in spec.config_volumes} or None,
        "WorkingDir": spec.process.cwd if spec.process.cwd != "/" else "",
        "Entrypoint": list(spec.entrypoint) or None,
        **({"MacAddress": spec.mac_address} if spec.mac_address else {}),  # --mac-address (omitempty)
        "OnBuild": None, "Labels": dict(spec.labels),
    })
    if spec.stop_signal:
        out["StopSignal"] = spec.stop_signal
    if spec.HasField("stop_timeout"):
        out["StopTimeout"] = spec.stop_timeout
    return out


def _network_settings(ctr, endpoints, ports) -> dict:
    live = ctr.status in ("running", "paused", "restarting")
    networks = {}
    for ep in endpoints:
        networks[ep.network] = {
            "IPAMConfig": None,
            # a user network's --link, as given (the default bridge's are HostConfig.Links)
            "Links": list(ctr.spec.links) if ep.network == ctr.spec.network_mode != "bridge" and ctr.spec.links
            else None,
            "Aliases": list(ep.aliases) or None,
            "NetworkID": ep.network_id or ep.network, "EndpointID": ep.host_interface, "Gateway": ep.gateway,
            "IPAddress": ep.ip_address, "IPPrefixLen": ep.prefix_len, "IPv6Gateway": "",
            "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": ep.mac_address, "DriverOpts": None,
        }
    if not endpoints and ctr.spec.network_mode == "none":
        networks["none"] = {
            "IPAMConfig": run_more.ipam_config(ctr.spec), "Links": None, "Aliases": None,
            "NetworkID": NONE_NETWORK_ID if live else "",
            "EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "",
            "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "", "DriverOpts": None}
    if ctr.spec.network_mode == "host":  # Docker's builtin host network, one endpoint without an address
        networks["host"] = {
            "IPAMConfig": None, "Links": None, "Aliases": None, "NetworkID": HOST_NETWORK_ID if live else "",
            "EndpointID": _host_endpoint(ctr.id) if live else "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "",
            "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "", "DriverOpts": None}
    first = endpoints[0] if endpoints else None
    return {
        "Bridge": "", "SandboxID": "", "HairpinMode": False, "LinkLocalIPv6Address": "", "LinkLocalIPv6PrefixLen": 0,
        "Ports": ports, "SandboxKey": ctr.netns_path, "SecondaryIPAddresses": None, "SecondaryIPv6Addresses": None,
        "EndpointID": first.host_interface if first else "",
        "Gateway": first.gateway if first else "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
        "IPAddress": first.ip_address if first else "", "IPPrefixLen": first.prefix_len if first else 0,
        "IPv6Gateway": "", "MacAddress": first.mac_address if first else "",
        "Networks": networks,
    }


def container(ctr, endpoints, sandbox=None) -> dict:
    """Docker 20.10's container document, its keys in its order.
    `sandbox`: the network service's record of the container (ports, its
    /etc files), if any."""
    spec = ctr.spec
    args = list(spec.process.args)
    exposed = list(sandbox.exposed) if sandbox else []
    # exposed, not published: null, as Docker shows them (none without a network)
    shared = spec.network_mode == "host" or spec.network_mode.startswith("container:")
    ports = {key: None for key in exposed} if spec.network_mode != "none" and not shared else {}
    live = ctr.status in ("running", "paused", "restarting")  # Docker shows none for a stopped one
    for key, held in _port_bindings(sandbox.ports if sandbox and live else []).items():
        ports[key] = [{"HostIp": h["HostIp"] or "0.0.0.0", "HostPort": h["HostPort"]} for h in held]
    return {
        "Id": ctr.id,
        "Created": _ts(ctr.created_at),
        "Path": args[0] if args else "",
        "Args": args[1:],
        "State": _state(ctr),
        "Image": spec.image_id,
        **_etc_paths(ctr, sandbox),
        "LogPath": ctr.log_path,
        "Name": "/" + ctr.name,
        "RestartCount": ctr.restart_count,
        "Driver": "overlay2",  # as info's Storage Driver says
        "Platform": "linux",
        "MountLabel": "", "ProcessLabel": "", "AppArmorProfile": "", "ExecIDs": None,
        "HostConfig": _host_config(spec, sandbox),
        "GraphDriver": {"Data": {
            "LowerDir": ":".join(spec.rootfs.lower_dirs), "MergedDir": ctr.bundle + "/rootfs",
            "UpperDir": spec.rootfs.upper_dir, "WorkDir": spec.rootfs.work_dir}, "Name": "overlay2"},
        "Mounts": _mounts(spec, sandbox),
        "Config": _joiner_config(ctr, _config(spec, exposed or list(spec.exposed_ports))),  # a network none's too
        "NetworkSettings": _network_settings(ctr, endpoints, ports),
    }


def network(net, endpoints, names: dict) -> dict:
    """Docker's network document; `names`: container id -> name."""
    from gateway.api import network_document
    return {
        "Name": net.name, "Id": net.id, "Created": timestamps.rfc3339(net.created), "Scope": "local",
        "Driver": net.driver, "EnableIPv6": False,
        "IPAM": network_document.ipam(net),
        "Internal": net.internal, "Attachable": net.attachable, "Ingress": False,
        "ConfigFrom": {"Network": ""}, "ConfigOnly": False,
        "Containers": {ep.container_id: {
            "Name": names.get(ep.container_id) or ep.container_name, "EndpointID": ep.host_interface,
            "MacAddress": ep.mac_address, "IPv4Address": f"{ep.ip_address}/{ep.prefix_len}", "IPv6Address": ""}
            for ep in endpoints},
        "Options": network_document.options(net),
        "Labels": dict(net.labels),
    }


def _links(spec):
    """HostConfig.Links: the default bridge's legacy links, as Docker shows
    them (/TARGET:/SELF/ALIAS); names as given (doca keeps no renames)."""
    if not spec.links or spec.network_mode != "bridge":  # a user network's are its endpoint's
        return None
    out = []
    for link in spec.links:
        target, _, alias = link.partition(":")
        out.append(f"/{target.lstrip('/')}:/{spec.name}/{alias or target.lstrip('/')}")
    return out


def _joined(ctr) -> bool:
    return ctr.spec.network_mode.startswith("container:")


def _etc_paths(ctr, sandbox) -> dict:
    """ResolvConfPath, HostnamePath, HostsPath: the sandbox's files; a
    --network container: one's are its donor's, shown once it has started
    (Docker's: "" until then)."""
    if _joined(ctr):
        started = ctr.status != "created"
        files = {m.destination: m.source for m in ctr.spec.mounts} if started else {}
        return {"ResolvConfPath": files.get("/etc/resolv.conf", ""), "HostnamePath": files.get("/etc/hostname", ""),
                "HostsPath": files.get("/etc/hosts", "")}
    return {"ResolvConfPath": sandbox.resolv_conf_path if sandbox else "",
            "HostnamePath": sandbox.hostname_path if sandbox else "",
            "HostsPath": sandbox.hosts_path if sandbox else ""}


def _joiner_config(ctr, config: dict) -> dict:
    """Docker shows a --network container: one's own short id as its
    Config.Hostname until it starts, the donor's after."""
    if _joined(ctr) and ctr.status == "created":
        config["Hostname"] = ctr.id[:12]
    return config


def _host_endpoint(cid: str) -> str:
    """Docker gives a host-mode container an endpoint on its host network
    (an id, no address); doca has no endpoint there: one id derived from
    the container's, stable across inspects."""
    return hashlib.sha256(f"host-endpoint:{cid}".encode()).hexdigest()


def host_network(containers) -> dict:
    """Docker's builtin `host` network (driver host): the running
    containers of --network host, without addresses."""
    doc = none_network(HOST_NETWORK_ID, containers)
    doc.update({"Name": "host", "Driver": "host"})
    for cid, entry in doc["Containers"].items():
        entry["EndpointID"] = _host_endpoint(cid)  # the one its inspect shows
    return doc


def none_network(network_id: str, containers) -> dict:
    """Docker's builtin `none` network (driver null): the running
    containers of --network none, without addresses."""
    return {
        "Name": "none", "Id": network_id, "Created": "0001-01-01T00:00:00Z", "Scope": "local",
        "Driver": "null", "EnableIPv6": False,
        "IPAM": {"Driver": "default", "Options": None, "Config": []},
        "Internal": False, "Attachable": False, "Ingress": False,
        "ConfigFrom": {"Network": ""}, "ConfigOnly": False,
        "Containers": {c.id: {"Name": c.name, "EndpointID": "", "MacAddress": "", "IPv4Address": "",
                              "IPv6Address": ""} for c in containers},
        "Options": {}, "Labels": {},
    }


def _healthcheck(hc) -> dict:
    """Docker's Healthcheck document (durations in nanoseconds)."""
    return {"Test": list(hc.test) or None, "Interval": hc.interval, "Timeout": hc.timeout,
            "StartPeriod": hc.start_period, "Retries": hc.retries, "StartInterval": hc.start_interval}


# An image config's keys with Docker's zero values (its ContainerConfig type).
_EMPTY_CONFIG = {"Hostname": "", "Domainname": "", "User": "", "AttachStdin": False, "AttachStdout": False,
                 "AttachStderr": False, "Tty": False, "OpenStdin": False, "StdinOnce": False, "Env": None,
                 "Cmd": None, "Image": "", "Volumes": None, "WorkingDir": "", "Entrypoint": None, "OnBuild": None,
                 "Labels": None}


def _image_config(cfg) -> dict:
    """Docker's image Config: every key of its type, ExposedPorts,
    Healthcheck, StopSignal and Shell only when set (omitempty)."""
    out = dict(_EMPTY_CONFIG, User=cfg.user, Env=list(cfg.env) or None, Cmd=list(cfg.cmd) or None,
               Volumes={v: {} for v in cfg.volumes} or None, WorkingDir=cfg.working_dir,
               Entrypoint=list(cfg.entrypoint) or None, OnBuild=list(cfg.on_build) or None,
               Labels=dict(cfg.labels) or None)
    if cfg.exposed_ports:
        out["ExposedPorts"] = {p: {} for p in cfg.exposed_ports}
    if cfg.HasField("healthcheck"):
        out["Healthcheck"] = _healthcheck(cfg.healthcheck)
    if cfg.stop_signal:
        out["StopSignal"] = cfg.stop_signal
    if cfg.shell:
        out["Shell"] = list(cfg.shell)
    return out


def image(img) -> dict:
    """Docker 20.10's image document (the CLI orders its keys)."""
    return {
        "Id": img.id,
        "RepoTags": list(img.repo_tags),
        "RepoDigests": list(img.repo_digests),
        "Parent": "",
        "Comment": img.comment,
        "Created": _ts(img.created),
        "Container": "",
        "ContainerConfig": dict(_EMPTY_CONFIG),
        "DockerVersion": "",
        "Author": img.author,
        "Config": _image_config(img.config),
        "Architecture": img.architecture or "amd64",
        "Os": img.os or "linux",
        "Size": img.size,
        "VirtualSize": img.size,
        "GraphDriver": {"Data": {}, "Name": "overlay2"},
        "RootFS": {"Type": "layers", "Layers": list(img.diff_ids)},
        "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"},
    }


def volume(vol) -> dict:
    return {
        "Name": vol.name, "Driver": vol.driver or "local", "Mountpoint": vol.mountpoint,
        # Docker's volume store keeps time.RFC3339: whole seconds
        "CreatedAt": _ts(vol.created_at.__class__(seconds=vol.created_at.seconds)), "Labels": dict(vol.labels) or None,
        "Scope": "local", "Options": dict(vol.options) or None, "UsedBy": list(vol.used_by),
    }
