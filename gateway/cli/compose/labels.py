"""The labels Docker Compose (v2) writes, so that `docker compose` and doca
see the same project: on containers the project, service, number, one-off
flag, folder, files, config hash and version; on networks and volumes the
project and their key in the file."""
import hashlib
import json

PREFIX = "com.docker.compose."
PROJECT = PREFIX + "project"
SERVICE = PREFIX + "service"
NUMBER = PREFIX + "container-number"
ONEOFF = PREFIX + "oneoff"
WORKING_DIR = PREFIX + "project.working_dir"
CONFIG_FILES = PREFIX + "project.config_files"
CONFIG_HASH = PREFIX + "config-hash"
VERSION = PREFIX + "version"
DEPENDS_ON = PREFIX + "depends_on"
SLUG = PREFIX + "slug"
IMAGE = PREFIX + "image"
NETWORK = PREFIX + "network"
VOLUME = PREFIX + "volume"
# The Compose release whose behaviour and labels doca's compose follows.
COMPOSE_VERSION = "2.29.7"


def config_hash(service: dict) -> str:
    """What decides whether `up` recreates a container: the service's
    canonical form, hashed (sha256 of its JSON, as Compose hashes its own)."""
    return hashlib.sha256(json.dumps(service, sort_keys=True, default=str).encode()).hexdigest()


def container(project, service_name: str, service: dict, number: int, oneoff: bool, slug: str = "",
              image: str = "") -> dict:
    out = {
        PROJECT: project.name, SERVICE: service_name, NUMBER: str(number), ONEOFF: "True" if oneoff else "False",
        WORKING_DIR: project.workdir, CONFIG_FILES: ",".join(project.files), CONFIG_HASH: config_hash(service),
        VERSION: COMPOSE_VERSION,
        DEPENDS_ON: ",".join(f"{d}:{o['condition']}:{str(o.get('restart', False)).lower()}"
                             for d, o in service["depends_on"].items()),
    }
    if image:
        out[IMAGE] = image
    if slug:
        out[SLUG] = slug
    return out


def network(project_name: str, key: str) -> dict:
    return {NETWORK: key, PROJECT: project_name, VERSION: COMPOSE_VERSION}


def volume(project_name: str, key: str) -> dict:
    return {PROJECT: project_name, VERSION: COMPOSE_VERSION, VOLUME: key}
