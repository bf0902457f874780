"""The network service's core: networks, their address pools and endpoints.

One lock guards all state; Attach and Detach hold it for their whole run
(a few milliseconds), so the records and the kernel never disagree between
two requests.
"""
import dataclasses
import ipaddress
import logging
import os
import pathlib
import threading
import time

from common import atomic
from common.errors import FailedPrecondition, InvalidArgument, NotFound, ResourceExhausted

from services.network import netns, networks, reconcile, setup_bridge, setup_endpoint
from services.network.endpoints import (PENDING, READY, Endpoint, EndpointStore,
                                        host_interface_name, mac_for)
from services.network.ipam import AddressPool
from services.network.netlink import find_link, host
from services.network.networks import DEFAULT_NETWORK, Network

log = logging.getLogger("doca.network")
MAX_CONTAINER_ID = 256


@dataclasses.dataclass
class _State:
    network: Network
    pool: AddressPool
    store: EndpointStore


class NetworkManager:
    def __init__(self, state_dir: pathlib.Path, bridge: str, subnet: str):
        self.state_dir = pathlib.Path(state_dir)
        self.bridge = bridge
        self.subnet = subnet
        self._lock = threading.Lock()
        self._networks: dict[str, _State] = {}

    # -- start and stop ----------------------------------------------------

    def start(self) -> None:
        """Validates the settings, reconciles the records with the kernel and
        sets up the default network's bridge (idempotent)."""
        net = networks.configured(self.state_dir, DEFAULT_NETWORK, self.bridge, self.subnet)
        for sub in ("networks", "ipam", "endpoints"):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True)
            atomic.remove_temporaries(self.state_dir / sub)
        old = networks.load(self.state_dir, net.name)
        ipam_path = self.state_dir / "ipam" / f"{net.name}.json"
        base = old or net
        with self._lock, host() as ipr:
            pool = AddressPool(ipam_path, base.subnet, base.gateway)
            store = EndpointStore(self.state_dir / "endpoints" / f"{net.name}.json")
            reconcile.drop_dead_endpoints(ipr, pool, store)
            if old is not None and (old.subnet, old.bridge) != (net.subnet, net.bridge):
                if len(store):
                    raise FailedPrecondition(
                        f"network {net.name} still has {len(store)} endpoint(s) on {old.subnet} via bridge "
                        f"{old.bridge}: remove those containers, or start with --bridge {old.bridge} "
                        f"--subnet {old.subnet}")
                if old.bridge != net.bridge:
                    setup_bridge.remove_bridge(ipr, old)
                pool = AddressPool(ipam_path, net.subnet, net.gateway)  # starts empty
            networks.save(self.state_dir, net)  # before the bridge carries its id
            index = setup_bridge.ensure_bridge(ipr, net)
            reconcile.repair_ports(ipr, store, index)
            self._networks[net.name] = _State(net, pool, store)
        log.info("network %s: bridge %s, subnet %s, gateway %s, %d endpoint(s)",
                 net.name, net.bridge, net.subnet, net.gateway, len(store))

    def shutdown(self) -> None:
        """On a clean stop: removes each bridge that has no endpoint left.
        The records stay on disk for the next start."""
        with self._lock, host() as ipr:
            for st in self._networks.values():
                try:
                    reconcile.drop_dead_endpoints(ipr, st.pool, st.store)
                except Exception:  # noqa: BLE001 - stopping anyway
                    log.exception("could not check the endpoints of %s", st.network.name)
                if len(st.store):
                    log.info("keeping bridge %s: %d endpoint(s) attached", st.network.bridge, len(st.store))
                    continue
                try:
                    setup_bridge.remove_bridge(ipr, st.network)
                except Exception:  # noqa: BLE001 - stopping anyway
                    log.exception("could not remove bridge %s", st.network.bridge)

    # -- queries -------------------------------------------------------------

    def list_networks(self) -> list[Network]:
        with self._lock:
            return [st.network for _, st in sorted(self._networks.items())]

    def list_endpoints(self, container_id: str = "") -> list[Endpoint]:
        with self._lock:
            out = []
            for _, st in sorted(self._networks.items()):
                for cid, rec in st.store.items():
                    if rec.get("state") == READY and (not container_id or cid == container_id):
                        out.append(self._endpoint(st.network, cid, rec))
            return out

    # -- attach and detach ---------------------------------------------------

    def attach(self, container_id: str, network: str, netns_path: str) -> Endpoint:
        _check_container_id(container_id)
        name = network or DEFAULT_NETWORK
        st = self._networks.get(name)
        if st is None:
            raise NotFound(f"network {name} not found: known networks are {', '.join(sorted(self._networks))}")
        ns_fd = netns.open_netns(netns_path)
        try:
            with self._lock, host() as ipr:
                return self._attach_locked(ipr, st, container_id, ns_fd)
        finally:
            os.close(ns_fd)

    def _attach_locked(self, ipr, st: _State, cid: str, ns_fd: int) -> Endpoint:
        net = st.network
        rec = st.store.get(cid)
        if rec is not None:
            if rec.get("state") == READY and find_link(ipr, rec["host_interface"]) is not None:
                return self._endpoint(net, cid, rec)  # attaching twice: the same endpoint
            # Its namespace died since (or an attach was cut short): start afresh.
            setup_endpoint.remove_endpoint(ipr, rec["host_interface"])
            st.store.remove(cid)
            st.pool.release_owner(cid)
        started = time.perf_counter()
        bridge_index = setup_bridge.bridge_index(ipr, net)
        try:
            ip = st.pool.allocate(cid)
        except ResourceExhausted:
            # Containers that died without a Detach still hold addresses:
            # free those (their veths went with their namespaces), retry once.
            reconcile.drop_dead_endpoints(ipr, st.pool, st.store)
            ip = st.pool.allocate(cid)
        host_if = host_interface_name(net.id, cid)
        rec = {"ip": str(ip), "host_interface": host_if, "state": PENDING}
        try:
            st.store.put(cid, rec)
            setup_endpoint.create_endpoint(ipr, ns_fd, bridge_index, host_if, ip, net.subnet,
                                           net.gateway, mac_for(ip))
            try:
                rec["state"] = READY
                st.store.put(cid, rec)
            except BaseException:
                setup_endpoint.remove_endpoint(ipr, host_if)
                raise
        except BaseException:
            st.store.remove(cid)
            st.pool.release(ip)
            raise
        log.info("attached %s to %s: %s on %s (%.1f ms)", cid[:12], net.name, ip, host_if,
                 (time.perf_counter() - started) * 1e3)
        return self._endpoint(net, cid, rec)

    def detach(self, container_id: str) -> None:
        """Removes the container's endpoints and frees their addresses;
        an unknown container is fine (safe to retry)."""
        _check_container_id(container_id)
        with self._lock, host() as ipr:
            for st in self._networks.values():
                rec = st.store.get(container_id)
                if rec is not None:
                    setup_endpoint.remove_endpoint(ipr, rec["host_interface"])
                    st.store.remove(container_id)
                    log.info("detached %s from %s: freed %s", container_id[:12], st.network.name, rec["ip"])
                st.pool.release_owner(container_id)

    @staticmethod
    def _endpoint(net: Network, cid: str, rec: dict) -> Endpoint:
        ip = ipaddress.IPv4Address(rec["ip"])
        return Endpoint(container_id=cid, network=net.name, ip_address=str(ip),
                        prefix_len=net.prefix_len, gateway=str(net.gateway), mac_address=mac_for(ip),
                        host_interface=rec["host_interface"], bridge=net.bridge)


def _check_container_id(container_id: str) -> None:
    if not container_id:
        raise InvalidArgument("container_id is required")
    if len(container_id) > MAX_CONTAINER_ID or not container_id.isprintable():
        raise InvalidArgument(
            f"invalid container_id: at most {MAX_CONTAINER_ID} printable characters")
