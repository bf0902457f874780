"""doca-images: serves doca.images.v1 on <run-dir>/images.sock."""
import argparse

from common import config, instance_lock, logsetup, mirrors, storeperms
from common.server import Server
from doca.images.v1 import images_pb2_grpc

from services.images import builtin
from services.images.api import SERVICE_NAME, ImagesServicer
from services.images.build.builder import Builder
from services.images.registry import service as registry_service
from services.images.service import ImageService


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="doca-images")
    config.add_arguments(parser)
    cfg = config.from_args(parser.parse_args(argv))
    logsetup.setup("images", cfg.log_level)
    try:
        mirrors.parse(cfg.registry_mirrors)  # the daemon checked it too; alone, this says it
    except mirrors.MirrorError as e:
        raise SystemExit(f"doca-images: {e}")
    storeperms.own_dirs(cfg, "images")  # root's alone, before anything is written
    instance_lock.hold_or_exit(cfg.root, "images")
    svc = ImageService(cfg.state_dir("images"))  # cleans what a crash left behind
    registry_service.configure(svc, cfg.registry_mirrors)  # every pull sees the mirrors
    builtin.seed(svc)  # before serving: a fresh store already has busybox:latest
    # RUN steps run in the runtime's containers, on the network service's networks.
    builder = Builder(svc, cfg.socket("runtime"), cfg.socket("network"))
    Server(cfg.socket("images"), [
        (images_pb2_grpc.add_ImagesServicer_to_server, ImagesServicer(svc, builder), SERVICE_NAME),
    ]).run()


if __name__ == "__main__":
    main()
