"""Start-up reconciliation of the records on disk with the kernel.

- an endpoint still "pending" was interrupted by a crash: its veth (if any)
  is deleted and its address freed;
- a "ready" endpoint whose host veth is gone (its namespace died, taking the
  pair with it) is dropped and its address freed;
- an address whose owner has no endpoint record is freed;
- once the bridge exists: every live endpoint's host end is back on it and
  up, and a "vd" veth on our bridge that no record knows is deleted.
"""
import logging

from services.network import setup_endpoint
from services.network.endpoints import HOST_PREFIX, PENDING, EndpointStore
from services.network.ipam import AddressPool
from services.network.netlink import find_link, link_kind

log = logging.getLogger("doca.network.reconcile")


def drop_dead_endpoints(ipr, pool: AddressPool, store: EndpointStore) -> None:
    for cid, rec in store.items():
        host_if = rec["host_interface"]
        if rec.get("state") == PENDING:
            setup_endpoint.remove_endpoint(ipr, host_if)
            log.info("undid the interrupted attach of %s", cid)
        elif find_link(ipr, host_if) is not None:
            continue
        else:
            log.info("endpoint of %s is gone (its namespace died): freeing %s", cid, rec["ip"])
        store.remove(cid)
        pool.release_owner(cid)
    known = {cid for cid, _ in store.items()}
    for ip, owner in pool.allocations().items():
        if owner not in known:
            log.info("freeing %s: no endpoint of %s uses it", ip, owner)
            pool.release(ip)


def repair_ports(ipr, store: EndpointStore, bridge_index: int) -> None:
    wanted = set()
    for cid, rec in store.items():
        wanted.add(rec["host_interface"])
        setup_endpoint.repair_host_end(ipr, rec["host_interface"], bridge_index)
    for link in ipr.link("dump"):
        name = link.get("ifname") or ""
        if (link.get("master") == bridge_index and name.startswith(HOST_PREFIX)
                and link_kind(link) == "veth" and name not in wanted):
            log.info("deleting veth %s: it is on our bridge but no endpoint uses it", name)
            setup_endpoint.remove_endpoint(ipr, name)
