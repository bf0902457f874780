"""Network drivers, by the name a network's record gives (the protocol:
driver.py). A new driver is one module here and one line in DRIVERS.

Not drivers: Docker's `--network none` and `host` and `container:NAME`
are modes of a container, decided in the gateway (gateway/api/spec.py
network_mode, gateway/api/net_modes.py), which never asks this service to
attach them. `none` is a namespace of the container's own with only lo
(the runtime always makes one); `host` and `container:ID` join a namespace
instead (services/runtime/joined_ns.py): the host's, with the host's
/etc/hosts and resolv.conf copied here (host_files.py), or the other
container's, with its /etc files.
"""
from common.errors import InvalidArgument

from services.network.drivers.bridge import BridgeDriver
from services.network.drivers.driver import Driver
from services.network.networks import DEFAULT_DRIVER

DRIVERS = {
    BridgeDriver.name: BridgeDriver,
}


def load(stack_bridge: str) -> dict[str, Driver]:
    """One instance of each driver for a stack (`stack_bridge`: its
    default network's bridge, which names what the stack makes)."""
    return {name: cls(stack_bridge) for name, cls in DRIVERS.items()}


def check_name(name: str) -> str:
    """The driver `network create --driver` names ('' is the default)."""
    name = name or DEFAULT_DRIVER
    if name not in DRIVERS:
        # Docker's words (a driver is a plugin there), then what doca has
        raise InvalidArgument(f'plugin "{name}" not found: doca\'s networks use the '
                              f"{' or '.join(sorted(DRIVERS))} driver")
    return name
