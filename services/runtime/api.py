"""Thin gRPC servicer for doca.runtime.v1: messages in, Runtime calls, messages out."""
import os
import time

from google.protobuf import json_format, timestamp_pb2

from common import request_guard, timestamps, validate
from common.errors import EXIT_CANNOT_INVOKE, InvalidArgument
from doca.runtime.v1 import runtime_pb2 as pb
from doca.runtime.v1 import runtime_pb2_grpc

from common.resources import Resources
from services.runtime import executors, model, request_checks as checks
from services.runtime.runtime import Runtime
from services.runtime.spec_messages import SpecMessages
from services.runtime.store import Record

SERVICE_NAME = "doca.runtime.v1.Runtime"
_STREAMS = {"stdout": pb.LogRecord.STDOUT, "stderr": pb.LogRecord.STDERR}
_SPECS = SpecMessages()


def to_message(rt: Runtime, rec: Record) -> pb.Container:
    d = rt.store.dir(rec.id)
    return pb.Container(
        id=rec.id, name=rec.name, spec=_SPECS.get(rec.id, rec.spec, lambda: [r.id for r in rt.store.all()]),
        status=rec.status, pid=rec.pid, exit_code=rec.exit_code, oom_killed=rec.oom_killed,
        error=rec.error, created_at=timestamps.to_proto(rec.created_at),
        started_at=timestamps.to_proto(rec.started_at),
        finished_at=timestamps.to_proto(rec.finished_at), restart_count=rec.restart_count,
        bundle=str(d / "bundle"), log_path=str(rt.store.log_path(rec.id)),
        netns_path=str(rt.netns.file(rec.id)), health=_health(rec.health))


def _health(h: dict | None) -> pb.Health | None:
    if not h:
        return None
    return pb.Health(status=h.get("status", ""), failing_streak=h.get("failing_streak", 0), log=[
        pb.HealthResult(start=timestamps.to_proto(r["start"]), end=timestamps.to_proto(r["end"]),
                        exit_code=r["exit_code"], output=r["output"]) for r in h.get("log", [])])


@request_guard.guarded
class RuntimeServicer(runtime_pb2_grpc.RuntimeServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def Create(self, request, context):
        validate.full_id(request.id)  # the directories' names
        checks.container_spec(request.spec)
        spec = model.from_message(model.ContainerSpec, request.spec)  # the one conversion; limits checked
        return to_message(self.rt, self.rt.create(request.id, spec))

    def Start(self, request, context):
        return to_message(self.rt, self.rt.start(validate.ref(request.id), launch_only=request.launch_only))

    def Wait(self, request, context):
        rec = self.rt.wait(validate.ref(request.id), cancelled=lambda: not context.is_active())
        return pb.WaitResponse(exit_code=rec.exit_code, oom_killed=rec.oom_killed, error=rec.error)

    def Kill(self, request, context):
        self.rt.kill(validate.ref(request.id), checks.signal_name(request.signal))
        return pb.KillResponse()

    def Stop(self, request, context):
        return to_message(self.rt, self.rt.stop(validate.ref(request.id), request.timeout,
                                                    checks.signal_name(request.signal) if request.signal else ""))

    def Remove(self, request, context):
        ref = validate.ref(request.id)
        cid = self.rt.get(ref).id  # NOT_FOUND as remove's own
        self.rt.remove(ref, request.force)
        _SPECS.drop(cid)  # a removed container's parsed spec must not stay (bench/soak.py)
        return pb.RemoveResponse()

    def List(self, request, context):
        return pb.ListResponse(containers=[to_message(self.rt, r) for r in self.rt.list(request.all)])

    def Inspect(self, request, context):
        return to_message(self.rt, self.rt.get(validate.ref(request.id)))

    def Pause(self, request, context):
        return to_message(self.rt, self.rt.pause(validate.ref(request.id)))

    def Resume(self, request, context):
        return to_message(self.rt, self.rt.resume(validate.ref(request.id)))

    def Exec(self, request_iterator, context):
        first = next(request_iterator, None)
        if first is None or first.WhichOneof("input") != "start":
            raise InvalidArgument("the first message of Exec must be its spec (start)")
        validate.ref(first.start.id)
        try:
            validate.user(first.start.user)
            validate.workdir(first.start.cwd)
        except InvalidArgument as e:  # the process cannot run: docker exec's 126
            raise InvalidArgument(e.message, exit_code=EXIT_CANNOT_INVOKE) from None
        spec = json_format.MessageToDict(first.start)
        for kind, value in self.rt.exec(spec, request_iterator, cancelled=lambda: not context.is_active()):
            if kind == "exit":
                yield pb.ExecOutput(exit_code=value)
            elif kind == "started":
                yield pb.ExecOutput(started=True, pid=value or 0)
            else:
                yield pb.ExecOutput(output=pb.LogRecord(stream=_STREAMS[kind], data=value))

    def Attach(self, request_iterator, context):
        first = next(request_iterator, None)
        if first is None or first.WhichOneof("input") != "start":
            raise InvalidArgument("the first message of Attach must be its spec (start)")
        validate.ref(first.start.id)
        spec = json_format.MessageToDict(first.start)
        for kind, value in self.rt.attach(spec, request_iterator, cancelled=lambda: not context.is_active()):
            if kind == "attached":
                yield pb.AttachOutput(attached=True)
            elif kind == "exit":
                yield pb.AttachOutput(exit_code=value)
            else:
                yield pb.AttachOutput(output=pb.LogRecord(stream=_STREAMS[kind], data=value))

    def Stats(self, request, context):
        cpus = os.cpu_count() or 1
        ids = [validate.ref(i) for i in request.ids]
        for batch in self.rt.stats(ids, request.stream, cancelled=lambda: not context.is_active()):
            yield pb.StatsBatch(samples=[pb.StatsSample(
                id=rec.id, name=rec.name, read=timestamps.to_proto(s["time"]), cpu_ns=s["cpu_ns"],
                pre_cpu_ns=s["pre_cpu_ns"], system_ns=s["system_ns"], pre_system_ns=s["pre_system_ns"],
                online_cpus=cpus, memory_usage=s["memory_usage"], memory_limit=s["memory_limit"],
                memory_inactive_file=s["memory_inactive_file"], pids_current=s["pids_current"],
                pids_limit=max(s["pids_limit"], 0), net_rx_bytes=s["net_rx"], net_tx_bytes=s["net_tx"],
                blk_read_bytes=s["blk_read"], blk_write_bytes=s["blk_write"]) for rec, s in batch])

    def Update(self, request, context):
        changes = model.changes(request.resources, Resources)  # only the limits set change
        policy = model.from_message(model.RestartPolicy, request.restart_policy) \
            if request.HasField("restart_policy") else None
        return to_message(self.rt, self.rt.update(validate.ref(request.id), changes, policy))

    def Events(self, request, context):
        def cancelled():
            return not context.is_active()
        ring = self.rt.events
        replay, last = ring.replay(request.since, request.until)
        for e in replay:
            yield _event(e, ring.instance)
        yield pb.Event(instance=ring.instance, seq=last, replay_done=True)
        if request.until and request.until <= time.time():
            return
        for e in ring.follow(last, request.until, cancelled):
            yield _event(e, ring.instance)

    def Top(self, request, context):
        ps_args = [validate.text(a, "ps option") for a in request.ps_args]
        titles, rows = self.rt.top(validate.ref(request.id), ps_args)
        return pb.TopResponse(titles=titles, processes=[pb.ProcessRow(values=r) for r in rows])

    def Rename(self, request, context):
        if request.name:  # empty: rename.py's own message
            validate.container_name(request.name)
        return to_message(self.rt, self.rt.rename(validate.ref(request.id), request.name))

    def Executors(self, request, context):
        return pb.ExecutorsResponse(default=executors.DEFAULT, executors=[
            pb.Executor(name=name, path=path) for name, path in executors.installed().items()])

    def ReopenLog(self, request, context):
        self.rt.reopen_log(validate.ref(request.id))
        return pb.ReopenLogResponse()

    def Diff(self, request, context):
        return pb.DiffResponse(changes=[pb.Change(path=p, kind=k) for p, k in self.rt.diff(validate.ref(request.id))])

    def StatPath(self, request, context):
        return _path_stat(self.rt.stat_path(validate.ref(request.id), checks.container_path(request.path)))

    def CopyFrom(self, request, context):
        path = checks.container_path(request.path)
        for kind, value in self.rt.copy_from(validate.ref(request.id), path, request.follow_link,
                                             cancelled=lambda: not context.is_active()):
            yield pb.CopyChunk(stat=_path_stat(value)) if kind == "stat" else pb.CopyChunk(data=value)

    def CopyTo(self, request_iterator, context):
        first = next(request_iterator, None)
        if first is None or first.WhichOneof("part") != "header":
            raise InvalidArgument("the first message of CopyTo must be its header")
        h = first.header
        self.rt.copy_to(validate.ref(h.id), checks.container_path(h.path), h.copy_uid_gid,
                        (m.data for m in request_iterator))
        return pb.CopyToResponse()

    def Logs(self, request, context):
        want = {"stdout": request.stdout or not request.stderr,
                "stderr": request.stderr or not request.stdout}
        tail = request.tail if request.HasField("tail") else None
        for batch in self.rt.logs(validate.ref(request.id), request.follow, lambda: not context.is_active(),
                                  tail, request.since):
            records = (r for r in batch if want[r[0]])
            if request.timestamps:
                for stream, data, when in records:
                    yield pb.LogRecord(stream=_STREAMS[stream], data=data, time=_timestamp(when))
            else:
                yield from merge(records)


def _event(e: dict, instance: str) -> pb.Event:
    return pb.Event(seq=e["seq"], instance=instance, type=e["type"], action=e["action"], actor_id=e["actor_id"],
                    attributes=e["attributes"], time_nano=e["time_nano"])


def _path_stat(st: dict) -> pb.PathStat:
    return pb.PathStat(name=st["name"], size=st["size"], mode=st["mode"], mtime=timestamps.to_proto(st["mtime"]),
                       link_target=st["link_target"])


def _timestamp(text: str):
    ts = timestamp_pb2.Timestamp()
    ts.FromJsonString(text)
    return ts


def merge(records, limit: int = 64 * 1024):
    """Consecutive records of one stream go out as one message (up to
    `limit` bytes): one message per line would make a big log crawl."""
    stream, parts, size = None, [], 0
    for rec_stream, data, _ in records:
        if parts and (rec_stream != stream or size + len(data) > limit):
            yield pb.LogRecord(stream=_STREAMS[stream], data=b"".join(parts))
            parts, size = [], 0
        stream = rec_stream
        parts.append(data)
        size += len(data)
    if parts:
        yield pb.LogRecord(stream=_STREAMS[stream], data=b"".join(parts))
