"""The bridge driver's options (`network create -o KEY=VALUE`), read as
Docker's bridge driver reads them (libnetwork/drivers/bridge): every
option is kept and shown by inspect as given; a key Docker does not know
is accepted silently, as Docker's; a bad value of a key it knows is
refused with Docker's words.

What doca applies: the bridge's name, inter-container traffic (enable_icc
false: the bridge's ports isolated from each other, so containers reach
the gateway only), masquerading of traffic leaving the host
(enable_ip_masquerade false: none) and the MTU of the containers'
interfaces (veth pairs), and container_iface_prefix (the containers'
interfaces on the network: PREFIX0, PREFIX1... instead of eth0).
host_binding_ipv4 is checked and kept (the published ports' default
address is the sandbox's, bound before a network is joined); the others
Docker's bridge driver reads (default_bridge, enable_ipv6) are kept only.
"""
import dataclasses
import ipaddress
import re

from common.errors import InvalidArgument

BRIDGE_NAME = "com.docker.network.bridge.name"
ENABLE_ICC = "com.docker.network.bridge.enable_icc"
ENABLE_MASQUERADE = "com.docker.network.bridge.enable_ip_masquerade"
HOST_BINDING = "com.docker.network.bridge.host_binding_ipv4"
MTU = "com.docker.network.driver.mtu"
IFACE_PREFIX = "com.docker.network.container_iface_prefix"
IFNAMSIZ = 16
_IFNAME = re.compile(r"[^/\s:]+")  # what the kernel's dev_valid_name refuses: '/', blanks, ':'
# Go's strconv.ParseBool
_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


@dataclasses.dataclass(frozen=True)
class BridgeOptions:
    bridge_name: str = ""  # "" = doca's own name for it
    icc: bool = True
    masquerade: bool = True
    mtu: int = 0  # 0 = the kernel's default
    iface_prefix: str = "eth"  # the containers' interfaces: eth0, eth1... or PREFIX0, PREFIX1...


def _bool(key: str, value: str) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidArgument(f'failed to parse {key} value: {value} (strconv.ParseBool: parsing "{value}": '
                          "invalid syntax)")


def _mtu(value: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise InvalidArgument(f'failed to parse {MTU} value: {value} (strconv.Atoi: parsing "{value}": '
                              "invalid syntax)")
    mtu = int(value)
    if mtu < 0:
        raise InvalidArgument(f"invalid MTU number: {mtu}")
    if mtu >= 1 << 63:
        raise InvalidArgument(f'failed to parse {MTU} value: {value} (strconv.Atoi: parsing "{value}": '
                              "value out of range)")
    return mtu


def parse(options: dict) -> BridgeOptions:
    """The options as the bridge driver uses them; a bad value refused."""
    out = {}
    if options.get(BRIDGE_NAME):
        name = options[BRIDGE_NAME]
        if len(name) >= IFNAMSIZ:
            raise InvalidArgument("failed to check bridge interface existence: numerical result out of range")
        if not _IFNAME.fullmatch(name) or name in (".", ".."):
            raise InvalidArgument("invalid argument")
        out["bridge_name"] = name
    if MTU in options:
        out["mtu"] = _mtu(options[MTU])
    if ENABLE_ICC in options:
        out["icc"] = _bool(ENABLE_ICC, options[ENABLE_ICC])
    if ENABLE_MASQUERADE in options:
        out["masquerade"] = _bool(ENABLE_MASQUERADE, options[ENABLE_MASQUERADE])
    if options.get(IFACE_PREFIX):  # taken as Docker's: a name it cannot make fails the container's attach
        out["iface_prefix"] = options[IFACE_PREFIX]
    if HOST_BINDING in options:
        try:
            ipaddress.ip_address(options[HOST_BINDING])
        except ValueError:
            raise InvalidArgument(f"failed to parse {HOST_BINDING} value: {options[HOST_BINDING]} (nil ip)") from None
    return BridgeOptions(**out)
