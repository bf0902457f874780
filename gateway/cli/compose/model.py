"""A project's services, networks and volumes in one canonical form (the
long syntax of every key, paths made absolute, env files read), which
`compose config` prints and create.py turns into containers. The
references between them are checked here: an undefined network, volume or
service, a dependency cycle."""
import os
import shlex

from gateway.cli.compose.errors import BadFile, ComposeError

INVALID = "invalid compose project"
CONDITIONS = ("service_started", "service_healthy", "service_completed_successfully")


class Model:
    def __init__(self, project):
        self.project = project
        self.name = project.name
        self.networks = _networks(project)
        self.volumes = _volumes(project)
        self.services = {name: _service(project, name, svc or {}, self) for name, svc in project.services.items()}
        for svc in self.services.values():  # network_mode service:X: X first, as Compose
            mode = svc.get("network_mode", "")
            if mode.startswith("service:") and mode[len("service:"):] not in svc["depends_on"]:
                svc["depends_on"][mode[len("service:"):]] = {"condition": "service_started", "required": True}
        for name, svc in self.services.items():
            for dep in svc["depends_on"]:
                if dep not in self.services:
                    raise BadFile(f'service "{name}" depends on undefined service "{dep}": {INVALID}')
        self.order = _ordered(self.services)

    def selected(self, names, with_deps: bool = True) -> list[str]:
        """`names` (all services when none) and what they depend on, in start order."""
        for n in names:
            if n not in self.services:
                raise ComposeError(f"no such service: {n}")
        wanted = set(names or self.services)
        if with_deps:
            todo = list(wanted)
            while todo:
                for dep in self.services[todo.pop()]["depends_on"]:
                    if dep not in wanted:
                        wanted.add(dep)
                        todo.append(dep)
        return [n for n in self.order if n in wanted]

    def document(self) -> dict:
        """The resolved model, as `compose config` prints it."""
        doc: dict = {"name": self.name, "services": {}}
        for name in sorted(self.services):
            svc = {k: v for k, v in self.services[name].items()
                   if v not in (None, [], {}, "") and k not in ("depends_on", "limits")}
            if self.services[name]["limits"]:
                svc["deploy"] = {"resources": {"limits": self.services[name]["limits"]}}
            if self.services[name]["depends_on"]:
                svc["depends_on"] = self.services[name]["depends_on"]
            doc["services"][name] = svc
        used = {n for svc in self.services.values() for n in svc["networks"]}
        doc["networks"] = {k: _shown(v) for k, v in self.networks.items() if k != "default" or k in used}
        if self.volumes:
            doc["volumes"] = {k: _shown(v) for k, v in self.volumes.items()}
        return doc


def _shown(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if v not in (None, {}, [], False, "")}


def _networks(project) -> dict:
    nets = {"default": None, **{k: v for k, v in project.networks.items()}}
    out = {}
    for key, net in nets.items():
        net = dict(net or {})
        external = _external(net)
        name = net.get("name") or (key if external else f"{project.name}_{key}")
        ipam = net.get("ipam") or {}
        config = (ipam.get("config") or [{}])[0] or {}
        out[key] = {"name": str(name), "external": external, "driver": net.get("driver") or "",
                    "internal": bool(net.get("internal", False)), "labels": _labels(net.get("labels"), f"networks.{key}"),
                    "subnet": str(config.get("subnet") or ""), "gateway": str(config.get("gateway") or "")}
    return out


def _external(obj: dict) -> bool:
    value = obj.get("external", False)
    return bool(value.get("name") or True) if isinstance(value, dict) else _bool(value)


def _volumes(project) -> dict:
    out = {}
    for key, vol in project.volumes.items():
        vol = dict(vol or {})
        external = _external(vol)
        name = vol.get("name") or (key if external else f"{project.name}_{key}")
        out[key] = {"name": str(name), "external": external, "driver": vol.get("driver") or "",
                    "driver_opts": {str(k): str(v) for k, v in (vol.get("driver_opts") or {}).items()},
                    "labels": _labels(vol.get("labels"), f"volumes.{key}")}
    return out


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "yes", "1", "on")
    return bool(value)


def _labels(value, where: str) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): "" if v is None else _scalar(v) for k, v in value.items()}
    if isinstance(value, list):
        return dict((str(i).split("=", 1) + [""])[:2] for i in value)
    raise BadFile(f"{where} must be a mapping or a list")


def _scalar(v) -> str:
    """A YAML scalar as the string Compose makes of it (true, not True)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _words(value, where: str):
    """command/entrypoint: a list as it is, a string split as a shell would."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as e:
            raise BadFile(f"{where}: {e}") from None
    if isinstance(value, list):
        return [_scalar(v) for v in value]
    raise BadFile(f"{where} must be a string or a list")


def _environment(project, name: str, svc: dict) -> dict:
    env: dict = {}
    files = svc.get("env_file") or []
    for item in [files] if isinstance(files, (str, dict)) else files:
        path, required = (item.get("path"), _bool(item.get("required", True))) if isinstance(item, dict) \
            else (item, True)
        path = os.path.join(project.workdir, str(path))
        if not os.path.isfile(path):
            if required:
                raise BadFile(f'env file {path} not found: stat {path}: no such file or directory')
            continue
        from gateway.cli.compose import dotenv
        env.update(dotenv.read(path, {}))
    value = svc.get("environment")
    pairs = value.items() if isinstance(value, dict) else \
        ((str(i).split("=", 1) + [None])[:2] for i in (value or []))
    for k, v in pairs:
        # KEY alone (or KEY: null): the value the project's environment has, else left out
        env[str(k)] = project.env.get(str(k)) if v is None else _scalar(v)
    return env


def _port(item, where: str) -> list[dict]:
    """A port in its long form (a short one may be a range: several)."""
    if isinstance(item, dict):
        if "target" not in item:
            raise BadFile(f"{where}: a port needs a target")
        try:
            target = int(item["target"])
        except ValueError:
            raise BadFile(f"{where}.target: invalid port {item['target']!r}") from None
        return [{"mode": item.get("mode", "ingress"), "host_ip": str(item.get("host_ip") or ""),
                 "target": target, "published": str(item.get("published") or ""),
                 "protocol": item.get("protocol", "tcp")}]
    text = str(item)
    text, _, proto = text.partition("/")
    host_ip = ""
    if text.startswith("["):
        close = text.find("]")
        host_ip, text = text[1:close], text[close + 2:]
    parts = text.split(":")
    if len(parts) == 3:
        host_ip, published, target = parts
    elif len(parts) == 2:
        published, target = parts
    elif len(parts) == 1:
        published, target = "", parts[0]
    else:
        raise BadFile(f"{where}: invalid port {item!r}")
    try:
        lo, _, hi = target.partition("-")
        targets = list(range(int(lo), int(hi or lo) + 1))
        plo, _, phi = published.partition("-")
        published_ports = list(range(int(plo), int(phi or plo) + 1)) if published else []
    except ValueError:
        raise BadFile(f"{where}: invalid port {item!r}") from None
    if published_ports and len(published_ports) != len(targets) and len(published_ports) > 1:
        raise BadFile(f"{where}: invalid port {item!r}: the ranges differ")
    out = []
    for i, t in enumerate(targets):
        pub = "" if not published_ports else str(published_ports[i] if len(published_ports) > 1 else
                                                 published_ports[0])
        out.append({"mode": "ingress", "host_ip": host_ip, "target": t, "published": pub,
                    "protocol": proto or "tcp"})
    return out


def _is_path(source: str) -> bool:
    return source.startswith(("/", ".", "~")) or source == "."


def _volume(project, model, name: str, item, where: str) -> dict:
    if isinstance(item, dict):
        mount = {k: v for k, v in item.items()}
        kind = mount.get("type") or "volume"
        if kind not in ("volume", "bind", "tmpfs"):
            raise BadFile(f"{where}: volume type {kind!r} is not supported (volume, bind, tmpfs)")
        if not mount.get("target"):
            raise BadFile(f"{where}: a volume needs a target")
        mount["type"] = kind
    else:
        parts = str(item).split(":")
        if len(parts) == 1:
            mount = {"type": "volume", "target": parts[0]}
        else:
            source, target, mode = parts[0], parts[1], ":".join(parts[2:])
            mount = {"type": "bind" if _is_path(source) else "volume", "source": source, "target": target}
            if "ro" in mode.split(","):
                mount["read_only"] = True
            if mount["type"] == "bind":
                mount["bind"] = {"create_host_path": True}
    if not str(mount["target"]).startswith("/"):
        raise BadFile(f"{where}: invalid mount path {mount['target']!r}: it must be absolute")
    source = mount.get("source")
    if mount["type"] == "bind":
        if not source:
            raise BadFile(f"{where}: a bind mount needs a source")
        mount["source"] = os.path.normpath(os.path.join(project.workdir, os.path.expanduser(str(source))))
    elif mount["type"] == "volume" and source:
        if source not in model.volumes:
            raise BadFile(f'service "{name}" refers to undefined volume {source}: {INVALID}')
    return mount


def _service_networks(model, name: str, svc: dict) -> dict:
    value = svc.get("networks")
    if svc.get("network_mode"):
        return {}
    if value is None:
        return {"default": None}
    nets = {str(n): None for n in value} if isinstance(value, list) else dict(value)
    for net in nets:
        if net not in model.networks:
            raise BadFile(f'service "{name}" refers to undefined network {net}: {INVALID}')
    out = {}
    for net, opts in nets.items():
        opts = dict(opts or {})
        out[net] = {k: v for k, v in (("aliases", [str(a) for a in opts.get("aliases") or []]),
                                      ("ipv4_address", opts.get("ipv4_address"))) if v} or None
    return out


def _depends(name: str, value) -> dict:
    if not value:
        return {}
    if isinstance(value, list):
        return {str(d): {"condition": "service_started", "required": True} for d in value}
    out = {}
    for dep, opts in value.items():
        opts = dict(opts or {})
        cond = opts.get("condition", "service_started")
        if cond not in CONDITIONS:
            raise BadFile(f'service "{name}": depends_on.{dep}.condition must be one of {", ".join(CONDITIONS)}')
        out[str(dep)] = {"condition": cond, "required": _bool(opts.get("required", True)),
                         **({"restart": _bool(opts["restart"])} if "restart" in opts else {})}
    return out


def _healthcheck(svc: dict, where: str):
    hc = svc.get("healthcheck")
    if hc is None:
        return None
    out = {k: v for k, v in hc.items() if k != "test"}
    test = hc.get("test")
    if isinstance(test, str):
        out["test"] = ["CMD-SHELL", test]
    elif isinstance(test, list):
        out["test"] = [_scalar(t) for t in test]
        if out["test"] and out["test"][0] not in ("CMD", "CMD-SHELL", "NONE"):
            raise BadFile(f"{where}.test must start with CMD, CMD-SHELL or NONE")
    return out


def _service(project, name: str, svc: dict, model) -> dict:
    where = f"services.{name}"
    build = svc.get("build")
    if isinstance(build, str):
        build = {"context": build}
    if build is not None:
        build = {"context": os.path.normpath(os.path.join(project.workdir, str(build.get("context") or "."))),
                 "dockerfile": str(build.get("dockerfile") or "Dockerfile"),
                 **({"args": _pairs(build["args"])} if build.get("args") else {}),
                 **({"target": str(build["target"])} if build.get("target") else {}),
                 **({"labels": _labels(build["labels"], f"{where}.build.labels")} if build.get("labels") else {})}
    if not svc.get("image") and build is None:
        raise BadFile(f'service "{name}" has neither an image nor a build context specified: {INVALID}')
    ports = [p for i, item in enumerate(svc.get("ports") or []) for p in _port(item, f"{where}.ports[{i}]")]
    limits = ((svc.get("deploy") or {}).get("resources") or {}).get("limits") or {}
    return {
        "image": str(svc.get("image") or f"{project.name}-{name}"),
        "build": build,
        "command": _words(svc.get("command"), f"{where}.command"),
        "entrypoint": _words(svc.get("entrypoint"), f"{where}.entrypoint"),
        "environment": _environment(project, name, svc),
        "ports": ports,
        "expose": [str(e) for e in svc.get("expose") or []],
        "volumes": [_volume(project, model, name, v, f"{where}.volumes[{i}]")
                    for i, v in enumerate(svc.get("volumes") or [])],
        "networks": _service_networks(model, name, svc),
        "depends_on": _depends(name, svc.get("depends_on")),
        "restart": str(svc.get("restart") or ""),
        "healthcheck": _healthcheck(svc, f"{where}.healthcheck"),
        "labels": _labels(svc.get("labels"), f"{where}.labels"),
        "container_name": str(svc.get("container_name") or ""),
        "working_dir": str(svc.get("working_dir") or ""),
        "user": str(svc.get("user") or ""),
        "hostname": str(svc.get("hostname") or ""),
        "domainname": str(svc.get("domainname") or ""),
        "limits": {k: _scalar(v) for k, v in {"memory": limits.get("memory", svc.get("mem_limit")),
                                              "cpus": limits.get("cpus", svc.get("cpus")),
                                              "pids": limits.get("pids", svc.get("pids_limit"))}.items()
                   if v is not None},
        "stop_signal": str(svc.get("stop_signal") or ""),
        "stop_grace_period": _duration(svc.get("stop_grace_period"), f"{where}.stop_grace_period"),
        **{k: _bool(svc[k]) for k in ("tty", "stdin_open", "init", "privileged", "read_only") if k in svc},
        **{k: [str(x) for x in svc[k]] for k in ("cap_add", "cap_drop", "dns", "tmpfs") if svc.get(k)},
        **({"tmpfs": [str(svc["tmpfs"])]} if isinstance(svc.get("tmpfs"), str) else {}),
        "extra_hosts": _hosts(svc.get("extra_hosts")),
        "shm_size": str(svc.get("shm_size") or ""),
        "pull_policy": str(svc.get("pull_policy") or ""),
        "network_mode": str(svc.get("network_mode") or ""),
        "profiles": [str(p) for p in svc.get("profiles") or []],
        **_passed(svc, where),
    }


def _passed(svc: dict, where: str) -> dict:
    """The keys that are one `doca create` flag each (engine.FLAGS), as strings."""
    from gateway.cli.compose import engine
    out: dict = {}
    for key in engine.SCALAR_FLAGS:
        if svc.get(key) is not None:
            out[key] = _scalar(svc[key])
    for key in engine.LIST_FLAGS:
        value = svc.get(key)
        if value:
            out[key] = [str(value)] if isinstance(value, str) else [str(v) for v in value]
    for key in engine.MAP_FLAGS:
        if svc.get(key):
            out[key] = _labels(svc[key], f"{where}.{key}")
    limits = {}
    for name, value in (svc.get("ulimits") or {}).items():
        if isinstance(value, dict):
            limits[str(name)] = {"soft": int(value.get("soft", 0)), "hard": int(value.get("hard", 0))}
        else:
            limits[str(name)] = int(value)
    if limits:
        out["ulimits"] = limits
    if svc.get("logging"):
        out["logging"] = {k: v for k, v in (("driver", str(svc["logging"].get("driver") or "")),
                                            ("options", _labels(svc["logging"].get("options"), where)))
                          if v}
    if svc.get("network_mode") and svc.get("networks"):
        raise BadFile(f'service "{where.split(".", 1)[1]}" declares mutually exclusive `network_mode` and '
                      "`networks`: invalid compose project")
    return out


def _pairs(value) -> dict:
    """build.args: a mapping, or a list of KEY=VALUE."""
    if isinstance(value, dict):
        return {str(k): "" if v is None else _scalar(v) for k, v in value.items()}
    return dict((str(a).split("=", 1) + [""])[:2] for a in value)


def _duration(value, where: str) -> str:
    """A Go duration (1m30s), checked here: a bad one fails before anything is made."""
    if value is None or value == "":
        return ""
    from gateway.cli.compose import engine
    try:
        engine.seconds(str(value))
    except BadFile:
        raise BadFile(f"{where}: invalid duration {value!r}") from None
    return str(value)


def _hosts(value) -> list:
    if isinstance(value, dict):
        return [f"{k}:{v}" for k, v in value.items()]
    return [str(h).replace("=", ":", 1) for h in value or []]


def _ordered(services: dict) -> list[str]:
    """Dependencies first; a cycle is an error naming it."""
    order, state = [], {}

    def visit(name, path):
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = path[path.index(name):] + [name]
            raise BadFile(f"dependency cycle detected: {' -> '.join(cycle)}")
        state[name] = "visiting"
        for dep in services[name]["depends_on"]:
            visit(dep, path + [name])
        state[name] = "done"
        order.append(name)

    for name in sorted(services):
        visit(name, [])
    return order
