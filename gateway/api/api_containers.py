"""doca.v1.Containers: thin; the flows that span services live in
containers.py, the Docker-shaped documents in documents.py."""
import threading
import time

import grpc

from common import request_guard
from common.errors import FailedPrecondition
from doca.network.v1 import network_pb2 as npb
from doca.runtime.v1 import runtime_pb2 as rpb
from doca.v1 import containers_pb2 as pb, containers_pb2_grpc
from gateway.api import attach as attach_flow, container_list, documents, exec as exec_flow, stats
from gateway.api import api_system, prune, rename, spec as specs
from gateway.api.api_common import struct, upstream
from gateway.api.clients import Clients
from gateway.api.containers import Containers
from gateway.api.events import EngineEvents, container_attributes


def _chunk(rec) -> pb.LogChunk:
    return pb.LogChunk(stream=int(rec.stream), data=rec.data)


def _relay(msg, message_type):
    """The runtime's message as the gateway's twin (same fields)."""
    return message_type.FromString(msg.SerializeToString())


@request_guard.guarded  # no NUL in any text field: common/request_guard.py
class ContainersServicer(containers_pb2_grpc.ContainersServicer):
    def __init__(self, clients: Clients, flows: Containers, events: EngineEvents | None = None):
        self.c = clients
        self.flows = flows
        self.events = events or EngineEvents(clients.runtime)
        self.pruner = prune.Pruner(clients, flows, self.events)

    def Run(self, request, context):
        ctr = self.flows.create(request.config, detached=request.detach)
        yield pb.RunEvent(created=pb.RunEvent.Created(id=ctr.id, name=ctr.name,
                                                      warnings=specs.warnings(request.config)))
        if request.detach:
            self.flows.start(ctr.id, hold=False)  # its create reserved the ports
            return
        finished = False
        try:
            try:
                self.c.runtime.Start(rpb.StartRequest(id=ctr.id))
            except grpc.RpcError:
                self.flows.remove_after_failed_start(ctr.id)  # --rm, before the error is told
                raise
            for rec in upstream(context, self.c.runtime.Logs(rpb.LogsRequest(id=ctr.id, follow=True))):
                yield pb.RunEvent(output=_chunk(rec))
            result = self.flows.wait_and_clean(ctr)
            finished = True
            yield pb.RunEvent(exited=pb.RunEvent.Exited(exit_code=result.exit_code, oom_killed=result.oom_killed))
        finally:
            if not finished and request.config.auto_remove:
                self.flows.watch_auto_remove(ctr.id)  # the client left: still honour --rm

    def Create(self, request, context):
        ctr = self.flows.create(request, detached=request.detached)  # detached: the Engine API's create
        return pb.CreateResponse(id=ctr.id, name=ctr.name, warnings=specs.warnings(request))

    def Start(self, request, context):
        return pb.ContainerRef(id=self.flows.start(request.id).id)

    def Stop(self, request, context):
        cid = self.c.runtime.Stop(rpb.StopRequest(id=request.id, timeout=request.timeout, signal=request.signal)).id
        self.flows.parking.settle(cid)  # its ports are free when stop returns, not a moment later
        return pb.ContainerRef(id=cid)

    def Kill(self, request, context):
        ctr = self.c.runtime.Inspect(rpb.InspectRequest(id=request.id))
        self.c.runtime.Kill(rpb.KillRequest(id=ctr.id, signal=request.signal))
        return pb.ContainerRef(id=ctr.id)

    def Remove(self, request, context):
        return pb.ContainerRef(id=self.flows.remove(request.id, request.force, volumes=request.volumes))

    def Wait(self, request, context):
        r = self.c.runtime.Wait(rpb.WaitRequest(id=request.id))
        return pb.WaitResponse(exit_code=r.exit_code, oom_killed=r.oom_killed)

    def List(self, request, context):
        return container_list.list_containers(self.c, request)

    def Inspect(self, request, context):
        ctr = self.c.runtime.Inspect(rpb.InspectRequest(id=request.id))
        found = self.c.network.ListEndpoints(npb.ListEndpointsRequest(container_id=ctr.id))
        doc = documents.container(ctr, found.endpoints, found.sandboxes[0] if found.sandboxes else None)
        if request.size:  # inspect -s: its writable layer, and that with its image's
            doc["SizeRw"], doc["SizeRootFs"] = container_list.sizes(self.c, ctr)
        return struct(doc)

    def Restart(self, request, context):
        self.c.runtime.Stop(rpb.StopRequest(id=request.id, timeout=request.timeout, signal=request.signal))
        ctr = self.flows.start(request.id)
        self.events.publish("container", "restart", ctr.id, container_attributes(ctr))
        return pb.ContainerRef(id=ctr.id)

    def Exec(self, request_iterator, context):
        yield from exec_flow.run(self.c, request_iterator, context)

    def Attach(self, request_iterator, context):
        yield from attach_flow.run(self.c, self.flows, request_iterator, context)

    def Stats(self, request, context):
        host_mem = stats.host_memory()
        for batch in upstream(context, self.c.runtime.Stats(rpb.StatsRequest(ids=request.ids, stream=request.stream))):
            yield pb.StatsBatch(stats=[stats.convert(s, host_mem) for s in batch.samples])

    def Update(self, request, context):
        res = specs.resources(request)
        update = rpb.UpdateRequest(id=request.id, resources=res)
        if request.restart:
            update.restart_policy.CopyFrom(specs.restart_policy(request))
        return pb.ContainerRef(id=self.c.runtime.Update(update).id)

    def Pause(self, request, context):
        return pb.ContainerRef(id=self.c.runtime.Pause(rpb.PauseRequest(id=request.id)).id)

    def Unpause(self, request, context):
        return pb.ContainerRef(id=self.c.runtime.Resume(rpb.ResumeRequest(id=request.id)).id)

    def Logs(self, request, context):
        if self.c.runtime.Inspect(rpb.InspectRequest(id=request.id)).spec.log.driver == "none":
            raise FailedPrecondition("configured logging driver does not support reading")
        req = rpb.LogsRequest(id=request.id, follow=request.follow, timestamps=request.timestamps,
                              since=api_system.time_value(request.since, "since"))
        if request.HasField("tail"):
            req.tail = request.tail
        until = api_system.time_value(request.until, "until") if request.until else 0.0
        if until:
            req.timestamps = True  # each line with its time, to be cut at `until`
            if until <= time.time():
                req.follow = False  # nothing to wait for: what was written before it is all there is
        call = upstream(context, self.c.runtime.Logs(req))
        if until and req.follow:  # a follow ends at `until` even when nothing more is written
            timer = threading.Timer(until - time.time(), call.cancel)
            timer.daemon = True
            timer.start()
            context.add_callback(timer.cancel)
        try:
            for rec in call:
                if until and rec.time.seconds + rec.time.nanos / 1e9 > until:
                    break  # records come in time order: the rest are later still
                yield pb.LogChunk(stream=int(rec.stream), data=rec.data,
                                  time=rec.time if request.timestamps else None)
        except grpc.RpcError as e:
            if not (until and e.code() == grpc.StatusCode.CANCELLED and time.time() >= until):
                raise

    def Prune(self, request, context):
        deleted, reclaimed = self.pruner.containers(prune.Filters(request.filters))
        return pb.PruneContainersResponse(deleted=deleted, space_reclaimed=reclaimed)

    def Top(self, request, context):
        return _relay(self.c.runtime.Top(_relay(request, rpb.TopRequest)), pb.TopResponse)

    def Rename(self, request, context):
        return pb.ContainerRef(id=rename.rename(self.c, request.id, request.name).id)

    def Diff(self, request, context):
        return _relay(self.c.runtime.Diff(rpb.DiffRequest(id=request.id)), pb.DiffResponse)

    def ReopenLog(self, request, context):
        """The CRI face's ReopenContainerLog (issue 14): the runtime's shim reopens the CRI log."""
        self.c.runtime.ReopenLog(rpb.ReopenLogRequest(id=request.id))
        return pb.ContainerRef(id=request.id)

    def StatPath(self, request, context):
        return _relay(self.c.runtime.StatPath(_relay(request, rpb.StatPathRequest)), pb.PathStat)

    def CopyFrom(self, request, context):
        for chunk in upstream(context, self.c.runtime.CopyFrom(_relay(request, rpb.CopyFromRequest))):
            yield _relay(chunk, pb.CopyChunk)

    def CopyTo(self, request_iterator, context):
        self.c.runtime.CopyTo(_relay(m, rpb.CopyToInput) for m in request_iterator)
        return pb.CopyToResponse()

