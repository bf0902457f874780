"""`network create`'s IPAM flags paired as Docker's CLI pairs them
(cli/command/network/create.go, consolidateIpam): each --ip-range,
--gateway and --aux-address goes to the --subnet that holds it, with
Docker's words for what does not fit (exit 1, before any request). doca's
networks have one IPv4 subnet: a second --subnet is refused here."""
import ipaddress


class IpamError(Exception):
    for_the_user = True  # errors.guarded prints it as it is
    exit_code = 1


def check_unsupported(args) -> None:
    """Docker's flags of what doca's networks are not (IPv6, a swarm's
    ingress, configuration-only networks): Docker's daemon's words where it
    refuses too (without a swarm, without an IPv6 pool), doca's otherwise.
    They come after the IPAM flags' checks in Docker (its daemon's)."""
    if args.config_from:  # doca has no configuration-only network to copy from
        raise IpamError(f'configuration network "{args.config_from}" does not exist')
    if args.config_only:
        raise IpamError("doca has no configuration-only networks (--config-only: a template for a swarm's "
                        "networks): create the network itself")
    if args.ingress:
        raise IpamError("Ingress network can only be global scope network")
    if args.ipv6:
        raise IpamError("could not find an available, non-overlapping IPv6 address pool among the defaults to "
                        "assign to the network (doca's networks are IPv4 only)")


def strings(values: list) -> list:
    """pflag's `strings` flag: each value may hold several, comma-separated."""
    return [part for v in values for part in v.split(",") if part != ""]


def mapping(values: list) -> dict:
    """Docker's `map` flag (opts.MapOpts): KEY=VALUE, or KEY alone for ""."""
    out = {}
    for v in values:
        key, _, value = v.partition("=")
        out[key] = value
    return out


def _cidr(text: str):
    """Go's net.ParseCIDR: ADDRESS/BITS only."""
    if "/" not in text:
        raise ValueError(text)
    return ipaddress.ip_interface(text)


def _matches(subnet: str, data: str) -> bool:
    """Docker's subnetMatches: the address of `data` (an IP or a CIDR) is in `subnet`."""
    try:
        net = _cidr(subnet).network
    except ValueError:
        raise IpamError(f"invalid subnet: invalid CIDR address: {subnet}") from None
    if "/" in data:
        try:
            ip = _cidr(data).ip
        except ValueError:
            raise IpamError(f"invalid CIDR address: {data}") from None
    else:
        try:
            ip = ipaddress.ip_address(data)
        except ValueError:
            return False
    return ip.version == net.version and ip in net


def consolidate(subnets: list, ranges: list, gateways: list, aux: dict) -> dict:
    """{"subnet", "ip_range", "gateway", "aux_addresses"} of the one subnet
    (all empty without --subnet), or IpamError in Docker's words."""
    if len(subnets) < len(ranges) or len(subnets) < len(gateways):
        raise IpamError("every ip-range or gateway must have a corresponding subnet")
    conf = {}
    for s in subnets:
        for k in conf:
            if _matches(s, k) or _matches(k, s):
                raise IpamError("multiple overlapping subnet configuration is not supported")
        conf[s] = {"subnet": s, "ip_range": "", "gateway": "", "aux_addresses": {}}
    for r in ranges:
        match = False
        for s in subnets:
            if not _matches(s, r):
                continue
            if conf[s]["ip_range"]:
                raise IpamError(f"cannot configure multiple ranges ({r}, {conf[s]['ip_range']}) on the same "
                                f"subnet ({s})")
            conf[s]["ip_range"], match = r, True
        if not match:
            raise IpamError(f"no matching subnet for range {r}")
    for g in gateways:
        match = False
        for s in subnets:
            if not _matches(s, g):
                continue
            if conf[s]["gateway"]:
                raise IpamError(f"cannot configure multiple gateways ({g}, {conf[s]['gateway']}) for the same "
                                f"subnet ({s})")
            conf[s]["gateway"], match = g, True
        if not match:
            raise IpamError(f"no matching subnet for gateway {g}")
    for key, a in aux.items():
        match = False
        for s in subnets:
            if _matches(s, a):
                conf[s]["aux_addresses"][key], match = a, True
        if not match:
            raise IpamError(f"no matching subnet for aux-address {a}")
    if len(conf) > 1:
        raise IpamError(f"doca's networks have one subnet: {len(conf)} given ({', '.join(conf)})")
    return next(iter(conf.values()), {"subnet": "", "ip_range": "", "gateway": "", "aux_addresses": {}})
