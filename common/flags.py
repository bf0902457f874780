"""The settings every doca process takes, as flags and environment variables.

Kept apart from common.config, with no imports, so that the CLI can declare
`doca daemon`'s flags without paying for anything else.
"""

DEFAULT_ROOT = "/var/lib/doca"
DEFAULT_RUN_DIR = "/run/doca"
DEFAULT_BRIDGE = "doca0"
DEFAULT_SUBNET = "10.77.0.0/16"
DEFAULT_METRICS_ADDR = "127.0.0.1:9323"

# setting -> (environment variable, default); an empty default is derived
# (DERIVED says how) or means "off".
SETTINGS = {
    "root": ("DOCA_ROOT", DEFAULT_ROOT),
    "run_dir": ("DOCA_RUN_DIR", DEFAULT_RUN_DIR),
    "bridge": ("DOCA_BRIDGE", DEFAULT_BRIDGE),
    "subnet": ("DOCA_SUBNET", DEFAULT_SUBNET),
    "metrics_addr": ("DOCA_METRICS_ADDR", DEFAULT_METRICS_ADDR),
    "cgroup_parent": ("DOCA_CGROUP_PARENT", ""),
    "log_level": ("DOCA_LOG_LEVEL", "info"),
    # The gateway's TCP listener: off unless an address is given, and then
    # mutual TLS only (the CA that signs clients, the server's cert and key).
    "tcp_addr": ("DOCA_TCP_ADDR", ""),
    "tls_ca": ("DOCA_TLS_CA", ""),
    "tls_cert": ("DOCA_TLS_CERT", ""),
    "tls_key": ("DOCA_TLS_KEY", ""),
    # The Docker Engine API face (gateway/docker/): <run dir>/docker.sock
    # unless given; "" turns it off.
    "docker_socket": ("DOCA_DOCKER_SOCKET", ""),
    # The Kubernetes CRI face (gateway/cri/): <run dir>/cri.sock unless
    # given; "" turns it off.
    "cri_socket": ("DOCA_CRI_SOCKET", ""),
    # Registry mirrors (common/mirrors.py): NAME=URL,... ; the flag is
    # --registry-mirror, repeatable, each value itself comma-separated.
    "registry_mirrors": ("DOCA_REGISTRY_MIRRORS", ""),
}

# Settings where an explicit "" (flag or environment) means off, so a default
# cannot stand in for it.
OFFABLE = ("docker_socket", "cri_socket")


DERIVED = {"cgroup_parent": "derived from --root", "docker_socket": "<run dir>/docker.sock; '' for none",
           "cri_socket": "<run dir>/cri.sock; '' for none"}


# Settings whose flag is not the setting's name (a list named in the singular,
# as Docker's --registry-mirror).
FLAG_NAMES = {"registry_mirrors": "--registry-mirror"}
# Settings whose flag may be given several times: the values are joined with
# "," (common.config), the setting being a comma-separated list.
REPEATABLE = ("registry_mirrors",)
# What a setting is, where its name does not say it.
HELP = {"registry_mirrors": "a registry's mirror, NAME=URL: repeatable, or comma-separated "}


def flag(name: str) -> str:
    return FLAG_NAMES.get(name) or "--" + name.replace("_", "-")


def add_arguments(parser) -> None:
    for name, (env, default) in SETTINGS.items():
        parser.add_argument(flag(name), dest=name, default=None,
                            action="append" if name in REPEATABLE else "store",
                            help=HELP.get(name, "") + f"(env {env}, default {default or DERIVED.get(name, 'none')})")
