"""Start-up reconciliation of a network's endpoint records with the kernel.

- an endpoint still "pending" was interrupted by a crash: what its driver
  made of it (if anything) is removed and its address freed;
- a "ready" endpoint whose kernel objects are gone (its namespace died,
  taking the veth pair with it) is dropped and its address freed;
- an address whose owner has no endpoint record is freed.

Once the network is set up, its driver puts the live endpoints back in
place and removes what no record names (Driver.restore).
"""
import logging

from services.network.drivers.driver import Driver
from services.network.endpoints import PENDING, EndpointStore
from services.network.ipam import AddressPool

log = logging.getLogger("doca.network.reconcile")


def drop_dead_endpoints(ipr, driver: Driver, pool: AddressPool, store: EndpointStore) -> None:
    for cid, rec in store.items():
        if rec.get("state") == PENDING:
            driver.leave(ipr, rec)
            log.info("undid the interrupted attach of %s", cid)
        elif driver.alive(ipr, rec):
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
