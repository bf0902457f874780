"""The images service's figures as doca_* metrics, read at each scrape with
one cheap call (images.Figures: no walk of containers' dirs). Counters come
from the service's memory and restart from zero with it, which Prometheus's
rate() reads as a reset."""
import logging

import grpc
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from doca.images.v1 import images_pb2

log = logging.getLogger("doca.gateway.metrics")

GAUGES = (
    ("doca_images", "images", "Images in the store (the build cache's own intermediate images not counted)."),
    ("doca_layers", "layers", "Unpacked layers in the store, each shared by every image that has it."),
    ("doca_layers_bytes", "layers_bytes", "Bytes of the unpacked layers on disk, each layer once."),
    ("doca_content_bytes", "content_bytes", "Bytes of blobs in the content store (layers as they came, configs, manifests)."),
)
COUNTERS = (
    ("doca_pulled_bytes", "pulled_bytes", "Bytes of blobs received from registries."),
    ("doca_pushed_bytes", "pushed_bytes", "Bytes of blobs sent to registries (blobs the registry had are not sent)."),
    ("doca_build_cache_hits", "build_cache_hits", "Build steps taken from the layer cache."),
    ("doca_build_cache_misses", "build_cache_misses", "Build steps looked up in the layer cache and run."),
)


class ImagesCollector:
    def __init__(self, images_stub):
        self.images = images_stub

    def collect(self):
        try:
            f = self.images.Figures(images_pb2.FiguresRequest(), timeout=5)
        except grpc.RpcError as e:
            log.warning("cannot read the images service's figures: %s", e.details())
            return
        for name, field, text in GAUGES:
            yield GaugeMetricFamily(name, text, value=getattr(f, field))
        for name, field, text in COUNTERS:
            yield CounterMetricFamily(name, text, value=getattr(f, field))
