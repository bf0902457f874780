"""The images service's builder: what lives as long as the service (the
build cache, the channels to the runtime and network services, the
builds' directories)
and what a start-up finds left of builds a crash interrupted.

    <state>/builds/<build id>/context.tar     the context as received
    <state>/builds/<build id>/run-<ctr id>    a RUN container of that build
    <state>/builds/<build id>/script-*        heredoc scripts RUN executes

A build directory still there at start belongs to a build that never
finished: its RUN containers are detached and removed (through the network
and runtime services, which may be starting too: this waits for them in
the background), then their snapshots, then the directory.
"""
import logging
import pathlib
import shutil
import threading

import grpc

from common import channel
from doca.network.v1 import network_pb2 as npb
from doca.network.v1 import network_pb2_grpc
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.runtime.v1 import runtime_pb2_grpc
from services.images.build.cache import BuildCache
from services.images.build.executor import Options
from services.images.build.job import Job
from services.images.build.run import MARKER_PREFIX

log = logging.getLogger("doca.images.build")

RECOVERY_TIMEOUT = 300  # seconds to wait for the runtime service at start


class Builder:
    def __init__(self, svc, runtime_socket: pathlib.Path, network_socket: pathlib.Path):
        self.svc = svc
        self.cache = BuildCache(svc)
        self.dir = svc.state / "builds"
        self.dir.mkdir(exist_ok=True)
        self._sockets = {"runtime": runtime_socket, "network": network_socket}
        self._stubs: dict = {}
        self._lock = threading.Lock()
        leftovers = [d for d in self.dir.iterdir()]
        if leftovers:
            threading.Thread(target=self.recover, args=(leftovers,), name="build-recover", daemon=True).start()

    def _stub(self, name: str, make):
        with self._lock:
            if name not in self._stubs:
                self._stubs[name] = make(channel.connect(self._sockets[name]))
            return self._stubs[name]

    @property
    def runtime(self) -> runtime_pb2_grpc.RuntimeStub:
        return self._stub("runtime", runtime_pb2_grpc.RuntimeStub)

    @property
    def network(self) -> network_pb2_grpc.NetworkStub:
        return self._stub("network", network_pb2_grpc.NetworkStub)

    def job(self, options: Options) -> Job:
        return Job(self, options)

    def container_ids(self) -> set[str]:
        """The RUN containers of builds in progress or interrupted (their
        marker is made before their snapshot)."""
        return {m.name[len(MARKER_PREFIX):] for m in self.dir.glob(f"*/{MARKER_PREFIX}*")}

    def recover(self, dirs: list[pathlib.Path]) -> None:
        for d in dirs:
            try:
                for marker in d.glob(MARKER_PREFIX + "*"):
                    cid = marker.name[len(MARKER_PREFIX):]
                    self.network.Detach(npb.DetachRequest(container_id=cid), timeout=RECOVERY_TIMEOUT)
                    try:
                        self.runtime.Remove(rpb.RemoveRequest(id=cid, force=True), timeout=RECOVERY_TIMEOUT)
                    except grpc.RpcError as e:
                        if e.code() != grpc.StatusCode.NOT_FOUND:
                            raise
                    self.svc.remove_snapshot(cid)
                    log.info("removed build container %s left by an interrupted build", cid[:12])
                shutil.rmtree(d, ignore_errors=True)
            except Exception as e:  # noqa: BLE001 - the next start tries again
                log.warning("cleaning interrupted build %s: %s", d.name, e)
