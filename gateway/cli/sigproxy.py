"""run's --sig-proxy (Docker's default): the signals an attached run without
a terminal gets go to the container's process instead of ending the CLI,
which goes on streaming until the container exits. A thread sends them, on
a connection of its own (the main thread's may be mid-read of the stream
when a signal arrives)."""
import queue
import signal
import threading

# Docker proxies every signal but SIGCHLD, SIGPIPE, SIGURG and SIGWINCH: these
# are the ones a CLI process is sent in practice (SIGKILL, SIGSTOP cannot be caught).
PROXIED = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM")


class SignalProxy:
    def __init__(self, args, cid: str):
        self.args, self.cid = args, cid
        self.q: queue.SimpleQueue = queue.SimpleQueue()
        self.saved: dict = {}

    def __enter__(self):
        if threading.current_thread() is not threading.main_thread():
            return self  # signal handlers are the main thread's to set
        for name in PROXIED:
            sig = getattr(signal, name)
            self.saved[sig] = signal.signal(sig, self._received)
        threading.Thread(target=self._send, name="sig-proxy", daemon=True).start()
        return self

    def _received(self, signum, frame) -> None:
        self.q.put(signum)

    def _send(self) -> None:
        from gateway.cli.rpc import client, conn, doca_v1 as pb
        shared = conn._channel(self.args)
        stub = client.stub(pb, "Containers", client.Channel(shared.address, tls=shared.tls))
        while (signum := self.q.get()) is not None:
            try:
                stub.Kill(pb.KillRequest(id=self.cid, signal=str(signum)))
            except client.RpcError:
                pass  # the container has exited meanwhile: the stream ends on its own

    def __exit__(self, *exc) -> None:
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)
        self.q.put(None)
