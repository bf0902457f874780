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
}

# Settings where an explicit "" (flag or environment) means off, so a default
# cannot stand in for it.
OFFABLE = ("docker_socket",)


DERIVED = {"cgroup_parent": "derived from --root", "docker_socket": "<run dir>/docker.sock; '' for none"}


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_arguments(parser) -> None:
    for name, (env, default) in SETTINGS.items():
        parser.add_argument(flag(name), dest=name, default=None,
                            help=f"(env {env}, default {default or DERIVED.get(name, 'none')})")
