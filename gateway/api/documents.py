"""Docker-shaped inspect documents (Docker's field names where they exist),
built from the services' messages."""
from common import resources as limits, timestamps


def _ts(ts) -> str:
    return timestamps.rfc3339(timestamps.from_proto(ts))


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
    return out


def container(ctr, endpoints, sandbox=None) -> dict:
    """`sandbox`: the network service's record of the container (ports), if any."""
    spec = ctr.spec
    args = list(spec.process.args)
    running = ctr.status == "running"
    networks = {}
    for ep in endpoints:
        networks[ep.network] = {
            "NetworkID": ep.network_id or ep.network, "EndpointID": ep.host_interface, "Gateway": ep.gateway,
            "IPAddress": ep.ip_address, "IPPrefixLen": ep.prefix_len, "MacAddress": ep.mac_address,
            "Aliases": list(ep.aliases) or None,
        }
    first = endpoints[0] if endpoints else None
    exposed = list(sandbox.exposed) if sandbox else []
    ports = {key: None for key in exposed}  # exposed, not published: null, as Docker shows them
    live = ctr.status in ("running", "paused", "restarting")  # Docker shows none for a stopped one
    for key, held in _port_bindings(sandbox.ports if sandbox and live else []).items():
        ports[key] = [{"HostIp": h["HostIp"] or "0.0.0.0", "HostPort": h["HostPort"]} for h in held]
    binds = []
    mounts = []
    for m in spec.mounts:
        if sandbox and m.source in (sandbox.hosts_path, sandbox.hostname_path, sandbox.resolv_conf_path):
            continue  # the network service's /etc/hosts, as Docker's is not listed
        rw = "ro" not in m.options
        binds.append(f"{m.volume or m.source}:{m.destination}" + ("" if rw else ":ro"))
        mounts.append({
            "Type": "volume" if m.volume else "bind", "Name": m.volume, "Source": m.source,
            "Destination": m.destination, "Driver": "local" if m.volume else "",
            "Mode": "" if rw else "ro", "RW": rw, "Propagation": "rprivate",
        })
    return {
        "Id": ctr.id,
        "Created": _ts(ctr.created_at),
        "Path": args[0] if args else "",
        "Args": args[1:],
        "State": {
            "Status": ctr.status, "Running": running, "Paused": ctr.status == "paused",
            "Restarting": ctr.status == "restarting", "OOMKilled": ctr.oom_killed,
            "Dead": ctr.status == "dead", "Pid": ctr.pid if running else 0,
            "ExitCode": ctr.exit_code, "Error": ctr.error,
            "StartedAt": _ts(ctr.started_at), "FinishedAt": _ts(ctr.finished_at),
            **({"Health": {
                "Status": ctr.health.status, "FailingStreak": ctr.health.failing_streak,
                "Log": [{"Start": _ts(r.start), "End": _ts(r.end), "ExitCode": r.exit_code, "Output": r.output}
                        for r in ctr.health.log]}} if ctr.health.status else {}),
        },
        "Image": spec.image_id,
        "LogPath": ctr.log_path,
        "Name": "/" + ctr.name,
        "RestartCount": ctr.restart_count,
        "Driver": "overlay",
        "Platform": "linux",
        "HostConfig": {
            "Binds": binds, "NetworkMode": spec.network_mode or "bridge",
            "PortBindings": _port_bindings(sandbox.requested) if sandbox else {},
            "AutoRemove": spec.auto_remove, **_limits(spec.resources),
            "RestartPolicy": {"Name": spec.restart_policy.name or "no",
                              "MaximumRetryCount": spec.restart_policy.maximum_retry_count},
            "Runtime": spec.runtime or "doca", "Init": spec.init,
            "UsernsMode": f"remap:{spec.userns.uid_base}:{spec.userns.size}" if spec.userns.size else "",
            # containers from before --cgroupns had the host's
            "CgroupnsMode": spec.cgroupns or "host",
            "LogConfig": {"Type": "json-file", "Config": {
                "max-size": str(spec.log.max_size or 10 * 1024 * 1024), "max-file": str(spec.log.max_file or 3)}},
        },
        "GraphDriver": {"Name": "overlay", "Data": {
            "LowerDir": ":".join(spec.rootfs.lower_dirs), "UpperDir": spec.rootfs.upper_dir,
            "WorkDir": spec.rootfs.work_dir, "MergedDir": ctr.bundle + "/rootfs"}},
        "Mounts": mounts,
        "Config": {
            "Hostname": spec.hostname, "Domainname": "", "User": spec.process.user,
            "AttachStdin": False, "AttachStdout": True, "AttachStderr": True,
            "Tty": spec.tty, "OpenStdin": spec.open_stdin, "StdinOnce": spec.open_stdin,
            "Env": list(spec.process.env),
            "Cmd": list(spec.cmd) or None, "Image": spec.image,
            "WorkingDir": spec.process.cwd if spec.process.cwd != "/" else "",
            "Entrypoint": list(spec.entrypoint) or None, "Labels": dict(spec.labels),
            "ExposedPorts": {key: {} for key in exposed} or None,
            "StopSignal": spec.stop_signal or "SIGTERM",
            "StopTimeout": spec.stop_timeout if spec.HasField("stop_timeout") else None,
            **({"Healthcheck": {"Test": list(spec.healthcheck.test), "Interval": spec.healthcheck.interval,
                                "Timeout": spec.healthcheck.timeout, "StartPeriod": spec.healthcheck.start_period,
                                "Retries": spec.healthcheck.retries}} if spec.healthcheck.test else {}),
        },
        "NetworkSettings": {
            "SandboxKey": ctr.netns_path,
            "Gateway": first.gateway if first else "", "IPAddress": first.ip_address if first else "",
            "IPPrefixLen": first.prefix_len if first else 0, "MacAddress": first.mac_address if first else "",
            "Networks": networks, "Ports": ports,
        },
    }


def network(net, endpoints, names: dict) -> dict:
    """Docker's network document; `names`: container id -> name."""
    return {
        "Name": net.name, "Id": net.id, "Created": timestamps.rfc3339(net.created), "Scope": "local",
        "Driver": net.driver, "EnableIPv6": False,
        "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": net.subnet, "Gateway": net.gateway}]},
        "Internal": net.internal, "Attachable": False, "Ingress": False,
        "ConfigFrom": {"Network": ""}, "ConfigOnly": False,
        "Containers": {ep.container_id: {
            "Name": names.get(ep.container_id) or ep.container_name, "EndpointID": ep.host_interface,
            "MacAddress": ep.mac_address, "IPv4Address": f"{ep.ip_address}/{ep.prefix_len}", "IPv6Address": ""}
            for ep in endpoints},
        "Options": {"com.docker.network.bridge.name": net.bridge},
        "Labels": dict(net.labels),
    }


def _healthcheck(hc) -> dict:
    """Docker's Healthcheck document (durations in nanoseconds)."""
    return {"Test": list(hc.test) or None, "Interval": hc.interval, "Timeout": hc.timeout,
            "StartPeriod": hc.start_period, "Retries": hc.retries, "StartInterval": hc.start_interval}


def image(img) -> dict:
    cfg = img.config
    return {
        "Id": img.id,
        "RepoTags": list(img.repo_tags),
        "RepoDigests": list(img.repo_digests),
        "Parent": "",
        "Comment": img.comment,
        "Created": _ts(img.created),
        "Config": {
            "Env": list(cfg.env) or None, "Cmd": list(cfg.cmd) or None,
            "Entrypoint": list(cfg.entrypoint) or None, "WorkingDir": cfg.working_dir,
            "User": cfg.user, "Labels": dict(cfg.labels) or None,
            "ExposedPorts": {p: {} for p in cfg.exposed_ports} or None,
            "Volumes": {v: {} for v in cfg.volumes} or None,
            "StopSignal": cfg.stop_signal or None,
            "Healthcheck": _healthcheck(cfg.healthcheck) if cfg.HasField("healthcheck") else None,
            "OnBuild": list(cfg.on_build) or None,
            "Shell": list(cfg.shell) or None,
        },
        "Author": img.author,
        "Architecture": img.architecture or "amd64",
        "Os": img.os or "linux",
        "Size": img.size,
        "RootFS": {"Type": "layers", "Layers": list(img.diff_ids)},
        "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"},
    }


def volume(vol) -> dict:
    return {
        "Name": vol.name, "Driver": vol.driver or "local", "Mountpoint": vol.mountpoint,
        "CreatedAt": _ts(vol.created_at), "Labels": dict(vol.labels) or None,
        "Scope": "local", "Options": dict(vol.options) or None, "UsedBy": list(vol.used_by),
    }
