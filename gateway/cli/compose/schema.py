"""The keys of the Compose Specification `doca compose` carries out, level by
level. No packaged copy of the Compose JSON schema is in doca's
dependencies (docker-compose's copy ships inside a package doca does not
install, and checking it would need jsonschema too), so the check is this
table: a key it does not list is refused, naming the key and the file,
rather than silently ignored."""
from gateway.cli.compose.errors import BadFile

ANY = None  # a value not looked into


class Kind:
    """A leaf's type: the Python types YAML gives for it, and its name in the message."""

    def __init__(self, name: str, *types):
        self.name, self.types = name, types


STR = Kind("a string", str, int, float)  # 1.36 or 1000 read by YAML as numbers are taken as written
LIST = Kind("a list", list)
STR_OR_LIST = Kind("a string or a list", str, list)
MAP_OR_LIST = Kind("a mapping or a list", dict, list)
BOOL = Kind("a boolean", bool, str)
NUMBER = Kind("a number", int, float, str)
MAP = Kind("a mapping", dict)

HEALTHCHECK = {"test": STR_OR_LIST, "interval": STR, "timeout": STR, "retries": NUMBER, "start_period": STR,
               "start_interval": STR, "disable": BOOL}
BUILD = {"context": STR, "dockerfile": STR, "args": MAP_OR_LIST, "target": STR, "labels": MAP_OR_LIST}
LIMITS = {"memory": STR, "cpus": NUMBER, "pids": NUMBER}
DEPLOY = {"resources": {"limits": LIMITS}}
PORT = {"target": NUMBER, "published": STR, "host_ip": STR, "protocol": STR, "mode": STR, "name": STR}
VOLUME_MOUNT = {"type": STR, "source": STR, "target": STR, "read_only": BOOL,
                "bind": {"create_host_path": BOOL, "propagation": STR}, "volume": {"nocopy": BOOL},
                "tmpfs": {"size": STR, "mode": NUMBER}}
SERVICE_NETWORK = {"aliases": LIST, "ipv4_address": STR}
DEPENDS = {"condition": STR, "restart": BOOL, "required": BOOL}

SERVICE = {
    "image": STR, "build": BUILD, "command": STR_OR_LIST, "entrypoint": STR_OR_LIST, "environment": MAP_OR_LIST,
    "env_file": STR_OR_LIST, "ports": [PORT], "expose": LIST, "volumes": [VOLUME_MOUNT],
    "networks": {"*": SERVICE_NETWORK}, "depends_on": {"*": DEPENDS}, "restart": STR, "healthcheck": HEALTHCHECK,
    "labels": MAP_OR_LIST, "container_name": STR, "working_dir": STR, "user": STR, "hostname": STR,
    "domainname": STR, "deploy": DEPLOY, "stop_signal": STR, "stop_grace_period": STR, "tty": BOOL,
    "stdin_open": BOOL, "init": BOOL, "privileged": BOOL, "cap_add": LIST, "cap_drop": LIST,
    "dns": STR_OR_LIST, "extra_hosts": MAP_OR_LIST, "tmpfs": STR_OR_LIST, "read_only": BOOL, "shm_size": STR,
    "mem_limit": STR, "cpus": NUMBER, "pids_limit": NUMBER, "pull_policy": STR,
    # doca create's flags of the same meaning (engine.FLAGS)
    "network_mode": STR, "pid": STR, "ipc": STR, "mem_reservation": STR, "memswap_limit": STR,
    "cpu_shares": NUMBER, "cpuset": STR, "platform": STR, "cgroup_parent": STR, "userns_mode": STR,
    "runtime": STR, "mac_address": STR, "oom_score_adj": NUMBER, "security_opt": LIST, "devices": LIST,
    "links": LIST, "group_add": LIST, "dns_search": STR_OR_LIST, "dns_opt": LIST, "device_cgroup_rules": LIST,
    "sysctls": MAP_OR_LIST, "annotations": MAP_OR_LIST, "ulimits": {"*": {"soft": NUMBER, "hard": NUMBER}},
    "logging": {"driver": STR, "options": MAP},
    "profiles": LIST,
}
NETWORK = {"driver": STR, "external": ANY, "name": STR, "labels": MAP_OR_LIST, "internal": BOOL,
           "ipam": {"driver": STR, "config": [{"subnet": STR, "gateway": STR}]}}
VOLUME = {"driver": STR, "external": ANY, "name": STR, "labels": MAP_OR_LIST, "driver_opts": MAP}
TOP = {"version": STR, "name": STR, "services": {"*": SERVICE}, "networks": {"*": NETWORK},
       "volumes": {"*": VOLUME}}


def check(doc, filename: str) -> None:
    """Refuses a key the table does not know (x- extensions aside), in
    Docker Compose's words: `validating FILE: services.web additional
    properties 'foo' not allowed`."""
    if not isinstance(doc, dict):
        raise BadFile(f"validating {filename}: top-level object must be a mapping")
    _walk(doc, TOP, "", filename)


def _walk(value, shape, path: str, filename: str) -> None:
    if shape is ANY or value is None:
        return
    if isinstance(shape, Kind):
        if not isinstance(value, shape.types) or (isinstance(value, bool) and bool not in shape.types):
            raise BadFile(f"validating {filename}: {path} must be {shape.name}")
        if isinstance(value, (list, dict)) and shape is not MAP:  # a list's items, a mapping's values: scalars
            items = value.values() if isinstance(value, dict) else value
            if any(isinstance(i, (list, dict)) for i in items):
                raise BadFile(f"validating {filename}: {path} must hold strings, not lists or mappings")
        return
    if isinstance(shape, list):  # a list whose long-syntax items are mappings (short syntax: a string)
        if not isinstance(value, list):
            raise BadFile(f"validating {filename}: {path} must be a list")
        for i, item in enumerate(value):
            if isinstance(item, dict):
                _walk(item, shape[0], f"{path}.{i}", filename)
            elif not isinstance(item, (str, int)) or isinstance(item, bool):
                raise BadFile(f"validating {filename}: {path}.{i} must be a string or a mapping")
        return
    if "*" in shape:  # a mapping of user-chosen names (services, networks...), or a list of names
        if isinstance(value, list) and path.endswith(("networks", "depends_on")) and path.count(".") >= 2:
            return  # a service's list form: names only
        if not isinstance(value, dict):
            raise BadFile(f"validating {filename}: {path} must be a mapping")
        for name, item in value.items():
            if isinstance(item, dict) or shape["*"] is SERVICE:
                if shape["*"] is SERVICE and not isinstance(item, dict):
                    raise BadFile(f"validating {filename}: services.{name} must be a mapping")
                _walk(item, shape["*"], f"{path}.{name}", filename)
        return
    if not isinstance(value, dict):
        if isinstance(value, str) and shape is BUILD:
            return  # build: CONTEXT
        raise BadFile(f"validating {filename}: {path} must be a mapping")
    for key, item in value.items():
        if not isinstance(key, str):
            raise BadFile(f"validating {filename}: {path or 'top level'}: key {key!r} must be a string")
        if key.startswith("x-"):
            continue
        if key not in shape:
            where = f"{path} " if path else ""
            raise BadFile(f"validating {filename}: {where}additional properties '{key}' not allowed")
        _walk(item, shape[key], f"{path}.{key}" if path else key, filename)
