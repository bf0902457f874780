"""What `network create` gives beyond name, driver, subnet, gateway,
internal and labels: --ip-range, --aux-address, -o/--opt, --attachable,
--scope, --ipam-driver, --ipam-opt. Checked in Docker's daemon's order
(scope and IPAM driver, then the IPAM settings, then the driver's
options) and turned into the Network's fields (networks.py)."""
import dataclasses
import ipaddress

from common.errors import FailedPrecondition, InvalidArgument

from services.network import bridge_options, ipam_config


@dataclasses.dataclass(frozen=True)
class CreateSettings:
    ip_range: str = ""
    aux_addresses: dict = dataclasses.field(default_factory=dict)
    options: dict = dataclasses.field(default_factory=dict)
    attachable: bool = False
    scope: str = ""
    ipam_driver: str = ""
    ipam_options: dict = dataclasses.field(default_factory=dict)

    def check_before_ipam(self) -> None:
        """--scope (a swarm's scopes: Docker's words without a swarm) and
        --ipam-driver."""
        if self.scope == "swarm":
            raise FailedPrecondition("cannot create a swarm scoped network when swarm is not active")
        if self.scope not in ("", "local"):
            raise FailedPrecondition('This node is not a swarm manager. Use "docker swarm init" or "docker swarm '
                                     'join" to connect this node to swarm and try again. (doca has no swarm: '
                                     'its networks are "local")')
        ipam_config.check_driver(self.ipam_driver)
        for key in list(self.aux_addresses) + list(self.options) + list(self.ipam_options):
            if "\n" in key:
                raise InvalidArgument(f"invalid option name {key!r}")

    def fields(self, name: str, subnet: ipaddress.IPv4Network | None, gateway: str, subnet_text: str) -> dict:
        """The Network's fields (new_user_network's **given); `subnet` None
        when doca picks one (then no range or auxiliary address: the
        caller refused them)."""
        aux = {}
        if subnet is not None:
            if self.ip_range:
                ipam_config.parse_range(subnet, self.ip_range)
            if gateway:
                gw = ipaddress.IPv4Address(gateway)
            elif self.ip_range:
                gw = ipam_config.first_of_range(subnet, self.ip_range)
            else:
                gw = subnet.network_address + 1
            aux = ipam_config.check_aux(subnet, gw, name, self.aux_addresses)
        bridge_options.parse(self.options)  # a bad value of an option Docker's bridge driver reads
        return {"ip_range": self.ip_range, "aux_addresses": aux, "options": dict(self.options),
                "attachable": self.attachable, "ipam_driver": ipam_config.check_driver(self.ipam_driver),
                "ipam_options": dict(self.ipam_options), "ipam_subnet": subnet_text, "ipam_gateway": gateway}
