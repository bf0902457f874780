"""ContainerStats and ListContainerStats onto doca.v1 Stats (one sample,
no stream): CPU time (ns) and memory (working set = usage less inactive
page cache, as cAdvisor's; usage with the cache), stamped with the
sample's time. A container that does not run has no cgroup to read: its
entry carries its attributes and zero figures stamped now, as containerd
lists created containers."""
import time

import grpc

from doca.cri.runtime.v1 import api_pb2
from doca.v1 import containers_pb2 as cpb
from gateway.cri import containers, records


def _attributes(cid: str, labels) -> api_pb2.ContainerAttributes:
    return api_pb2.ContainerAttributes(
        id=cid, metadata=containers._metadata(labels), labels=records.loads(labels, records.LABELS),
        annotations=records.loads(labels, records.ANNOTATIONS))


def _samples(b, ids: list) -> dict:
    if not ids:
        return {}
    try:
        for batch in b.containers.Stats(cpb.StatsRequest(ids=ids, stream=False)):
            return {s.id: s for s in batch.stats}
    except grpc.RpcError as e:
        # one of them stopped between the list and the sample: zeros for
        # all this time rather than a failed poll
        if e.code() not in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION):
            raise
    return {}


def _stats(cid: str, labels, sample) -> api_pb2.ContainerStats:
    st = api_pb2.ContainerStats(attributes=_attributes(cid, labels))
    if sample is not None and sample.HasField("read"):
        stamp = sample.read.ToNanoseconds()
    else:
        stamp = time.time_ns()
    st.cpu.timestamp = st.memory.timestamp = st.writable_layer.timestamp = stamp
    if sample is not None:
        st.cpu.usage_core_nano_seconds.value = sample.cpu_ns
        st.memory.working_set_bytes.value = sample.memory_usage
        st.memory.usage_bytes.value = sample.memory_raw_usage or sample.memory_usage
    return st


def one(b, ref: str) -> api_pb2.ContainerStats:
    doc = records.must_inspect(b, ref, records.CONTAINER_KIND)
    labels = doc["Config"].get("Labels") or {}
    running = bool((doc.get("State") or {}).get("Running"))
    sample = _samples(b, [doc["Id"]]).get(doc["Id"]) if running else None
    return _stats(doc["Id"], labels, sample)


def many(b, f) -> list:
    chosen = []
    for s in records.listed(b, records.CONTAINER_KIND):
        if f is not None:
            if f.id and not s.id.startswith(f.id):
                continue
            if f.pod_sandbox_id and not s.labels.get(records.SANDBOX, "").startswith(f.pod_sandbox_id):
                continue
            if not records.selected(records.loads(s.labels, records.LABELS), f.label_selector):
                continue
        chosen.append(s)
    samples = _samples(b, [s.id for s in chosen if s.state == "running"])
    return [_stats(s.id, s.labels, samples.get(s.id)) for s in chosen]
