"""Prometheus metrics of the gateway, served on --metrics-addr.

RPC figures use go-grpc-prometheus names and labels, so existing gRPC
dashboards work: the gateway's own API as grpc_server_*, its calls to the
four services as grpc_client_*. Engine figures are doca_*.
"""
import logging
import time

import grpc
from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from doca.runtime.v1 import runtime_pb2

log = logging.getLogger("doca.gateway.metrics")
STATES = ("created", "running", "paused", "restarting", "removing", "exited", "dead")


def go_code(code: grpc.StatusCode | None) -> str:
    """grpc.StatusCode.NOT_FOUND -> 'NotFound', as Go's codes.Code prints."""
    if code is None or code == grpc.StatusCode.OK:
        return "OK"
    if code == grpc.StatusCode.CANCELLED:
        return "Canceled"
    return "".join(w.capitalize() for w in code.name.split("_"))


def _split(method: str) -> tuple[str, str]:
    service, _, name = method.lstrip("/").rpartition("/")
    return service, name


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        labels = ["grpc_type", "grpc_service", "grpc_method"]
        r = self.registry
        self.server_started = Counter("grpc_server_started_total", "RPCs started on the server.", labels, registry=r)
        self.server_handled = Counter("grpc_server_handled_total", "RPCs completed on the server, regardless of success or failure.",
                                      labels + ["grpc_code"], registry=r)
        self.server_seconds = Histogram("grpc_server_handling_seconds", "Response latency of RPCs handled by the server.",
                                        labels, registry=r)
        self.client_started = Counter("grpc_client_started_total", "RPCs started by the gateway to doca's services.", labels, registry=r)
        self.client_handled = Counter("grpc_client_handled_total", "RPCs completed by doca's services, regardless of success or failure.",
                                      labels + ["grpc_code"], registry=r)
        self.client_seconds = Histogram("grpc_client_handling_seconds", "Latency of the gateway's RPCs to doca's services.",
                                        labels, registry=r)

    def serve(self, addr: str) -> None:
        host, _, port = addr.rpartition(":")
        start_http_server(int(port), addr=host or "127.0.0.1", registry=self.registry)

    def watch_containers(self, runtime_stub) -> None:
        self.registry.register(_ContainersCollector(runtime_stub))
        self.registry.register(_UsageCollector(runtime_stub))

    def watch_images(self, images_stub) -> None:
        from gateway.api.metrics_images import ImagesCollector
        self.registry.register(ImagesCollector(images_stub))


class _ContainersCollector:
    def __init__(self, runtime_stub):
        self.runtime = runtime_stub

    def collect(self):
        family = GaugeMetricFamily("doca_containers", "Containers by state.", labels=["state"])
        try:
            resp = self.runtime.List(runtime_pb2.ListRequest(all=True), timeout=5)
        except grpc.RpcError as e:
            log.warning("cannot count containers: %s", e.details())
            return
        counts = dict.fromkeys(STATES, 0)
        for c in resp.containers:
            counts[c.status] = counts.get(c.status, 0) + 1
        for state, n in counts.items():
            family.add_metric([state], n)
        yield family


class _UsageCollector:
    """Per-container usage under cAdvisor's names, so existing dashboards work."""

    def __init__(self, runtime_stub):
        self.runtime = runtime_stub

    def collect(self):
        labels = ["id", "name"]
        cpu = CounterMetricFamily("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", labels=labels)
        mem = GaugeMetricFamily("container_memory_usage_bytes", "Current memory usage in bytes, including all memory regardless of when it was accessed.", labels=labels)
        limit = GaugeMetricFamily("container_spec_memory_limit_bytes", "Memory limit for the container.", labels=labels)
        rx = CounterMetricFamily("container_network_receive_bytes_total", "Cumulative count of bytes received.", labels=labels)
        tx = CounterMetricFamily("container_network_transmit_bytes_total", "Cumulative count of bytes transmitted.", labels=labels)
        pids = GaugeMetricFamily("container_processes", "Number of processes running inside the container.", labels=labels)
        try:
            batches = list(self.runtime.Stats(runtime_pb2.StatsRequest(stream=False), timeout=5))
        except grpc.RpcError as e:
            log.warning("cannot read container usage: %s", e.details())
            return
        for batch in batches:
            for s in batch.samples:
                key = [f"/doca/{s.id}", s.name]
                cpu.add_metric(key, s.cpu_ns / 1e9)
                mem.add_metric(key, s.memory_usage)
                limit.add_metric(key, s.memory_limit)
                rx.add_metric(key, s.net_rx_bytes)
                tx.add_metric(key, s.net_tx_bytes)
                pids.add_metric(key, s.pids_current)
        yield from (cpu, mem, limit, rx, tx, pids)


class ServerMetrics(grpc.ServerInterceptor):
    """Counts and times every RPC the gateway serves, with its final code."""

    def __init__(self, metrics: Metrics):
        self.m = metrics

    def intercept_service(self, continuation, details):
        handler = continuation(details)
        if handler is None:
            return None
        service, method = _split(details.method)
        for attr, kind, streaming in (("unary_unary", "unary", False), ("unary_stream", "server_stream", True),
                                      ("stream_unary", "client_stream", False), ("stream_stream", "bidi_stream", True)):
            fn = getattr(handler, attr)
            if fn:
                labels = (kind, service, method)
                wrapped = self._stream(fn, labels) if streaming else self._unary(fn, labels)
                return handler._replace(**{attr: wrapped})
        return handler

    def _done(self, labels, start, context) -> None:
        self.m.server_handled.labels(*labels, go_code(context.code())).inc()
        self.m.server_seconds.labels(*labels).observe(time.perf_counter() - start)

    def _unary(self, fn, labels):
        def handler(request, context):
            self.m.server_started.labels(*labels).inc()
            start = time.perf_counter()
            try:
                return fn(request, context)
            finally:
                self._done(labels, start, context)
        return handler

    def _stream(self, fn, labels):
        def handler(request, context):
            self.m.server_started.labels(*labels).inc()
            start = time.perf_counter()
            try:
                yield from fn(request, context)
            finally:
                self._done(labels, start, context)
        return handler


class ClientMetrics(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                    grpc.StreamUnaryClientInterceptor):
    """Counts and times the gateway's calls to the services."""

    def __init__(self, metrics: Metrics):
        self.m = metrics

    def _track(self, kind, details, call_fn):
        service, method = _split(details.method)
        labels = (kind, service, method)
        self.m.client_started.labels(*labels).inc()
        start = time.perf_counter()
        call = call_fn()

        def done(c):
            self.m.client_handled.labels(*labels, go_code(c.code())).inc()
            self.m.client_seconds.labels(*labels).observe(time.perf_counter() - start)
        call.add_done_callback(done)
        return call

    def intercept_unary_unary(self, continuation, details, request):
        return self._track("unary", details, lambda: continuation(details, request))

    def intercept_unary_stream(self, continuation, details, request):
        return self._track("server_stream", details, lambda: continuation(details, request))

    def intercept_stream_unary(self, continuation, details, request_iterator):
        return self._track("client_stream", details, lambda: continuation(details, request_iterator))
