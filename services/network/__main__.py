"""doca-network: serves doca.network.v1 on <run-dir>/network.sock.

Sets up the default network "bridge" (--bridge, --subnet) at start and, on a
clean stop, removes the bridge when no endpoint is left on it.
"""
import argparse
import errno
import sys

from common import config, instance_lock, logsetup, storeperms
from common.errors import DocaError
from common.server import Server
from doca.network.v1 import network_pb2_grpc

from services.network.api import SERVICE_NAME, NetworkServicer
from services.network.manager import NetworkManager
from services.network.netlink import NetlinkError


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="doca-network")
    config.add_arguments(parser)
    cfg = config.from_args(parser.parse_args(argv))
    logsetup.setup("network", cfg.log_level)
    storeperms.own_dirs(cfg, "network")  # root's alone, before anything is written
    instance_lock.hold_or_exit(cfg.root, "network")
    manager = NetworkManager(cfg.state_dir("network"), cfg.bridge, cfg.subnet)
    try:
        manager.start()
    except DocaError as e:
        sys.exit(f"doca-network: {e}")
    except (NetlinkError, OSError) as e:
        code = getattr(e, "code", None) or getattr(e, "errno", None)
        hint = " (the network service needs root: CAP_NET_ADMIN)" if code in (errno.EPERM, errno.EACCES) else ""
        sys.exit(f"doca-network: cannot set up bridge {cfg.bridge} for {cfg.subnet}: {e}{hint}")
    Server(cfg.socket("network"), [
        (network_pb2_grpc.add_NetworkServicer_to_server, NetworkServicer(manager), SERVICE_NAME),
    ]).run(on_stop=manager.shutdown)


if __name__ == "__main__":
    main()
