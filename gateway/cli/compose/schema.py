"""The keys of the Compose Specification `doca compose` carries out, level by
level. No packaged copy of the Compose JSON schema is in doca's
dependencies (docker-compose's copy ships inside a package doca does not
install, and checking it would need jsonschema too), so the check is this
table: a key it does not list is refused, naming the key and the file,
rather than silently ignored."""
from gateway.cli.compose.errors import BadFile

ANY = None  # a value not looked into (a mapping of user's names: labels, args...)

HEALTHCHECK = {"test": ANY, "interval": ANY, "timeout": ANY, "retries": ANY, "start_period": ANY,
               "start_interval": ANY, "disable": ANY}
BUILD = {"context": ANY, "dockerfile": ANY, "args": ANY, "target": ANY, "labels": ANY}
LIMITS = {"memory": ANY, "cpus": ANY, "pids": ANY}
DEPLOY = {"resources": {"limits": LIMITS}}
PORT = {"target": ANY, "published": ANY, "host_ip": ANY, "protocol": ANY, "mode": ANY, "name": ANY}
VOLUME_MOUNT = {"type": ANY, "source": ANY, "target": ANY, "read_only": ANY,
                "bind": {"create_host_path": ANY, "propagation": ANY}, "volume": {"nocopy": ANY},
                "tmpfs": {"size": ANY, "mode": ANY}}
SERVICE_NETWORK = {"aliases": ANY, "ipv4_address": ANY}
DEPENDS = {"condition": ANY, "restart": ANY, "required": ANY}

SERVICE = {
    "image": ANY, "build": BUILD, "command": ANY, "entrypoint": ANY, "environment": ANY, "env_file": ANY,
    "ports": [PORT], "expose": ANY, "volumes": [VOLUME_MOUNT], "networks": {"*": SERVICE_NETWORK},
    "depends_on": {"*": DEPENDS}, "restart": ANY, "healthcheck": HEALTHCHECK, "labels": ANY,
    "container_name": ANY, "working_dir": ANY, "user": ANY, "hostname": ANY, "domainname": ANY,
    "deploy": DEPLOY, "stop_signal": ANY, "stop_grace_period": ANY, "tty": ANY, "stdin_open": ANY,
    "init": ANY, "privileged": ANY, "cap_add": ANY, "cap_drop": ANY, "dns": ANY, "extra_hosts": ANY,
    "tmpfs": ANY, "read_only": ANY, "shm_size": ANY, "mem_limit": ANY, "cpus": ANY, "pids_limit": ANY,
    "pull_policy": ANY,
}
NETWORK = {"driver": ANY, "external": ANY, "name": ANY, "labels": ANY, "internal": ANY,
           "ipam": {"driver": ANY, "config": [{"subnet": ANY, "gateway": ANY}]}}
VOLUME = {"driver": ANY, "external": ANY, "name": ANY, "labels": ANY, "driver_opts": ANY}
TOP = {"version": ANY, "name": ANY, "services": {"*": SERVICE}, "networks": {"*": NETWORK},
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
    if isinstance(shape, list):  # a list whose long-syntax items are mappings (short syntax: a string)
        if not isinstance(value, list):
            raise BadFile(f"validating {filename}: {path} must be a list")
        for i, item in enumerate(value):
            if isinstance(item, dict):
                _walk(item, shape[0], f"{path}.{i}", filename)
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
