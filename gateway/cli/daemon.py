"""`doca daemon`: no grpc in this process, only the supervisor."""
import sys

from common import config, daemon as supervisor, mirrors


def daemon(args) -> int:
    cfg = config.from_args(args)
    try:  # before anything starts: a bad value is one line, not an images service that exits
        mirrors.parse(cfg.registry_mirrors)
    except mirrors.MirrorError as e:
        sys.stderr.write(f"doca daemon: {e}\n")
        return 1
    return supervisor.run(cfg)
