"""doca-cri: runtime.v1's RuntimeService and ImageService on --cri-socket
(default <run dir>/cri.sock), a client of the gateway's doca.v1 socket."""
import argparse

from common import config, logsetup, storeperms
from common.server import Server
from doca.cri.runtime.v1 import api_pb2_grpc
from gateway.cri import backend
from gateway.cri.images import ImageService
from gateway.cri.runtime import RuntimeService


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="doca-cri")
    config.add_arguments(parser)
    cfg = config.from_args(parser.parse_args(argv))
    log = logsetup.setup("cri", cfg.log_level)
    if not cfg.cri_socket:
        log.info("no --cri-socket: the CRI is off")
        return
    storeperms.own_dirs(cfg)
    b = backend.connect(cfg)
    server = Server(cfg.cri_socket, [
        (api_pb2_grpc.add_RuntimeServiceServicer_to_server, RuntimeService(b), "runtime.v1.RuntimeService"),
        (api_pb2_grpc.add_ImageServiceServicer_to_server, ImageService(b), "runtime.v1.ImageService"),
    ])
    log.info("Kubernetes CRI on unix://%s", cfg.cri_socket)
    server.run()


if __name__ == "__main__":
    main()
