"""doca-runtime: serves doca.runtime.v1 on <run-dir>/runtime.sock."""
import argparse

from common import config, instance_lock, logsetup, storeperms
from common.server import Server
from doca.runtime.v1 import runtime_pb2_grpc

from services.runtime.api import SERVICE_NAME, RuntimeServicer
from services.runtime.runtime import Runtime


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="doca-runtime")
    config.add_arguments(parser)
    cfg = config.from_args(parser.parse_args(argv))
    log = logsetup.setup("runtime", cfg.log_level)
    storeperms.own_dirs(cfg, "runtime")  # root's alone, before anything is written
    instance_lock.hold_or_exit(cfg.root, "runtime")
    rt = Runtime(cfg.state_dir("runtime"), cfg.cgroup_parent, volatile_dir=cfg.run_dir / "runtime")
    log.info("cgroup v%s, parent %s, %d containers restored",
             rt.cgroups.version, rt.cgroups.parent, len(rt.store.all()))
    Server(cfg.socket("runtime"), [
        (runtime_pb2_grpc.add_RuntimeServicer_to_server, RuntimeServicer(rt), SERVICE_NAME),
    ]).run(on_stop=rt.close)


if __name__ == "__main__":
    main()
