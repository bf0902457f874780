"""GET /containers/{id}/stats: Docker's stats JSON (cgroup v1's shape, as
dockerd 20.10 writes it on this kernel) from doca.v1 Containers.Stats' raw
counters, so that `docker stats` computes the figures `doca stats` shows:
the same CPU time deltas, usage less inactive page cache, the same limit."""
import json

import grpc

from doca.v1 import containers_pb2 as pb
from gateway.docker import mux
from gateway.docker.endpoints.streams import inspect
from gateway.docker.http import Stream, json_response
from gateway.docker.router import route

ZERO_TIME = "0001-01-01T00:00:00Z"
# stream=false: the previous reading at least this long before (ns of system
# CPU time per CPU), else the next is waited for.
MIN_SYSTEM_DELTA = 500_000_000
_BLKIO_KEYS = ("io_service_bytes_recursive", "io_serviced_recursive", "io_queue_recursive",
               "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive", "io_time_recursive",
               "sectors_recursive")
_THROTTLING = {"periods": 0, "throttled_periods": 0, "throttled_time": 0}


def _cpu(total: int, system: int | None, cpus: int | None) -> dict:
    out = {"cpu_usage": {"total_usage": total, "usage_in_kernelmode": 0, "usage_in_usermode": 0}}
    if system is not None:
        out["system_cpu_usage"] = system
        out["online_cpus"] = cpus
    out["throttling_data"] = dict(_THROTTLING)
    return out


def empty(doc: dict) -> dict:
    """What dockerd answers for a container that does not run."""
    return {"read": ZERO_TIME, "preread": ZERO_TIME, "pids_stats": {},
            "blkio_stats": {k: None for k in _BLKIO_KEYS}, "num_procs": 0, "storage_stats": {},
            "cpu_stats": _cpu(0, None, None), "precpu_stats": _cpu(0, None, None), "memory_stats": {},
            "name": doc.get("Name") or "", "id": doc["Id"]}


def document(s, preread: str, name: str) -> dict:
    # No previous reading yet: the previous one is this one (0 %, as doca
    # stats shows), not zeros (docker's client would divide the totals).
    pre_cpu, pre_sys = (s.pre_cpu_ns, s.pre_system_ns) if s.pre_system_ns else (s.cpu_ns, s.system_ns)
    blkio = {k: [] for k in _BLKIO_KEYS}
    if s.blk_read_bytes or s.blk_write_bytes:
        blkio["io_service_bytes_recursive"] = [
            {"major": 0, "minor": 0, "op": "Read", "value": s.blk_read_bytes},
            {"major": 0, "minor": 0, "op": "Write", "value": s.blk_write_bytes},
            {"major": 0, "minor": 0, "op": "Total", "value": s.blk_read_bytes + s.blk_write_bytes}]
    pids = {"current": s.pids}
    if s.pids_limit:
        pids["limit"] = s.pids_limit
    out = {"read": mux.timestamp(s.read), "preread": preread, "pids_stats": pids, "blkio_stats": blkio,
           "num_procs": 0, "storage_stats": {},
           "cpu_stats": _cpu(s.cpu_ns, s.system_ns, s.online_cpus),
           "precpu_stats": _cpu(pre_cpu, pre_sys, s.online_cpus),
           "memory_stats": {"usage": s.memory_raw_usage,
                            "stats": {"inactive_file": s.memory_inactive_file,
                                      "total_inactive_file": s.memory_inactive_file},
                            "limit": s.memory_limit},
           "name": name, "id": s.id}
    if s.net_rx_bytes or s.net_tx_bytes:  # a container with an interface of its own
        out["networks"] = {"eth0": {"rx_bytes": s.net_rx_bytes, "rx_packets": 0, "rx_errors": 0, "rx_dropped": 0,
                                    "tx_bytes": s.net_tx_bytes, "tx_packets": 0, "tx_errors": 0, "tx_dropped": 0}}
    return out


def _one(backend, doc: dict, one_shot: bool) -> dict:
    """stream=false: as dockerd, a sample with the one before it (CPU % needs
    two, about a second apart: dockerd's collector's interval), waiting for
    the next when the runtime's previous reading is missing or too recent
    (another client's a moment ago: a delta of a few clock ticks says
    nothing); one-shot: the first sample alone, no previous CPU figures."""
    call = backend.containers.Stats(pb.StatsRequest(ids=[doc["Id"]], stream=not one_shot))
    try:
        preread = ZERO_TIME
        for batch in call:
            if not batch.stats:
                break
            s = batch.stats[0]
            if one_shot:
                out = document(s, ZERO_TIME, doc.get("Name") or "")
                out["precpu_stats"] = _cpu(0, None, None)
                return out
            if s.pre_system_ns and s.system_ns - s.pre_system_ns >= MIN_SYSTEM_DELTA * max(s.online_cpus, 1):
                return document(s, preread, doc.get("Name") or "")
            preread = mux.timestamp(s.read)
    finally:
        call.cancel()
    return empty(doc)


@route("GET", "/containers/{id}/stats")
def stats(req, backend):
    q = req.query
    stream = q.bool("stream", True)
    doc = inspect(backend, req.params["id"])
    name = doc.get("Name") or ""
    state = doc.get("State") or {}
    if not state.get("Running") or state.get("Restarting"):
        if not stream:
            return json_response(empty(doc))
        return Stream(iter([(json.dumps(empty(doc)) + "\n").encode()]))
    if not stream:
        return json_response(_one(backend, doc, q.bool("one-shot")))
    call = backend.containers.Stats(pb.StatsRequest(ids=[doc["Id"]], stream=True))

    def lines():
        preread = ZERO_TIME
        try:
            for batch in call:
                for s in batch.stats:
                    yield (json.dumps(document(s, preread, name)) + "\n").encode()
                    preread = mux.timestamp(s.read)
        except grpc.RpcError as e:
            if e.code() not in (grpc.StatusCode.CANCELLED, grpc.StatusCode.FAILED_PRECONDITION,
                                grpc.StatusCode.NOT_FOUND):
                raise
        finally:
            call.cancel()
    return Stream(lines(), on_close=call.cancel)
