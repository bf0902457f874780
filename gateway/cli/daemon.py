"""`doca daemon`: no grpc in this process, only the supervisor."""
from common import config, daemon as supervisor


def daemon(args) -> int:
    return supervisor.run(config.from_args(args))
