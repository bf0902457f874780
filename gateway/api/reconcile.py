"""The gateway's reconciliation of the four services, at its start and
whenever an undo could not finish.

The services never call each other about containers: the gateway composes
them, so the gateway is where their records meet. At start-up, once the
runtime answers:

1. intents an earlier gateway left (it died during a create, a remove or a
   commit) are settled: a create is rolled back (its client never got the
   container), a remove finished, a commit's paused container resumed;
2. the orphan sweep: a snapshot, a network sandbox or endpoint, or a volume
   reference held for a container id the runtime does not know, and that no
   flow is working on, is released (what a crash left behind before intents
   existed, or after a power loss took an intent record with it). A
   runtime container whose snapshot is gone is reported: `rm` removes it.

Afterwards a thread retries intents whose undo failed (a service was down
longer than the undo waited) until they are settled.
"""
import logging
import threading

import grpc

from common import labels
from doca.images.v1 import images_pb2 as ipb
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.volumes.v1 import volumes_pb2 as vpb
from gateway.api import intents
from gateway.api.clients import Clients

log = logging.getLogger("doca.gateway.reconcile")
READY_WAIT = 120.0  # the services start with the gateway
RETRY_FIRST, RETRY_MOST = 2.0, 60.0  # seconds between tries of an intent whose undo failed
_WAIT = {"timeout": READY_WAIT, "wait_for_ready": True}


class Reconciler:
    def __init__(self, clients: Clients, journal: intents.Journal, settlers: dict):
        """`settlers`: flow name -> function(intent) -> bool (settled)."""
        self.c = clients
        self.journal = journal
        self.settlers = settlers
        self._kick = threading.Event()
        journal.on_park = self._kick.set

    def start(self) -> None:
        threading.Thread(target=self._run, name="reconcile", daemon=True).start()

    def _run(self) -> None:
        try:
            self.c.runtime.List(rpb.ListRequest(all=True), **_WAIT)
        except grpc.RpcError as e:
            log.warning("no reconciliation: the runtime did not answer: %s", e.details())
        pending = self._guarded(self.settle, True)
        orphans = self._guarded(self.sweep, None)
        if orphans is not None:
            log.info("start-up reconciliation done: %d orphan(s) released%s", len(orphans),
                     ", some intents still pending" if pending else "")
        delay = RETRY_FIRST
        while True:
            kicked = self._kick.wait(delay if pending else None)
            self._kick.clear()
            # A new failure is tried soon; one failing again and again less and less often.
            delay = RETRY_FIRST if kicked else min(delay * 2, RETRY_MOST)
            pending = self._guarded(self.settle, True)

    @staticmethod
    def _guarded(step, failed):
        """A step's unexpected error is logged; the thread (and its later
        retries) goes on."""
        try:
            return step()
        except grpc.RpcError as e:
            log.warning("reconciliation: %s", e.details())
        except Exception:  # noqa: BLE001 - never lose the reconciler
            log.exception("reconciliation failed")
        return failed

    def settle(self) -> bool:
        """Settles every left-over intent; True if some are still pending."""
        pending = False
        for intent in self.journal.left_over():
            settle = self.settlers.get(intent.flow)
            if settle is None:
                log.warning("dropping intent %s of an unknown flow", intent.path.name)
                intent.done()
                continue
            if settle(intent):
                log.info("settled an interrupted %s of %s", intent.flow, intent.container[:12])
            else:
                pending = True
        return pending

    def sweep(self) -> list[str]:
        """Releases what is held for containers the runtime does not know.
        A create that took something listed here has begun before the
        listing: it is busy when the sweep ends, or began during it, or it
        is done and the runtime (listed after the holders) knows it."""
        with self.journal.watching() as begun:
            held: dict[str, set[str]] = {}
            for snap in self.c.images.ListSnapshots(ipb.ListSnapshotsRequest(), **_WAIT).snapshots:
                held.setdefault(snap.container_id, set()).add("snapshot")
            net = self.c.network.ListEndpoints(npb.ListEndpointsRequest(), **_WAIT)
            for item in [*net.endpoints, *net.sandboxes]:
                held.setdefault(item.container_id, set()).add("network")
            for vol in self.c.volumes.List(vpb.ListRequest(), **_WAIT).volumes:
                for cid in vol.used_by:
                    held.setdefault(cid, set()).add(f"volume {vol.name}")
            containers = self.c.runtime.List(rpb.ListRequest(all=True), **_WAIT).containers
            busy = self.journal.busy() | {i.container for i in self.journal.left_over()}
            orphans = sorted(set(held) - {ctr.id for ctr in containers} - busy - begun)
            for cid in orphans:
                log.warning("releasing what no container holds: %s of %s", ", ".join(sorted(held[cid])), cid[:12])
                self._release(cid)
        for ctr in containers:
            if "snapshot" not in held.get(ctr.id, ()) and ctr.id not in busy | begun:
                if ctr.spec.labels.get(labels.BUILD) is None and ctr.spec.rootfs.upper_dir:
                    log.warning("container %s (%s) has lost its snapshot: its filesystem is gone; "
                                "remove it with `doca rm`", ctr.name, ctr.id[:12])
        return orphans

    def _release(self, cid: str) -> None:
        for call, request in ((self.c.images.RemoveSnapshot, ipb.RemoveSnapshotRequest(container_id=cid)),
                              (self.c.network.Detach, npb.DetachRequest(container_id=cid)),
                              (self.c.volumes.Release, vpb.ReleaseRequest(container_id=cid))):
            try:
                call(request, timeout=READY_WAIT)
            except grpc.RpcError as e:
                log.warning("releasing %s: %s", cid[:12], e.details())
