"""The network service's core: networks, their address pools and endpoints.

One lock guards all state; every request that changes something holds it
for its whole run (a few milliseconds), so the records and the kernel never
disagree between two requests. This file holds the networks (start-up,
create, remove, prune, queries); containers.py a container's side of them.
What a network is in the kernel is its driver's (drivers/, chosen by the
network's record); the manager keeps the records, whatever the driver.

A full disk: what frees (a release of ports, a detach, a disconnect, a
network's removal, the start's reconciliation) needs no space, its records
written when there is room (self.unwritten, common/unwritten.py); what
needs space (prepare, attach, create) fails with one line naming the file
or the network store.
"""
import dataclasses
import logging
import pathlib
import threading

from common import atomic, crashpoints
from common.errors import AlreadyExists, DocaError, FailedPrecondition, InvalidArgument, NotFound, note_data_root
from common.unwritten import Unwritten

from services.network import drivers, networks, reconcile
from services.network.containers import ContainerNetworking
from services.network.drivers.driver import Driver
from services.network.endpoints import EndpointStore
from services.network.firewall import Firewall
from services.network.ipam import AddressPool
from services.network.netlink import NetlinkError, host
from services.network.networks import DEFAULT_NETWORK, Network
from services.network.create_settings import CreateSettings
from services.network.ports import Reservations
from services.network.sandboxes import SandboxStore

log = logging.getLogger("doca.network")


# Picks of a free subnet for a network created without --subnet (see create_network).
PICK_ATTEMPTS = 3


@dataclasses.dataclass
class _State:
    network: Network
    pool: AddressPool
    store: EndpointStore
    driver: Driver


class NetworkManager(ContainerNetworking):
    def __init__(self, state_dir: pathlib.Path, bridge: str, subnet: str):
        self.state_dir = pathlib.Path(state_dir)
        self.bridge = bridge
        self.subnet = subnet
        self._lock = threading.Lock()
        # The records' writes a full disk held back (all files of the store).
        self.unwritten = Unwritten("the network store", self._lock)
        self._networks: dict[str, _State] = {}
        self.sandboxes: SandboxStore | None = None
        self.reservations = Reservations()
        self.firewall = Firewall(bridge)
        self.drivers = drivers.load(bridge)

    def _driver(self, net: Network) -> Driver:
        try:
            return self.drivers[net.driver]
        except KeyError:
            raise FailedPrecondition(f"network {net.name} uses driver {net.driver!r}, which this doca does "
                                     "not have") from None

    # -- start and stop ----------------------------------------------------

    def start(self) -> None:
        """Validates the settings, reconciles the records with the kernel,
        sets up every network (idempotent) and the stack's
        firewall rules, holds the published ports again and rewrites the
        hosts files."""
        net = networks.configured(self.state_dir, DEFAULT_NETWORK, self.bridge, self.subnet)
        note_data_root(self.state_dir, "the network store")  # named by a full disk's error
        for sub in ("networks", "ipam", "endpoints"):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True)
            atomic.remove_temporaries(self.state_dir / sub)
        self.sandboxes = SandboxStore(self.state_dir, self.unwritten)
        with self._lock, host() as ipr:
            self._start_default(ipr, net)
            for other in networks.load_all(self.state_dir):
                if other.name != DEFAULT_NETWORK:
                    self._start_user(ipr, other)
            self._reconcile_sandboxes(ipr)
            self._forget_old_firewall()
            try:
                self._apply_firewall()
            except DocaError as e:
                log.error("firewall rules not set: %s (published ports and isolation will not work)", e)

    def _start_default(self, ipr, net: Network) -> None:
        old = networks.load(self.state_dir, net.name)
        ipam_path = self._ipam_path(net.name)
        base = old or net
        pool = self._pool(base)
        store = EndpointStore(self._endpoints_path(net.name), self.unwritten)
        driver = self._driver(net)
        reconcile.drop_dead_endpoints(ipr, driver, pool, store)
        if old is not None and (old.subnet, old.bridge) != (net.subnet, net.bridge):
            if len(store):
                raise FailedPrecondition(
                    f"network {net.name} still has {len(store)} endpoint(s) on {old.subnet} via bridge "
                    f"{old.bridge}: remove those containers, or start with --bridge {old.bridge} "
                    f"--subnet {old.subnet}")
            if old.bridge != net.bridge:
                driver.tear_down(ipr, old)
            pool = self._pool(net)  # starts empty
        if old is None or old.to_record() != net.to_record():
            networks.save(self.state_dir, net)  # before the bridge carries its id
        driver.restore(ipr, net, store)
        self._networks[net.name] = _State(net, pool, store, driver)
        log.info("network %s: bridge %s, subnet %s, gateway %s, %d endpoint(s)",
                 net.name, net.bridge, net.subnet, net.gateway, len(store))

    def _start_user(self, ipr, net: Network) -> None:
        try:
            driver = self._driver(net)
        except DocaError as e:  # a record of a newer doca's driver: left alone
            log.error("%s", e)
            return
        pool = self._pool(net)
        store = EndpointStore(self._endpoints_path(net.name), self.unwritten)
        reconcile.drop_dead_endpoints(ipr, driver, pool, store)
        self._networks[net.name] = _State(net, pool, store, driver)
        try:
            driver.restore(ipr, net, store)
        except (DocaError, NetlinkError, OSError) as e:
            # Kept on record: attaching to it says what is wrong.
            log.error("network %s: cannot set up bridge %s: %s", net.name, net.bridge, e)
            return
        log.info("network %s: bridge %s, subnet %s, %d endpoint(s)", net.name, net.bridge, net.subnet, len(store))

    def _forget_old_firewall(self) -> None:
        """The rules of an earlier --bridge (the firewall's tag) go."""
        path = self.state_dir / "firewall.json"
        old = (atomic.read_json(path) or {}).get("tag")
        if old and old != self.firewall.tag:
            try:
                Firewall(old).remove()
            except DocaError as e:
                log.warning("could not remove the rules of tag %s: %s", old, e)
        if old != self.firewall.tag:
            atomic.write_json(path, {"tag": self.firewall.tag})

    def shutdown(self) -> None:
        """On a clean stop: removes each bridge that has no endpoint left,
        and the firewall rules when no endpoint is left at all (running
        containers keep their ports and isolation while the service is
        down). The records stay on disk for the next start."""
        with self._lock, host() as ipr:
            left = 0
            for st in self._networks.values():
                try:
                    reconcile.drop_dead_endpoints(ipr, st.driver, st.pool, st.store)
                except Exception:  # noqa: BLE001 - stopping anyway
                    log.exception("could not check the endpoints of %s", st.network.name)
                left += len(st.store)
                if len(st.store):
                    log.info("keeping bridge %s: %d endpoint(s) attached", st.network.bridge, len(st.store))
                    continue
                try:
                    st.driver.tear_down(ipr, st.network)
                except Exception:  # noqa: BLE001 - stopping anyway
                    log.exception("could not remove bridge %s", st.network.bridge)
            if not left:
                try:
                    self.firewall.remove()
                except Exception:  # noqa: BLE001 - stopping anyway
                    log.exception("could not remove the firewall rules")
            self.reservations.release_all()
            if not self.unwritten.flush():
                log.warning("the disk is still full: %s not written (the next start reads them as they were)",
                            ", ".join(map(str, self.unwritten.keys())))

    # -- networks ------------------------------------------------------------

    def _pool(self, net: Network) -> AddressPool:
        return AddressPool(self._ipam_path(net.name), net.subnet, net.gateway, self.unwritten,
                           ip_range=net.ip_range, reserved=net.reserved)

    def _ipam_path(self, name: str) -> pathlib.Path:
        return self.state_dir / "ipam" / f"{name}.json"

    def _endpoints_path(self, name: str) -> pathlib.Path:
        return self.state_dir / "endpoints" / f"{name}.json"

    def _resolve(self, ref: str) -> _State:
        """A network by name, id or unique id prefix."""
        if ref in self._networks:
            return self._networks[ref]
        if ref:
            found = [st for st in self._networks.values() if st.network.id == ref] or \
                [st for st in self._networks.values() if st.network.id.startswith(ref)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise InvalidArgument(f"network {ref} is ambiguous ({len(found)} matches found based on ID prefix)")
        raise NotFound(f"network {ref} not found")

    def create_network(self, name: str, driver: str = "", subnet: str = "", gateway: str = "",
                       internal: bool = False, labels: dict | None = None, settings: CreateSettings | None = None
                       ) -> Network:
        """`settings`: the rest of `network create` (create_settings.py), checked there in Docker's order."""
        settings = settings or CreateSettings()
        networks.check_name(name)
        with self._lock:
            if name in self._networks:  # Docker's first check (its API router's)
                raise AlreadyExists(f"network with name {name} already exists")
        drv = self.drivers[drivers.check_name(driver)]
        settings.check_before_ipam()
        if (gateway or settings.ip_range or settings.aux_addresses) and not subnet:
            raise InvalidArgument("every ip-range or gateway must have a corresponding subnet"
                                  if not settings.aux_addresses else
                                  f"no matching subnet for aux-address {next(iter(settings.aux_addresses.values()))}")
        wanted = networks.parse_subnet(subnet, strict=False) if subnet else None
        if gateway:
            networks.parse_gateway(gateway, wanted)
        given = settings.fields(name, wanted, gateway, subnet)
        with self._lock, host() as ipr:
            if name in self._networks:
                raise AlreadyExists(f"network with name {name} already exists")
            taken = [st.network for st in self._networks.values()]
            picked = wanted is None
            for attempt in range(PICK_ATTEMPTS if picked else 1):
                if picked:
                    wanted = drv.pick_subnet(ipr, [n.subnet for n in taken])
                for other in taken:
                    if other.subnet.overlaps(wanted):
                        raise FailedPrecondition(
                            f"subnet {wanted} overlaps network {other.name} ({other.subnet}): choose another --subnet")
                net = drv.complete(networks.new_user_network(name, drv.name, wanted, gateway, internal, labels or {},
                                                             **given))
                self._check_bridge_name(net)
                networks.save(self.state_dir, net)
                try:
                    drv.set_up(ipr, net)
                    crashpoints.reached("network.create.bridge")
                    st = _State(net, self._pool(net), EndpointStore(self._endpoints_path(name), self.unwritten), drv)
                    self._networks[name] = st
                    self._apply_firewall()
                    break
                except BaseException as e:
                    self._networks.pop(name, None)
                    self._forget_network(ipr, drv, net)
                    # A subnet we picked was taken on the host between the pick and the
                    # bridge (another engine's network, made at the same instant): pick again.
                    if not (picked and isinstance(e, FailedPrecondition) and "overlaps" in str(e)
                            and attempt + 1 < PICK_ATTEMPTS):
                        raise
        log.info("created network %s: bridge %s, subnet %s%s", name, net.bridge, net.subnet,
                 " (internal)" if internal else "")
        return net

    def _check_bridge_name(self, net: Network) -> None:
        """Two networks on one bridge: Docker's refusal (-o com.docker.network.bridge.name)."""
        for st in self._networks.values():
            other = st.network
            if other.bridge and other.bridge == net.bridge:
                raise FailedPrecondition(f"cannot create network {net.id} ({net.bridge}): conflicts with network "
                                         f"{other.id} ({other.bridge}): networks have same bridge name")

    def _forget_network(self, ipr, driver: Driver, net: Network) -> None:
        try:
            driver.tear_down(ipr, net)
            crashpoints.reached("network.remove.bridge")
        finally:
            for path in (self._ipam_path(net.name), self._endpoints_path(net.name)):
                self.unwritten.discard(str(path))
                path.unlink(missing_ok=True)
            networks.delete(self.state_dir, net.name)

    def remove_network(self, ref: str) -> Network:
        with self._lock, host() as ipr:
            st = self._resolve(ref)
            net = st.network
            if net.is_default:
                raise FailedPrecondition(f"{net.name} is a pre-defined network and cannot be removed")
            reconcile.drop_dead_endpoints(ipr, st.driver, st.pool, st.store)
            if len(st.store):
                names = ", ".join(self._name_of(cid, rec) for cid, rec in st.store.items())
                raise FailedPrecondition(
                    f"error while removing network: network {net.name} id {net.id} has active endpoints ({names})")
            del self._networks[net.name]
            self._forget_network(ipr, st.driver, net)
            self._apply_firewall()
        log.info("removed network %s", net.name)
        return net

    def prune_networks(self) -> list[str]:
        """Removes every user network without endpoints."""
        removed = []
        for name in [n for n, st in sorted(self._networks.items()) if not st.network.is_default]:
            try:
                removed.append(self.remove_network(name).name)
            except (FailedPrecondition, NotFound):
                continue
        return removed

    # -- queries -------------------------------------------------------------

    def list_networks(self) -> list[Network]:
        with self._lock:
            return [st.network for _, st in sorted(self._networks.items())]

    def inspect_network(self, ref: str):
        """(network, its endpoints)."""
        with self._lock:
            st = self._resolve(ref)
            return st.network, self._endpoints_on(st)

    def list_endpoints(self, container_id: str = ""):
        """(endpoints, sandboxes) of one container, or of all."""
        with self._lock:
            eps = [ep for _, st in sorted(self._networks.items()) for ep in self._endpoints_on(st)
                   if not container_id or ep.container_id == container_id]
            sbs = [self._sandbox(cid, rec) for cid, rec in self.sandboxes.items()
                   if not container_id or cid == container_id]
            return eps, sbs

