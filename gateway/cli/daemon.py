"""`doca daemon`: no grpc in this process, only the supervisor."""
from common import config
from gateway import daemon as supervisor


def daemon(args) -> int:
    return supervisor.run(config.from_args(args))
