"""A stack's iptables rules: published ports, masquerading, isolation
between networks, internal networks.

Every rule lives in chains of the stack's own, named after its tag (the
default bridge's name, unique per stack on a host):

    nat     DOCA-<tag>-DNAT  <- PREROUTING, OUTPUT (-m addrtype --dst-type LOCAL)
    nat     DOCA-<tag>-POST  <- POSTROUTING
    filter  DOCA-<tag>-FWD   <- FORWARD (first)
    filter  DOCA-<tag>-ISO      (from DOCA-<tag>-FWD)
    filter  DOCA-<tag>-IN    <- INPUT (first)

and carries a comment naming the stack and the container or network it is
for ("doca <tag> ctr <id12>", "doca <tag> net <name>"). The chains' content
is a function of the records (networks, endpoints, published ports): each
change renders it again and replaces, with one iptables-restore, the
tables whose chains changed (a published port's change: nat alone), so a
restart or a crash ends with exactly the rules the records call for, never
a leftover (the first apply after a start restores every table). The jumps from the built-in chains are added once, checked
with -C, and deleted by exact spec when the stack has nothing left.

Published ports (platform notes): DNAT in nat/OUTPUT serves the host's own
connections, including to 127.0.0.1 (which needs route_localnet=1 on the
bridge, set by drivers/bridge_device.py, and MASQUERADE of 127.0.0.0/8 sources so that
the container answers to the gateway); DNAT in PREROUTING serves other
namespaces. Since route_localnet also lets a container send to the host's
127.0.0.0/8, new connections from a bridge to 127.0.0.0/8 are dropped in
INPUT (as kube-proxy does).
"""
import dataclasses
import logging

from services.network import iptables

log = logging.getLogger("doca.network.firewall")
LOOPBACK = "127.0.0.0/8"


@dataclasses.dataclass(frozen=True)
class Mapping:
    """One published port, resolved to the container's address."""
    container_id: str
    protocol: str
    host_ip: str
    host_port: int
    container_ip: str
    container_port: int


def _comment(text: str) -> list[str]:
    return ["-m", "comment", "--comment", text]


def _quote(spec: list[str]) -> str:
    return " ".join(f'"{w}"' if " " in w else w for w in spec)


def _tables(text: str) -> dict[str, str]:
    """render()'s text as {table: its block, "*table" to "COMMIT"}."""
    blocks = [b + "COMMIT\n" for b in text.split("COMMIT\n") if b.strip()]
    return {b.split("\n", 1)[0]: b for b in blocks}


class Firewall:
    def __init__(self, tag: str):
        self.tag = tag
        prefix = f"DOCA-{tag}"
        self.dnat, self.post = f"{prefix}-DNAT", f"{prefix}-POST"
        self.fwd, self.iso, self.inp = f"{prefix}-FWD", f"{prefix}-ISO", f"{prefix}-IN"
        self._applied: str | None = None

    @property
    def comment(self) -> str:
        return f"doca {self.tag}"

    def jumps(self) -> list[tuple[str, str, list[str]]]:
        local = ["-m", "addrtype", "--dst-type", "LOCAL"]
        tag = _comment(self.comment)
        return [
            ("nat", "PREROUTING", local + tag + ["-j", self.dnat]),
            ("nat", "OUTPUT", local + tag + ["-j", self.dnat]),
            ("nat", "POSTROUTING", tag + ["-j", self.post]),
            ("filter", "FORWARD", tag + ["-j", self.fwd]),
            ("filter", "INPUT", tag + ["-j", self.inp]),
        ]

    # -- rendering (pure) ----------------------------------------------------

    def render(self, networks, mappings: list[Mapping]) -> str:
        """iptables-restore input for our chains. `networks`: objects with
        name, bridge, subnet and internal; one without a bridge (its
        driver has none) has no rules."""
        nets = sorted((n for n in networks if n.bridge), key=lambda n: n.bridge)
        nat = [f":{self.dnat} - [0:0]", f":{self.post} - [0:0]"]
        for m in sorted(mappings, key=lambda m: (m.host_port, m.protocol, m.host_ip, m.container_id)):
            dest = ["-d", f"{m.host_ip}/32"] if m.host_ip not in ("", "0.0.0.0") else []
            nat.append(_quote(["-A", self.dnat, *dest, "-p", m.protocol, "-m", m.protocol,
                               "--dport", str(m.host_port), *_comment(f"{self.comment} ctr {m.container_id[:12]}"),
                               "-j", "DNAT", "--to-destination", f"{m.container_ip}:{m.container_port}"]))
        flt = [f":{self.fwd} - [0:0]", f":{self.iso} - [0:0]", f":{self.inp} - [0:0]"]
        for n in nets:
            tag = _comment(f"{self.comment} net {n.name}")
            br, subnet = n.bridge, str(n.subnet)
            nat.append(_quote(["-A", self.post, "-s", LOOPBACK, "-o", br, *tag, "-j", "MASQUERADE"]))
            nat.append(_quote(["-A", self.post, "-s", subnet, "-o", br, "-m", "conntrack", "--ctstate", "DNAT",
                               *tag, "-j", "MASQUERADE"]))  # hairpin: a container to a port of its own network
            if not n.internal and getattr(n, "masquerade", True):  # -o ...enable_ip_masquerade=false: none
                nat.append(_quote(["-A", self.post, "-s", subnet, "!", "-o", br, *tag, "-j", "MASQUERADE"]))
            # Leaving a bridge for another of this stack's bridges: dropped.
            flt.append(_quote(["-A", self.fwd, "-i", br, "!", "-o", br, *tag, "-j", self.iso]))
            flt.append(_quote(["-A", self.iso, "-o", br, *tag, "-j", "DROP"]))
            if n.internal:  # nothing in or out but its own bridge
                flt.append(_quote(["-A", self.fwd, "-i", br, "!", "-o", br, *tag, "-j", "DROP"]))
                flt.append(_quote(["-A", self.fwd, "-o", br, "!", "-i", br, *tag, "-j", "DROP"]))
            # Accepted even when the FORWARD policy is DROP.
            flt.append(_quote(["-A", self.fwd, "-o", br, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED,DNAT",
                               *tag, "-j", "ACCEPT"]))
            flt.append(_quote(["-A", self.fwd, "-i", br, *tag, "-j", "ACCEPT"]))
            flt.append(_quote(["-A", self.inp, "-i", br, "-d", LOOPBACK, "-m", "conntrack", "!", "--ctstate",
                               "RELATED,ESTABLISHED", *tag, "-j", "DROP"]))
        return "*nat\n" + "\n".join(nat) + "\nCOMMIT\n*filter\n" + "\n".join(flt) + "\nCOMMIT\n"

    # -- the kernel ----------------------------------------------------------

    def apply(self, networks, mappings: list[Mapping]) -> None:
        """Replaces our chains' content (when it changed) and makes sure the
        jumps to them exist."""
        text = self.render(networks, mappings)
        if text == self._applied:
            return
        # Only the tables whose chains changed are restored: a container's
        # connect, disconnect or published ports change nat alone, and each
        # table's iptables-restore costs (nf_tables) ~10-15 ms here.
        tables = _tables(text)
        before = _tables(self._applied) if self._applied is not None else {}
        iptables.restore("".join(block for name, block in tables.items() if before.get(name) != block))
        if self._applied is None:
            for table, chain, spec in self.jumps():
                iptables.ensure_rule(table, chain, spec)
        self._applied = text
        log.info("firewall: %d network(s), %d published port(s)", len(list(networks)), len(mappings))

    def remove(self) -> None:
        """Deletes the jumps (by exact spec), then our chains."""
        for table, chain, spec in self.jumps():
            iptables.delete_rule(table, chain, spec)
        for table, chain in (("nat", self.dnat), ("nat", self.post), ("filter", self.fwd),
                             ("filter", self.iso), ("filter", self.inp)):
            iptables.delete_chain(table, chain)
        self._applied = None

    def leftovers(self) -> list[str]:
        """Rules or chains of this stack in the kernel (tests, diagnostics)."""
        return [line for table in ("nat", "filter") for line in iptables.rules(table)
                if f"DOCA-{self.tag}-" in line or f'"{self.comment} ' in line or f'"{self.comment}"' in line]
