"""Settings of a doca process, from flags (common.flags) or the environment.

Every path and name a stack touches comes from here, so two stacks with
different roots, run dirs, bridges and subnets run side by side.
"""
import argparse
import hashlib
import os
import pathlib

from common.flags import DEFAULT_ROOT, OFFABLE, SETTINGS, add_arguments, flag  # noqa: F401 (re-exported)
from common.flags import REPEATABLE

SERVICES = ("runtime", "images", "network", "volumes")


class Config:
    __slots__ = tuple(SETTINGS)

    def __init__(self, **values):
        for name in SETTINGS:
            object.__setattr__(self, name, values[name])

    def __setattr__(self, name, value):
        raise AttributeError("Config is read-only")

    def __repr__(self) -> str:
        return "Config(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in SETTINGS) + ")"

    def socket(self, name: str) -> pathlib.Path:
        """Socket of a service ("runtime", ...) or of the gateway ("doca")."""
        return self.run_dir / f"{name}.sock"

    def state_dir(self, service: str) -> pathlib.Path:
        return self.root / service


def from_args(ns: argparse.Namespace | None = None) -> Config:
    values = {}
    derive = set()
    for name, (env, default) in SETTINGS.items():
        given = getattr(ns, name, None) if ns is not None else None
        if name in REPEATABLE and isinstance(given, list):  # --registry-mirror A --registry-mirror B
            given = ",".join(v.strip() for v in given if v.strip())
        if name in OFFABLE:  # "" is a value (off); only absence takes the default
            values[name] = given if given is not None else os.environ.get(env)
            if values[name] is None:
                derive.add(name)
            continue
        values[name] = given or os.environ.get(env) or default
    values["root"] = pathlib.Path(values["root"]).resolve()
    values["run_dir"] = pathlib.Path(values["run_dir"]).resolve()
    if not values["cgroup_parent"]:
        values["cgroup_parent"] = default_cgroup_parent(values["root"])
    if "docker_socket" in derive:
        values["docker_socket"] = str(values["run_dir"] / "docker.sock")
    if "cri_socket" in derive:
        values["cri_socket"] = str(values["run_dir"] / "cri.sock")
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
    for name in SETTINGS:
        value = str(getattr(cfg, name))
        if value or name in OFFABLE:  # else an empty setting is the child's default
            out += [flag(name), value]
    return out
