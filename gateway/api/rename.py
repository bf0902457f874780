"""docker rename: the runtime's record first (it refuses a taken or
invalid name), then the network service's hosts files, so the container's
neighbours resolve the new name."""
import grpc

from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from gateway.api.clients import Clients


def rename(clients: Clients, ref: str, name: str) -> rpb.Container:
    ctr = clients.runtime.Rename(rpb.RenameRequest(id=ref, name=name))
    if ctr.spec.network_mode != "none":
        try:
            clients.network.Rename(npb.RenameRequest(container_id=ctr.id, name=ctr.name))
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.NOT_FOUND:  # no endpoint (yet): nothing to rename there
                raise
    return ctr
