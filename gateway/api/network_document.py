"""The parts of Docker's network document that follow `network create`'s
settings (documents.network holds the rest): IPAM as Docker's daemon shows
it, and the driver's Options."""

# What Docker's daemon shows as the default bridge's options (its
# `bridge` network is made from the daemon's settings, not by a user).
_DEFAULT_BRIDGE = {
    "com.docker.network.bridge.default_bridge": "true",
    "com.docker.network.bridge.enable_icc": "true",
    "com.docker.network.bridge.enable_ip_masquerade": "true",
    "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
    "com.docker.network.driver.mtu": "1500",
}


def ipam(net) -> dict:
    """IPAM.Config as the user gave it (Subnet as written, IPRange, Gateway
    only when given, AuxiliaryAddresses); a network made without --subnet
    shows the subnet and gateway picked. Options: --ipam-opt ({} when none;
    null for the default network, as Docker's)."""
    if net.ipam_subnet:
        config = {"Subnet": net.ipam_subnet}
        if net.ip_range:
            config["IPRange"] = net.ip_range
        if net.ipam_gateway:
            config["Gateway"] = net.ipam_gateway
        if net.aux_addresses:
            config["AuxiliaryAddresses"] = dict(sorted(net.aux_addresses.items()))
    else:
        config = {"Subnet": net.subnet, "Gateway": net.gateway}
    default = net.name == "bridge"
    return {"Driver": net.ipam_driver or "default", "Options": None if default else dict(net.ipam_options),
            "Config": [config]}


def options(net) -> dict:
    """-o/--opt as given; the default network's as Docker's daemon shows its own."""
    if net.name == "bridge":
        return {**_DEFAULT_BRIDGE, "com.docker.network.bridge.name": net.bridge}
    return dict(net.options)
