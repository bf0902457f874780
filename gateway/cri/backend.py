"""The face's one channel to the gateway (doca.v1 on <run dir>/doca.sock),
and the health of the sockets the conditions of Status report on."""
import dataclasses

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from common import channel
from common.config import Config
from doca.v1 import containers_pb2_grpc, images_pb2_grpc, system_pb2_grpc

HEALTH_TIMEOUT = 2.0


@dataclasses.dataclass
class Backend:
    containers: containers_pb2_grpc.ContainersStub
    images: images_pb2_grpc.ImagesStub
    system: system_pb2_grpc.SystemStub
    cfg: Config
    _health: dict = dataclasses.field(default_factory=dict)

    def serving(self, name: str) -> tuple[bool, str]:
        """(True, "") when <run dir>/NAME.sock answers SERVING to
        grpc.health.v1, else (False, why). No wait for readiness: a
        service that is down is reported at once, not waited for."""
        stub = self._health.get(name)
        if stub is None:
            stub = self._health[name] = health_pb2_grpc.HealthStub(channel.connect(self.cfg.socket(name)))
        try:
            r = stub.Check(health_pb2.HealthCheckRequest(), timeout=HEALTH_TIMEOUT, wait_for_ready=False)
        except grpc.RpcError as e:
            return False, f"{name}.sock: {e.code().name}: {e.details()}"
        if r.status != health_pb2.HealthCheckResponse.SERVING:
            return False, f"{name}.sock: {health_pb2.HealthCheckResponse.ServingStatus.Name(r.status)}"
        return True, ""


def connect(cfg: Config) -> Backend:
    ch = channel.connect(cfg.socket("doca"))
    return Backend(
        containers=containers_pb2_grpc.ContainersStub(ch),
        images=images_pb2_grpc.ImagesStub(ch),
        system=system_pb2_grpc.SystemStub(ch),
        cfg=cfg,
    )
