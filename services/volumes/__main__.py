"""doca-volumes: serves doca.volumes.v1 on <run-dir>/volumes.sock."""
import argparse

from common import config, instance_lock, logsetup, storeperms
from common.server import Server
from doca.volumes.v1 import volumes_pb2_grpc

from services.volumes.api import SERVICE_NAME, VolumesServicer
from services.volumes.store import VolumeStore


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="doca-volumes")
    config.add_arguments(parser)
    cfg = config.from_args(parser.parse_args(argv))
    logsetup.setup("volumes", cfg.log_level)
    storeperms.own_dirs(cfg, "volumes")  # root's alone, before anything is written
    instance_lock.hold_or_exit(cfg.root, "volumes")
    store = VolumeStore(cfg.state_dir("volumes"))
    Server(cfg.socket("volumes"), [
        (volumes_pb2_grpc.add_VolumesServicer_to_server, VolumesServicer(store), SERVICE_NAME),
    ]).run()


if __name__ == "__main__":
    main()
