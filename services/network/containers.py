"""A container's side of the networks: prepare (hosts file, published
ports), attach to one network or more (eth0, eth1...), disconnect from one,
detach from all, release its published ports while it is stopped and hold
them again when it starts; and what follows each change: the hosts files of
the containers that share a network, the firewall's DNAT rules.

Part of NetworkManager (manager.py), under its lock.
"""
import ipaddress
import logging
import os
import re
import time

from common import crashpoints
from common.errors import InvalidArgument, NotFound, ResourceExhausted

from services.network import host_files, hostsfile, netns, ports, reconcile, resolvconf, sandboxes
from services.network.endpoints import CONTAINER_IFNAME, PENDING, READY, Endpoint, mac_for
from services.network.firewall import Mapping
from services.network.netlink import host
from services.network.networks import DEFAULT_NETWORK, Network

log = logging.getLogger("doca.network")


def check_container_id(container_id: str) -> None:
    """The one rule for container ids here (sandboxes.check_id): they name
    files, so '../x' must fail before anything is looked up or removed."""
    if not container_id:
        raise InvalidArgument("container_id is required")
    sandboxes.check_id(container_id)


def _parse_ip(text: str) -> ipaddress.IPv4Address:
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        raise InvalidArgument(f"invalid IPv4 address {text!r}") from None


def _extra(sandbox: dict) -> list:
    """--add-host lines of a sandbox record, as hostsfile.render takes them."""
    return [(ip, [name]) for name, ip in sandbox.get("extra_hosts", [])]


class ContainerNetworking:
    # -- prepare ---------------------------------------------------------------

    def prepare(self, container_id: str, hostname: str, bindings: list[ports.Binding],
                exposed: list[str], extra_hosts: list[tuple[str, str]] = (),
                resolver: resolvconf.Resolver | None = None, host_network: bool = False) -> dict:
        """Before the container exists: holds its host ports (a port taken
        fails here, with nothing made) and writes its hosts file, for the
        gateway to bind-mount. Preparing again returns the same record."""
        sandboxes.check_id(container_id)
        wanted = [ports.check(b) for b in bindings]
        extra = [(name, str(_parse_ip(ip))) for name, ip in extra_hosts]
        with self._lock:
            rec = self.sandboxes.get(container_id)
            if rec is not None:
                return self._sandbox(container_id, rec)
            held = self.reservations.reserve(container_id, wanted)
            crashpoints.reached("network.prepare.held")
            rec = {"name": "", "hostname": hostname, "netns_path": "", "primary": "",
                   "requested": [b.to_record() for b in wanted], "ports": [b.to_record() for b in held],
                   "exposed": sorted(set(exposed) | {b.key for b in wanted}),
                   "extra_hosts": [list(h) for h in extra]}
            if host_network:
                rec["host_network"] = True  # its hosts file is the host's: never rendered again
            resolver = resolver or resolvconf.Resolver()
            try:
                hostsfile.write_in_place(self.sandboxes.hosts_path(container_id),
                                         host_files.hosts(extra) if host_network else hostsfile.render(_extra(rec), []))
                hostsfile.write_in_place(self.sandboxes.hostname_path(container_id), f"{hostname}\n")
                hostsfile.write_in_place(self.sandboxes.resolv_path(container_id),
                                         host_files.resolv_conf(resolver) if host_network else resolver.file())
                self.sandboxes.put(container_id, rec)
            except BaseException:
                self.reservations.release(container_id)
                self.sandboxes.remove(container_id)
                raise
            return self._sandbox(container_id, rec)

    # -- published ports while the container is stopped -------------------------

    def release_ports(self, container_id: str) -> dict:
        """The container stopped: its host ports are given back and their
        DNAT rules go; `requested` stays for its next start. The record
        says "released" (a restart of the service holds nothing for it).
        Idempotent."""
        sandboxes.check_id(container_id)
        with self._lock:
            rec = self._known_sandbox(container_id)
            if rec.get("released"):
                return self._sandbox(container_id, rec)
            had = bool(rec.get("ports"))
            rec = {**rec, "ports": [], "released": True}
            self.sandboxes.put(container_id, rec, freeing=True)  # a full disk: written when there is room
            self.reservations.release(container_id)
            if had:
                self._apply_firewall()
            log.info("released the published ports of %s", container_id[:12])
            return self._sandbox(container_id, rec)

    def hold_ports(self, container_id: str) -> dict:
        """The container starts again: its requested bindings are held again
        (all or none: a port taken meanwhile fails with Docker's message and
        nothing changes; port 0 gets a new random one) and their rules
        rendered. Idempotent: ports already held stay as they are."""
        sandboxes.check_id(container_id)
        with self._lock:
            rec = self._known_sandbox(container_id)
            if not rec.get("released"):
                return self._sandbox(container_id, rec)
            held = self.reservations.reserve(container_id, [ports.from_record(b) for b in rec.get("requested", [])])
            new = {**rec, "ports": [b.to_record() for b in held], "released": False}
            try:
                self.sandboxes.put(container_id, new)
                if held:
                    self._apply_firewall()
            except BaseException:
                self.reservations.release(container_id)
                try:
                    self.sandboxes.put(container_id, rec, freeing=True)
                    self._apply_firewall()
                except Exception:  # noqa: BLE001 - the first error is the one to report
                    log.exception("could not undo the failed hold of the ports of %s", container_id[:12])
                raise
            log.info("holding the published ports of %s again", container_id[:12])
            return self._sandbox(container_id, new)

    def _known_sandbox(self, cid: str) -> dict:
        rec = self.sandboxes.get(cid)
        if rec is None:
            raise NotFound(f"container {cid[:12]} has no network settings here")
        return rec

    # -- attach ----------------------------------------------------------------

    def attach(self, container_id: str, network: str, netns_path: str, name: str = "",
               ip: str = "", aliases: tuple = (), mac: str = "") -> Endpoint:
        check_container_id(container_id)
        wanted_ip = _parse_ip(ip) if ip else None
        with self._lock:
            st = self._resolve(network or DEFAULT_NETWORK)
        ns_fd = netns.open_netns(netns_path)
        try:
            with self._lock, host() as ipr:
                if self._networks.get(st.network.name) is not st:
                    raise NotFound(f"network {st.network.name} was removed meanwhile")
                return self._attach_locked(ipr, st, container_id, ns_fd, netns_path, name, wanted_ip, aliases, mac)
        finally:
            os.close(ns_fd)

    def _attach_locked(self, ipr, st, cid: str, ns_fd: int, netns_path: str, name: str, wanted_ip,
                       aliases, mac: str = "") -> Endpoint:
        net, driver = st.network, st.driver
        rec = st.store.get(cid)
        if rec is not None:
            if rec.get("state") == READY and driver.alive(ipr, rec):
                return self._endpoint(net, cid, rec)  # attaching twice: the same endpoint
            # Its namespace died since (or an attach was cut short): start afresh.
            driver.leave(ipr, rec)
            st.store.remove(cid)
            st.pool.release_owner(cid)
        started = time.perf_counter()
        others = self._records_of(cid)
        used = {r.get("ifname", CONTAINER_IFNAME) for _, r in others}
        prefix = net.bridge_options.iface_prefix  # -o com.docker.network.container_iface_prefix: its own count
        ifname = next(f"{prefix}{i}" for i in range(len(used) + 1) if f"{prefix}{i}" not in used)
        if len(ifname) >= 16 or not re.fullmatch(r"[^/\s:]+", ifname):
            raise InvalidArgument(f"cannot name the container's interface {ifname!r} on network {net.name} "
                                  "(com.docker.network.container_iface_prefix): at most 15 characters, "
                                  "no '/', ':' or blanks")
        own = driver.new_endpoint(ipr, net, cid)
        ip = self._allocate(ipr, st, cid, wanted_ip)
        route = not net.internal and all(n.internal for n, _ in others)
        rec = {"ip": str(ip), **own, "state": PENDING,
               "ifname": ifname, "route": route, "netns_path": netns_path, "name": name,
               "aliases": list(aliases), "created": time.time(), **({"mac": mac} if mac else {})}
        try:
            st.store.put(cid, rec)
            driver.join(ipr, net, ns_fd, rec)
            crashpoints.reached("network.attach.veth")
            try:
                rec["state"] = READY
                st.store.put(cid, rec)
                self._after_attach(cid, net, name, netns_path)
            except BaseException:
                driver.leave(ipr, rec)
                raise
        except BaseException:
            st.store.remove(cid)
            st.pool.release(ip)
            try:
                self._after_change(cid, [net])
            except Exception:  # noqa: BLE001 - the first error is the one to report
                log.exception("could not update hosts files or rules after a failed attach of %s", cid[:12])
            raise
        log.info("attached %s to %s: %s on %s as %s (%.1f ms)", cid[:12], net.name, ip, rec.get("host_interface"),
                 ifname, (time.perf_counter() - started) * 1e3)
        return self._endpoint(net, cid, rec)

    def _allocate(self, ipr, st, cid: str, wanted_ip):
        if wanted_ip is not None:
            return st.pool.allocate_this(wanted_ip, cid)
        try:
            return st.pool.allocate(cid)
        except ResourceExhausted:
            # Containers that died without a Detach still hold addresses:
            # free those (their veths went with their namespaces), retry once.
            reconcile.drop_dead_endpoints(ipr, st.driver, st.pool, st.store)
            return st.pool.allocate(cid)

    def _after_attach(self, cid: str, net: Network, name: str, netns_path: str) -> None:
        sb = self.sandboxes.get(cid)
        if sb is not None:
            changes = {"netns_path": netns_path}
            if name:
                changes["name"] = name
            if not sb.get("primary") and not net.internal:
                changes["primary"] = net.name
            self.sandboxes.update(cid, **changes)
        self._after_change(cid, [net])

    def _after_change(self, cid: str, nets: list[Network]) -> None:
        """Hosts files of the container and of its neighbours on `nets`;
        the firewall when the container publishes ports."""
        self._refresh_hosts({cid} | self._neighbours(nets))
        sb = self.sandboxes.get(cid)
        if sb is not None and sb.get("ports"):
            self._apply_firewall()

    # -- detach and disconnect -------------------------------------------------

    def detach(self, container_id: str) -> None:
        """Removes the container's endpoints, frees their addresses, its
        published ports and hosts file; an unknown container is fine (safe
        to retry). Needs no space (a full disk: the records are written
        when there is room), like a disconnect and a release of ports."""
        check_container_id(container_id)
        with self._lock, host() as ipr:
            left = []
            for st in self._networks.values():
                rec = st.store.get(container_id)
                if rec is not None:
                    st.driver.leave(ipr, rec)
                    st.store.remove(container_id)
                    left.append(st.network)
                    log.info("detached %s from %s: freed %s", container_id[:12], st.network.name, rec["ip"])
                st.pool.release_owner(container_id)
            sb = self.sandboxes.get(container_id)
            self.reservations.release(container_id)
            self.sandboxes.remove(container_id)
            self._refresh_hosts(self._neighbours(left))
            if sb is not None and sb.get("ports"):
                self._apply_firewall()

    def disconnect(self, container_id: str, network: str) -> None:
        check_container_id(container_id)
        with self._lock, host() as ipr:
            st = self._resolve(network)
            net = st.network
            rec = st.store.get(container_id)
            if rec is None:
                raise NotFound(f"container {container_id[:12]} is not connected to network {net.name}")
            st.driver.leave(ipr, rec)
            st.store.remove(container_id)
            st.pool.release_owner(container_id)
            log.info("disconnected %s from %s: freed %s", container_id[:12], net.name, rec["ip"])
            others = [(n, r) for n, r in self._records_of(container_id) if not n.internal]
            if rec.get("route") and others:
                n, r = min(others, key=lambda x: x[1].get("created", 0))
                self._move_route(container_id, n, r)
            sb = self.sandboxes.get(container_id)
            if sb is not None and sb.get("primary") == net.name:
                self.sandboxes.update(container_id, freeing=True, primary=others[0][0].name if others else "")
            self._after_change(container_id, [net])

    def _move_route(self, cid: str, net: Network, rec: dict) -> None:
        """The default route left with the endpoint that carried it: via
        another network now."""
        try:
            fd = netns.open_netns(rec.get("netns_path", ""))
        except Exception as e:  # noqa: BLE001 - the disconnect itself is done
            log.warning("container %s keeps no default route: %s", cid[:12], e)
            return
        try:
            st = self._networks[net.name]
            if st.driver.take_default_route(fd, net):
                st.store.put(cid, {**rec, "route": True}, freeing=True)
        finally:
            os.close(fd)

    def rename(self, container_id: str, name: str) -> None:
        check_container_id(container_id)
        with self._lock:
            nets = []
            for st in self._networks.values():
                rec = st.store.get(container_id)
                if rec is not None:
                    st.store.put(container_id, {**rec, "name": name})
                    nets.append(st.network)
            self.sandboxes.update(container_id, name=name)
            self._refresh_hosts({container_id} | self._neighbours(nets))

    # -- derived state: hosts files, firewall ------------------------------------

    def _records_of(self, cid: str) -> list[tuple[Network, dict]]:
        """The container's ready endpoints: (network, record), oldest first."""
        out = [(st.network, rec) for st in self._networks.values()
               if (rec := st.store.get(cid)) is not None and rec.get("state") == READY]
        return sorted(out, key=lambda x: x[1].get("created", 0))

    def _neighbours(self, nets: list[Network]) -> set[str]:
        """The containers on these networks, when they resolve names."""
        out = set()
        for net in nets:
            st = self._networks.get(net.name)
            if st is not None and not net.is_default:
                out |= {c for c, _ in st.store.items()}
        return out

    def _name_of(self, cid: str, rec: dict) -> str:
        sb = self.sandboxes.get(cid) if self.sandboxes else None
        return rec.get("name") or (sb or {}).get("name") or cid[:12]

    def _refresh_hosts(self, cids) -> None:
        for cid in sorted(cids):
            sb = self.sandboxes.get(cid)
            if sb is None or sb.get("host_network"):
                continue  # attached without Prepare: no hosts file of ours; or the host's copy
            own, peers = [], []
            for net, rec in self._records_of(cid):
                names = [sb.get("hostname") or cid[:12]]
                if not net.is_default:
                    names += [self._name_of(cid, rec), *rec.get("aliases", [])]
                    for other, orec in self._networks[net.name].store.items():
                        if other != cid and orec.get("state") == READY:
                            peers.append((orec["ip"], [self._name_of(other, orec), *orec.get("aliases", []),
                                                       other[:12]]))
                own.append((rec["ip"], names))
            try:
                hostsfile.write_in_place(self.sandboxes.hosts_path(cid), hostsfile.render(_extra(sb) + own, peers))
            except OSError as e:
                log.warning("cannot write the hosts file of %s: %s", cid[:12], e)

    def _mappings(self) -> list[Mapping]:
        """Each published port, to the address of the container on the
        network its ports lead to (the first it joined that is not internal)."""
        out = []
        for cid, sb in self.sandboxes.items():
            if not sb.get("ports"):
                continue
            eps = [(n, r) for n, r in self._records_of(cid) if not n.internal]
            eps.sort(key=lambda x: x[0].name != sb.get("primary"))
            if not eps:
                continue
            ip = eps[0][1]["ip"]
            for b in map(ports.from_record, sb["ports"]):
                out.append(Mapping(cid, b.protocol, b.host_ip, b.host_port, ip, b.container_port))
        return out

    def _apply_firewall(self) -> None:
        self.firewall.apply([st.network for st in self._networks.values()], self._mappings())

    def _reconcile_sandboxes(self, ipr) -> None:
        """At start: a sandbox whose container's namespace is gone, with no
        endpoint left, is dropped; the others hold their ports again (none
        for a stopped container: its record says "released", with no ports)
        and get their hosts files rewritten."""
        for cid, sb in self.sandboxes.items():
            path = sb.get("netns_path")
            if path and not os.path.exists(path) and not self._records_of(cid):
                log.info("dropping the network settings of %s: its namespace is gone", cid[:12])
                self.sandboxes.remove(cid)
                continue
            self.reservations.restore(cid, [ports.from_record(b) for b in sb.get("ports", [])])
        self._refresh_hosts([cid for cid, _ in self.sandboxes.items()])

    # -- messages ---------------------------------------------------------------

    def _endpoints_on(self, st) -> list[Endpoint]:
        return [self._endpoint(st.network, cid, rec) for cid, rec in st.store.items() if rec.get("state") == READY]

    def _endpoint(self, net: Network, cid: str, rec: dict) -> Endpoint:
        ip = ipaddress.IPv4Address(rec["ip"])
        return Endpoint(container_id=cid, network=net.name, ip_address=str(ip),
                        prefix_len=net.prefix_len, gateway=str(net.gateway), mac_address=rec.get("mac") or mac_for(ip),
                        host_interface=rec.get("host_interface", ""), bridge=net.bridge,
                        container_name=self._name_of(cid, rec) if rec.get("name") or self.sandboxes.get(cid) else "",
                        interface=rec.get("ifname", CONTAINER_IFNAME), aliases=tuple(rec.get("aliases", ())),
                        network_id=net.id)

    def _sandbox(self, cid: str, rec: dict) -> dict:
        return {"container_id": cid, "name": rec.get("name", ""), "hostname": rec.get("hostname", ""),
                "hosts_path": str(self.sandboxes.hosts_path(cid)), "requested": rec.get("requested", []),
                "hostname_path": str(self.sandboxes.hostname_path(cid)),
                "resolv_conf_path": str(self.sandboxes.resolv_path(cid)),
                "ports": rec.get("ports", []), "exposed": rec.get("exposed", []),
                "released": bool(rec.get("released"))}
