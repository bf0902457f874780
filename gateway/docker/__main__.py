"""doca-docker: the Docker Engine API on --docker-socket (default
<run dir>/docker.sock), a client of the gateway's doca.v1 socket."""
import argparse
import signal
import threading

from common import config, logsetup, storeperms
from gateway.docker import backend, endpoints  # noqa: F401 (endpoints register their routes)
from gateway.docker.server import Listener


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="doca-docker")
    config.add_arguments(parser)
    cfg = config.from_args(parser.parse_args(argv))
    log = logsetup.setup("docker", cfg.log_level)
    if not cfg.docker_socket:
        log.info("no --docker-socket: the Docker API is off")
        return
    storeperms.own_dirs(cfg)
    listener = Listener(cfg.docker_socket, backend.connect(cfg))
    listener.bind()

    def stop(_signum, _frame):
        threading.Thread(target=listener.stop, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("Docker Engine API on unix://%s", cfg.docker_socket)
    listener.serve_forever()


if __name__ == "__main__":
    main()
