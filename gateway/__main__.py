"""doca-gateway: serves doca.v1 on <run-dir>/doca.sock and /metrics on
--metrics-addr, composing the runtime, images, network and volumes services."""
import argparse
import os
import threading

from common import config, instance_lock, logsetup, storeperms, tls
from common.server import Server
from doca.v1 import containers_pb2_grpc, images_pb2_grpc, system_pb2_grpc, volumes_pb2_grpc
from gateway.api import api_containers, api_images, api_system, api_volumes, clients, image_commit, intents
from gateway.api.containers import Containers
from gateway.api.event_recorder import EventRecorder
from gateway.api.events import EngineEvents
from gateway.api.info import Info
from gateway.api.prune import Pruner
from gateway.api.reconcile import Reconciler
from gateway.api.metrics import ClientMetrics, Metrics, ServerMetrics


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="doca-gateway")
    config.add_arguments(parser)
    cfg = config.from_args(parser.parse_args(argv))
    log = logsetup.setup("gateway", cfg.log_level)
    try:
        tcp = tls.listener(cfg)
    except tls.TLSConfigError as e:
        log.error("%s", e)
        raise SystemExit(2) from None
    metrics = Metrics()
    events = EngineEvents()
    recorder = EventRecorder(events)  # events of the calls to the services, as they succeed
    c = clients.connect(cfg, [ClientMetrics(metrics), recorder])
    recorder.clients = c
    events.runtime = c.runtime
    metrics.watch_containers(c.runtime)
    metrics.watch_images(c.images)
    storeperms.own_dirs(cfg, "gateway")
    instance_lock.hold_or_exit(cfg.root, "gateway")
    journal = intents.Journal(cfg.state_dir("gateway") / "intents")
    flows = Containers(c, journal)
    reconciler = Reconciler(c, journal, {intents.CREATE: flows.roll_back, intents.REMOVE: flows.roll_back,
                                         intents.COMMIT: lambda i: image_commit.settle(c, i)})
    cgroup_version = "2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else "1"
    system = api_system.SystemServicer(cgroup_version, Info(c, cfg.root, cgroup_version, cfg.log_level == "debug"),
                                       events, Pruner(c, flows, events))
    server = Server(cfg.socket("doca"), [
        (containers_pb2_grpc.add_ContainersServicer_to_server, api_containers.ContainersServicer(c, flows, events),
         "doca.v1.Containers"),
        (images_pb2_grpc.add_ImagesServicer_to_server, api_images.ImagesServicer(c, journal, events), "doca.v1.Images"),
        (volumes_pb2_grpc.add_VolumesServicer_to_server, api_volumes.VolumesServicer(c, events), "doca.v1.Volumes"),
        (system_pb2_grpc.add_NetworksServicer_to_server, api_system.NetworksServicer(c, events), "doca.v1.Networks"),
        (system_pb2_grpc.add_SystemServicer_to_server, system, "doca.v1.System"),
    ], interceptors=[ServerMetrics(metrics)], tcp=tcp)
    metrics.serve(cfg.metrics_addr)
    log.info("metrics on http://%s/metrics", cfg.metrics_addr)
    if tcp:
        log.info("API on tcp://%s (mutual TLS)", cfg.tcp_addr)
    # The runtime may still be starting (the daemon starts every service at once).
    threading.Thread(target=flows.resume_auto_remove, name="resume-autorm", daemon=True).start()
    reconciler.start()  # what an earlier gateway left half done, once the services answer
    flows.parking.watch()  # published ports follow each container's state (reconciled once the runtime answers)
    try:
        server.run()
    except OSError as e:  # the TCP listener could not bind
        log.error("%s", e)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
