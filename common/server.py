"""Start-up shared by every doca gRPC server: a unix socket (root, 0660),
server reflection, grpc.health.v1, the error mapping, clean stop on
SIGTERM/SIGINT."""
import os
import pathlib
import signal
import threading
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from common import memdebug
from common.status import ErrorMapping
from common.undecodable import UndecodableRequests

SOCKET_MODE = 0o660


class Server:
    """A gRPC server bound to one unix socket.

    `services` are (add_XServicer_to_server, servicer, full service name).
    """

    def __init__(self, socket_path: pathlib.Path, services, interceptors=(), max_workers: int = 64, tcp=None):
        self.socket_path = pathlib.Path(socket_path)
        self.tcp = tcp  # (address, grpc.ServerCredentials): a TLS listener beside the socket
        self.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="rpc"),
            # First: a request that is not its message is INVALID_ARGUMENT
            # (common/undecodable.py), not gRPC's INTERNAL, on every socket.
            interceptors=[UndecodableRequests(), *interceptors, ErrorMapping()],
            options=[("grpc.max_receive_message_length", 64 * 1024 * 1024),
                     ("grpc.so_reuseport", 0)],
        )
        self.health = health.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        names = []
        for add, servicer, name in services:
            add(servicer, self.server)
            names.append(name)
        self.names = names
        reflection.enable_server_reflection(
            names + [health.SERVICE_NAME, reflection.SERVICE_NAME], self.server)
        self._stopped = threading.Event()

    def start(self) -> None:
        self.socket_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.socket_path.unlink()  # a stale socket from a killed server
        except FileNotFoundError:
            pass
        old = os.umask(0o117)  # the socket is born 0660: no window at 0777
        try:
            self.server.add_insecure_port(f"unix://{self.socket_path}")
            if self.tcp:
                try:
                    bound = self.server.add_secure_port(*self.tcp)
                except RuntimeError:
                    bound = 0
                if not bound:
                    raise OSError(f"cannot listen on {self.tcp[0]}: address in use or not on this host")
            self.server.start()
        finally:
            os.umask(old)
        os.chmod(self.socket_path, SOCKET_MODE)
        for name in self.names + [""]:
            self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    def stop(self, grace: float = 2.0) -> None:
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()
        try:
            self.socket_path.unlink()
        except FileNotFoundError:
            pass
        self._stopped.set()

    def run(self, on_stop=None) -> None:
        """Serve until SIGTERM/SIGINT, then stop and call on_stop."""
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        memdebug.install(self.socket_path.stem)  # DOCA_MEMDEBUG=DIR only
        self.start()
        stop.wait()
        self.stop()
        if on_stop:
            on_stop()
