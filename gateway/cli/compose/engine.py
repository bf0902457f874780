"""What compose does through the CLI's own verbs: a service made into the
command line of `doca create` (read by the CLI's parser, converted by its
request table: the same ContainerConfig `doca create` sends), the
project's containers found by their labels, its networks and volumes made
and removed through the same stubs as `doca network`/`doca volume`."""
import sys

from gateway.cli.compose import labels as L
from gateway.cli.compose.errors import BadFile, ComposeError
from gateway.cli.rpc import conn, doca_v1 as pb
from gateway.cli.rpc.client import RpcError


def say(text: str) -> None:
    """Progress, on stderr as Docker Compose writes it."""
    sys.stderr.write(f" {text}\n")
    sys.stderr.flush()


def cli_args(args, verb: str, argv: list):
    """The namespace `doca VERB ARGV...` would have, on this call's gateway."""
    from gateway.cli import main
    sub = main.parse([verb, *argv])
    for key in ("host", "tlscacert", "tlscert", "tlskey"):
        setattr(sub, key, getattr(args, key, None))
    return sub


def not_found(err: RpcError) -> bool:
    return err.code().name == "NOT_FOUND"


# -- the project's containers ------------------------------------------------

def containers(args, project: str, services=None, all_: bool = True, oneoff: bool | None = False) -> list:
    """The project's containers (summaries), by service then number."""
    found = conn.containers(args).List(pb.ListRequest(all=all_, filters=[f"label={L.PROJECT}={project}"])).containers
    out = []
    for c in found:
        lab = dict(c.labels)
        if services is not None and lab.get(L.SERVICE) not in services:
            continue
        if oneoff is not None and (lab.get(L.ONEOFF) == "True") != oneoff:
            continue
        out.append(c)
    out.sort(key=lambda c: (c.labels.get(L.SERVICE, ""), _number(c)))
    return out


def _number(c) -> int:
    try:
        return int(c.labels.get(L.NUMBER, "0"))
    except ValueError:
        return 0


def short_name(name: str, labels) -> str:
    """Docker Compose's name of a container in logs: without the project
    when it is the default one (web-1), else the container_name as it is."""
    project = labels.get(L.PROJECT, "")
    default = f"{project}-{labels.get(L.SERVICE, '')}-{labels.get(L.NUMBER, '')}"
    return name[len(project) + 1:] if name == default else name


def inspect(args, ref: str) -> dict:
    from gateway.cli import output
    return output.struct_to_dict(conn.containers(args).Inspect(pb.ContainerRef(id=ref)))


# -- networks and volumes ------------------------------------------------------

def ensure_networks(args, model, keys) -> None:
    stub = conn.networks(args)
    for key in keys:
        net = model.networks[key]
        try:
            stub.Inspect(pb.NetworkRef(id=net["name"]))
            continue
        except RpcError as err:
            if not not_found(err):
                raise
        if net["external"]:
            raise ComposeError(f'network {net["name"]} declared as external, but could not be found')
        stub.Create(pb.CreateNetworkRequest(name=net["name"], driver=net["driver"] or "bridge", subnet=net["subnet"],
                                            gateway=net["gateway"], internal=net["internal"],
                                            labels={**net["labels"], **L.network(model.name, key)}))
        say(f"Network {net['name']}  Created")


def ensure_volumes(args, model, keys) -> None:
    stub = conn.volumes(args)
    for key in keys:
        vol = model.volumes[key]
        try:
            stub.Inspect(pb.VolumeRef(name=vol["name"]))
            continue
        except RpcError as err:
            if not not_found(err):
                raise
        if vol["external"]:
            raise ComposeError(f'external volume "{vol["name"]}" not found')
        stub.Create(pb.CreateVolumeRequest(name=vol["name"], driver=vol["driver"] or "local",
                                           driver_opts=vol["driver_opts"],
                                           labels={**vol["labels"], **L.volume(model.name, key)}))
        say(f'Volume "{vol["name"]}"  Created')


def used(model, names) -> tuple[list, list]:
    """The network and volume keys the services `names` use."""
    nets, vols = [], []
    for name in names:
        svc = model.services[name]
        nets += [n for n in svc["networks"] if n not in nets]
        vols += [m["source"] for m in svc["volumes"]
                 if m["type"] == "volume" and m.get("source") and m["source"] not in vols]
    return nets, vols


# -- a service as `doca create`'s command line ----------------------------------

def seconds(text: str) -> int:
    """A Go duration (1m30s, 10s) in whole seconds."""
    import re
    total, rest = 0.0, text.strip()
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", rest):
        total += float(amount) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[unit]
    if not re.fullmatch(r"(\d+(?:\.\d+)?(ms|us|ns|h|m|s))+", rest):
        raise BadFile(f"invalid duration {text!r}")
    return int(total)


# Compose keys that are one doca create flag each: a value, a list (the flag
# once per item), a mapping (KEY=VALUE per pair).
SCALAR_FLAGS = {"pid": "--pid", "ipc": "--ipc", "mem_reservation": "--memory-reservation",
                "memswap_limit": "--memory-swap", "cpu_shares": "--cpu-shares", "cpuset": "--cpuset-cpus",
                "platform": "--platform", "cgroup_parent": "--cgroup-parent", "userns_mode": "--userns",
                "runtime": "--runtime", "mac_address": "--mac-address", "oom_score_adj": "--oom-score-adj"}
LIST_FLAGS = {"security_opt": "--security-opt", "devices": "--device", "links": "--link",
              "group_add": "--group-add", "dns_search": "--dns-search", "dns_opt": "--dns-option",
              "device_cgroup_rules": "--device-cgroup-rule"}
MAP_FLAGS = {"sysctls": "--sysctl", "annotations": "--annotation"}


def _network_mode(model, mode: str) -> str:
    """network_mode as --network: service:NAME is that service's first container."""
    if mode.startswith("service:"):
        other = mode[len("service:"):]
        if other not in model.services:
            raise BadFile(f'service "{other}" not found for network_mode \'{mode}\'')
        return f"container:{model.services[other]['container_name'] or f'{model.name}-{other}-1'}"
    return mode


def create_argv(model, name: str, cname: str, lab: dict, ports: bool = True, overrides: dict | None = None) -> list:
    opts, image, command = create_parts(model, name, cname, lab, ports, overrides)
    return [*opts, image, *command]


def create_parts(model, name: str, cname: str, lab: dict, ports: bool = True, overrides: dict | None = None):
    """`doca create`'s (options, image, command) for service `name` (its
    first network with --network; the others are connected by connect_networks)."""
    svc, o = model.services[name], overrides or {}
    argv = ["--name", cname]
    for k, v in {**svc["labels"], **lab}.items():
        argv += ["--label", f"{k}={v}"]
    env = {**svc["environment"], **o.get("environment", {})}
    for k, v in env.items():
        if v is not None:
            argv += ["-e", f"{k}={v}"]
    if ports:
        for p in svc["ports"]:
            spec = f"{p['target']}/{p['protocol']}"
            if p["published"]:
                spec = f"{p['published']}:{spec}"
                if p["host_ip"]:
                    host = f"[{p['host_ip']}]" if ":" in p["host_ip"] else p["host_ip"]
                    spec = f"{host}:{spec}"
            argv += ["-p", spec]
    for p in o.get("publish", []):
        argv += ["-p", p]
    for e in svc["expose"]:
        argv += ["--expose", e]
    for m in svc["volumes"] + o.get("volumes", []):
        argv += _mount(model, m)
    if svc.get("network_mode"):
        argv += ["--network", _network_mode(model, svc["network_mode"])]
    else:
        first, *_ = svc["networks"] or {"default": None}
        opts = svc["networks"].get(first) or {}
        argv += ["--network", model.networks[first]["name"]]
        for alias in [name, *opts.get("aliases", [])]:
            argv += ["--network-alias", alias]
        if opts.get("ipv4_address"):
            argv += ["--ip", opts["ipv4_address"]]
    for key, flag in SCALAR_FLAGS.items():
        if svc.get(key) not in (None, ""):
            argv += [flag, svc[key]]
    for key, flag in LIST_FLAGS.items():
        for value in svc.get(key) or []:
            argv += [flag, value]
    for key, flag in MAP_FLAGS.items():
        for k, v in (svc.get(key) or {}).items():
            argv += [flag, f"{k}={v}"]
    for k, v in (svc.get("ulimits") or {}).items():
        argv += ["--ulimit", f"{k}={v['soft']}:{v['hard']}" if isinstance(v, dict) else f"{k}={v}"]
    logging = svc.get("logging") or {}
    if logging.get("driver"):
        argv += ["--log-driver", logging["driver"]]
    for k, v in (logging.get("options") or {}).items():
        argv += ["--log-opt", f"{k}={v}"]
    simple = (("restart", "--restart"), ("working_dir", "-w"), ("user", "-u"), ("hostname", "-h"),
              ("domainname", "--domainname"), ("stop_signal", "--stop-signal"), ("shm_size", "--shm-size"))
    for key, flag in simple:
        value = o.get(key, svc[key])
        if value:
            argv += [flag, value]
    if svc["stop_grace_period"]:
        argv += ["--stop-timeout", str(seconds(svc["stop_grace_period"]))]
    for key, flag in (("tty", "-t"), ("stdin_open", "-i"), ("init", "--init"), ("privileged", "--privileged"),
                      ("read_only", "--read-only")):
        if svc.get(key):
            argv.append(flag)
    for key, flag in (("cap_add", "--cap-add"), ("cap_drop", "--cap-drop"), ("dns", "--dns"),
                      ("tmpfs", "--tmpfs"), ("extra_hosts", "--add-host")):
        for value in svc.get(key) or []:
            argv += [flag, value]
    limits = svc["limits"]
    for key, flag in (("memory", "-m"), ("cpus", "--cpus"), ("pids", "--pids-limit")):
        if key in limits:
            argv += [flag, limits[key]]
    argv += _health(svc["healthcheck"])
    if "entrypoint" in o or svc["entrypoint"] is not None:
        argv += ["--entrypoint", ""]  # the whole list is set on the config (entrypoint_of)
    command = o.get("command") if o.get("command") else svc["command"]
    return argv, svc["image"], list(command or [])


def entrypoint_of(model, name: str, overrides: dict | None = None):
    o = overrides or {}
    return o["entrypoint"] if "entrypoint" in o else model.services[name]["entrypoint"]


def _mount(model, m: dict) -> list:
    kind, target = m["type"], m["target"]
    if kind == "tmpfs":
        size = (m.get("tmpfs") or {}).get("size")
        return ["--tmpfs", f"{target}:size={size}" if size else target]
    if kind == "volume" and not m.get("source"):
        return ["-v", target]
    source = model.volumes[m["source"]]["name"] if kind == "volume" else m["source"]
    nocopy = kind == "volume" and (m.get("volume") or {}).get("nocopy")
    create = kind == "bind" and (m.get("bind") or {}).get("create_host_path", True) is not False
    if nocopy or (kind == "bind" and not create):
        spec = f"type={kind},source={source},target={target}" + (",readonly" if m.get("read_only") else "") + \
               (",volume-nocopy" if nocopy else "")
        return ["--mount", spec]
    return ["-v", f"{source}:{target}" + (":ro" if m.get("read_only") else "")]


def _health(hc) -> list:
    if hc is None:
        return []
    test = hc.get("test") or []
    if hc.get("disable") or test[:1] == ["NONE"]:
        return ["--no-healthcheck"]
    argv = []
    if test:
        import shlex
        # doca's healthcheck is CMD-SHELL: an exec form is quoted into one shell line
        argv += ["--health-cmd", test[1] if test[0] == "CMD-SHELL" else shlex.join(test[1:])]
    for key, flag in (("interval", "--health-interval"), ("timeout", "--health-timeout"),
                      ("start_period", "--health-start-period"), ("start_interval", "--health-start-interval")):
        if hc.get(key):
            argv += [flag, str(hc[key])]
    if hc.get("retries") is not None:
        argv += ["--health-retries", str(hc["retries"])]
    return argv


def create_config(args, model, name: str, cname: str, lab: dict, verb: str = "create", extra=(),
                  ports: bool = True, overrides: dict | None = None):
    """The namespace and ContainerConfig `doca create` would have for the service."""
    from gateway.cli import run
    sub = cli_args(args, verb, [*extra, *create_argv(model, name, cname, lab, ports, overrides)])
    entry = entrypoint_of(model, name, overrides)
    config = run.config(sub)
    if entry is not None:
        del config.entrypoint[:]
        config.entrypoint.extend(entry or [""])  # [] clears the image's, as --entrypoint ""
    return sub, config


def connect_networks(args, model, name: str, cid: str) -> None:
    """The service's networks after its first, each with its aliases."""
    svc = model.services[name]
    for key in list(svc["networks"])[1:]:
        opts = svc["networks"][key] or {}
        conn.networks(args).Connect(pb.ConnectRequest(network=model.networks[key]["name"], container=cid,
                                                      ip_address=opts.get("ipv4_address") or "",
                                                      aliases=[name, *opts.get("aliases", [])]))
