"""What every RUN step's container of a build takes from the build's
options, as Docker's classic builder gives its RUN containers the build's
host config (its hostConfigFromOptions): limits (-m, --memory-swap, -c,
--cpu-period/--cpu-quota, --cpuset-*, --shm-size), --ulimit, --add-host,
--cgroup-parent and the network mode.

Limits are checked when the first RUN container is made, with Docker's
words (common/resources.py), not when the build starts: a build whose
steps all come from the cache, or that has no RUN, makes no container and
builds whatever the limits, as Docker's daemon does. None of it is part of
a step's cache key (Docker's classic builder keys on the command alone).
"""
import dataclasses

from common import resources as limits
from common.errors import InvalidArgument
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb

HOST_GATEWAY = "host-gateway"
DEFAULT_NETWORK = "bridge"
# Docker's daemon refuses it for builds on Linux, before the build starts.
SECURITY_OPT_REFUSED = "The daemon on this platform does not support setting security options on build"


@dataclasses.dataclass
class HostConfig:
    resources: dict = dataclasses.field(default_factory=dict)  # common.resources.Resources' fields
    ulimits: tuple = ()
    add_hosts: tuple = ()  # NAME:IP or NAME:host-gateway
    cgroup_parent: str = ""

    def runtime_resources(self) -> rpb.Resources:
        """The limits in the runtime's message, checked (Docker's words)."""
        return rpb.Resources(**dataclasses.asdict(limits.Resources(**self.resources)))

    def extra_hosts(self, network) -> list:
        """--add-host lines; host-gateway is the default bridge's address,
        whatever the build's network (Docker's daemon's host-gateway-ip)."""
        out, gateway = [], None
        for item in self.add_hosts:
            name, _, ip = item.partition(":")
            if ip == HOST_GATEWAY:
                if gateway is None:
                    nets = network.List(npb.ListRequest()).networks
                    gateway = next((n.gateway for n in nets if n.name == DEFAULT_NETWORK), "")
                ip = gateway
            out.append(npb.ExtraHost(name=name, ip=ip))
        return out


def from_message(msg) -> HostConfig:
    """A BuildOptions message's host config. Only what Docker refuses
    before the build starts is refused here; bounds wait for the first RUN."""
    if msg.security_opt:
        raise InvalidArgument(SECURITY_OPT_REFUSED)
    for item in msg.add_hosts:
        name, sep, _ = item.partition(":")
        if not sep or not name:
            raise InvalidArgument(f'bad format for add-host: "{item}"')
    values = {"memory_bytes": msg.memory, "memory_swap": msg.memory_swap, "cpu_shares": msg.cpu_shares,
              "cpu_period": msg.cpu_period, "cpu_quota": msg.cpu_quota, "cpuset_cpus": msg.cpuset_cpus,
              "cpuset_mems": msg.cpuset_mems, "shm_size": msg.shm_size}
    return HostConfig(resources={k: v for k, v in values.items() if v}, ulimits=tuple(msg.ulimits),
                      add_hosts=tuple(msg.add_hosts), cgroup_parent=msg.cgroup_parent)
