"""Settings every doca process takes from flags or the environment.

Every path and name a stack touches comes from here, so two stacks with
different roots, run dirs, bridges and subnets run side by side.
"""
import argparse
import dataclasses
import hashlib
import os
import pathlib

DEFAULT_ROOT = "/var/lib/doca"
DEFAULT_RUN_DIR = "/run/doca"
DEFAULT_BRIDGE = "doca0"
DEFAULT_SUBNET = "10.88.0.0/16"
DEFAULT_METRICS_ADDR = "127.0.0.1:9323"
SERVICES = ("runtime", "images", "network", "volumes")

# flag -> (environment variable, default)
_SETTINGS = {
    "root": ("DOCA_ROOT", DEFAULT_ROOT),
    "run_dir": ("DOCA_RUN_DIR", DEFAULT_RUN_DIR),
    "bridge": ("DOCA_BRIDGE", DEFAULT_BRIDGE),
    "subnet": ("DOCA_SUBNET", DEFAULT_SUBNET),
    "metrics_addr": ("DOCA_METRICS_ADDR", DEFAULT_METRICS_ADDR),
    "cgroup_parent": ("DOCA_CGROUP_PARENT", ""),
    "log_level": ("DOCA_LOG_LEVEL", "info"),
}


@dataclasses.dataclass(frozen=True)
class Config:
    root: pathlib.Path
    run_dir: pathlib.Path
    bridge: str
    subnet: str
    metrics_addr: str
    cgroup_parent: str
    log_level: str

    def socket(self, name: str) -> pathlib.Path:
        """Socket of a service ("runtime", ...) or of the gateway ("doca")."""
        return self.run_dir / f"{name}.sock"

    def state_dir(self, service: str) -> pathlib.Path:
        return self.root / service


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for name, (env, default) in _SETTINGS.items():
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, dest=name, default=None,
                            help=f"(env {env}, default {default or 'derived from --root'})")


def from_args(ns: argparse.Namespace | None = None) -> Config:
    values = {}
    for name, (env, default) in _SETTINGS.items():
        given = getattr(ns, name, None) if ns is not None else None
        values[name] = given or os.environ.get(env) or default
    values["root"] = pathlib.Path(values["root"]).resolve()
    values["run_dir"] = pathlib.Path(values["run_dir"]).resolve()
    if not values["cgroup_parent"]:
        values["cgroup_parent"] = default_cgroup_parent(values["root"])
    return Config(**values)


def default_cgroup_parent(root: pathlib.Path) -> str:
    """'doca' for the default root; a name derived from any other root, so a
    second stack never shares cgroups with the first."""
    if str(root) == DEFAULT_ROOT:
        return "doca"
    return "doca-" + hashlib.sha256(str(root).encode()).hexdigest()[:10]


def as_flags(cfg: Config) -> list[str]:
    """The flags that give a child process the same settings."""
    out = []
    for name in _SETTINGS:
        out += ["--" + name.replace("_", "-"), str(getattr(cfg, name))]
    return out
