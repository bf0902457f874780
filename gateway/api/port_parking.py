"""Published ports follow the container's state, as Docker's do: held while
it runs, given back when it stops, held again when it starts.

- `doca start` / `restart` hold them (HoldPorts) before the runtime's Start:
  a port taken meanwhile fails the start, and the container stays stopped.
  `run` keeps the ports its create reserved (Prepare) for its first start.
- Everything else the runtime does on its own (an exit nobody waits for,
  stop, kill, a death, a restart for a restart policy) is followed from its
  event stream by one gateway thread: on "die" and "start" the container is
  looked up again and its ports held if it runs, released if not.
- Whenever that stream is (re)opened, at gateway start and after a restart
  of the runtime, and after a call to the network service failed (it may
  have been down while a container stopped), every container is
  reconciled: running or paused ones hold, stopped ones release. A
  container only created keeps what its create reserved.

One guard per container orders the start flow and the thread, and each
decision is taken from the container's state as read under that guard, so
a late event never undoes a newer start or stop.

Unlike Docker, a stopped container keeps its endpoint (veth, address): only
its published ports are given back (see gateway/api/DESIGN.md).

Also used by the create flow: a port still held by a container that has
just stopped (its "die" not yet followed) is released by a reconcile, and
the create tried again once.
"""
import contextlib
import logging
import queue
import threading

import grpc

from common.errors import FailedPrecondition
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from gateway.api import events
from gateway.api.clients import Clients

log = logging.getLogger("doca.gateway.ports")
HOLDING = ("running", "paused")  # states whose ports are held
KEEPING = ("created",)  # left as they are: a create reserved them for the first start
RPC_TIMEOUT = 10.0
RETRY = 1.0  # seconds between reconciles while the services are not reachable
_RESYNC = object()
PORT_TAKEN = "port is already allocated"


def port_taken(err: grpc.RpcError) -> bool:
    return err.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.ALREADY_EXISTS) \
        and PORT_TAKEN in (err.details() or "")


class PortParking:
    def __init__(self, clients: Clients):
        self.c = clients
        self._guards: dict[str, list] = {}  # cid -> [lock, users]
        self._guards_lock = threading.Lock()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._reader = None

    # -- the guard ------------------------------------------------------------

    @contextlib.contextmanager
    def guard(self, cid: str, timeout: float = -1):
        """Yields True with the container's guard held; False (without it)
        when someone else held it for longer than `timeout` seconds (-1:
        waits as long as it takes)."""
        with self._guards_lock:
            entry = self._guards.setdefault(cid, [threading.Lock(), 0])
            entry[1] += 1
        got = entry[0].acquire(timeout=timeout)
        try:
            yield got
        finally:
            if got:
                entry[0].release()
            with self._guards_lock:
                entry[1] -= 1
                if not entry[1]:
                    del self._guards[cid]

    # -- the start flow ---------------------------------------------------------

    def hold_for_start(self, ctr: rpb.Container) -> None:
        """HoldPorts for `doca start`, under the container's guard. A port
        held by a container that stopped an instant ago is freed by a
        reconcile first; a port really taken fails the start with Docker's
        message (exit code 1, as `docker start`)."""
        for attempt in (1, 2):
            try:
                self.c.network.HoldPorts(npb.HoldPortsRequest(container_id=ctr.id), timeout=RPC_TIMEOUT)
                return
            except grpc.RpcError as e:
                if e.code() == grpc.StatusCode.NOT_FOUND:
                    return  # no network settings: nothing to hold
                if not port_taken(e):
                    raise
                # Its own guard is held here: another's is waited for only so long.
                if attempt == 1 and self.reconcile(skip={ctr.id}, timeout=RPC_TIMEOUT):
                    continue
                raise FailedPrecondition(
                    f"driver failed programming external connectivity on endpoint {ctr.name} ({ctr.id[:12]}): "
                    f"{e.details()}", exit_code=1) from None

    # -- settling one container, or all ----------------------------------------------

    def settle(self, cid: str, timeout: float = -1) -> bool:
        """Holds or releases the container's ports as its state (read under
        its guard) calls for. False when a service could not be reached
        (a reconcile should follow); True otherwise, also when the container
        is gone or a port could not be held again (logged)."""
        with self.guard(cid, timeout) as got:
            return self.settle_held(cid) if got else True  # else: someone is starting or settling it now

    def settle_held(self, cid: str) -> bool:
        """settle() for a caller that holds the container's guard."""
        try:
            ctr = self.c.runtime.Inspect(rpb.InspectRequest(id=cid), timeout=RPC_TIMEOUT)
        except grpc.RpcError as e:
            return e.code() == grpc.StatusCode.NOT_FOUND
        if ctr.spec.network_mode == "none" or ctr.status in KEEPING:
            return True
        hold = ctr.status in HOLDING
        call = self.c.network.HoldPorts if hold else self.c.network.ReleasePorts
        request = npb.HoldPortsRequest if hold else npb.ReleasePortsRequest
        try:
            call(request(container_id=cid), timeout=RPC_TIMEOUT)
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.NOT_FOUND:
                return True  # removed meanwhile
            if hold and port_taken(e):
                log.warning("container %s runs without its published ports: %s", ctr.name, e.details())
                return True
            log.warning("cannot %s the ports of %s: %s", "hold" if hold else "release", ctr.name, e.details())
            return False
        return True

    def reconcile(self, skip=(), timeout: float = -1) -> bool:
        """Every container whose ports disagree with its state is settled.
        False when a service could not be reached."""
        try:
            sandboxes = self.c.network.ListEndpoints(npb.ListEndpointsRequest(), timeout=RPC_TIMEOUT,
                                                     wait_for_ready=True).sandboxes
            listed = self.c.runtime.List(rpb.ListRequest(all=True), timeout=RPC_TIMEOUT,
                                         wait_for_ready=True).containers
        except grpc.RpcError as e:
            log.info("cannot reconcile published ports yet: %s", e.details())
            return False
        released = {sb.container_id: sb.released for sb in sandboxes}
        ok = True
        for ctr in listed:
            if ctr.id in skip or ctr.id not in released or ctr.status in KEEPING:
                continue
            if (ctr.status in HOLDING) == released[ctr.id]:  # held when it should not be, or the reverse
                ok = self.settle(ctr.id, timeout) and ok
        return ok

    # -- following the runtime -----------------------------------------------------

    def watch(self) -> None:
        """Starts the thread that follows the runtime's events (and its
        reader); reconciles once the stream is open."""
        self._reader = events.follow_runtime(self.c.runtime, self._queue,
                                             on_subscribed=lambda: self._queue.put(_RESYNC))
        threading.Thread(target=self._work, name="port-parking", daemon=True).start()

    def _work(self) -> None:
        dirty = False
        while True:
            try:
                item = self._queue.get(timeout=RETRY if dirty else None)
            except queue.Empty:
                item = _RESYNC
            try:
                if item is _RESYNC:
                    dirty = not self.reconcile()
                elif item["type"] == "container" and item["action"] in ("start", "die"):
                    dirty = not self.settle(item["actor_id"]) or dirty
            except Exception:  # noqa: BLE001 - the thread must go on
                log.exception("following the published ports")
                dirty = True
