"""run's and attach's --sig-proxy (Docker's default): the signals an attached
CLI without a terminal gets go to the container's process instead of ending
the CLI, which goes on streaming until the container exits.

A thread sends them, on a connection of its own (the main thread's may be
mid-read of the stream when a signal arrives). That thread, and the queue
it reads, are made at the first signal: an attached `doca run` that gets
none imports neither threading nor queue (nor signal, whose enums cost more
than the rest of run's start-up: _signal's handlers take plain numbers)."""
import _signal

# Docker proxies every signal but SIGCHLD, SIGPIPE, SIGURG and SIGWINCH: these
# are the ones a CLI process is sent in practice (SIGKILL, SIGSTOP cannot be caught).
PROXIED = ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM")


class SignalProxy:
    def __init__(self, args, cid: str):
        self.args, self.cid = args, cid
        self.q = None  # queue.SimpleQueue, from the first signal on
        self.saved: dict = {}

    def __enter__(self):
        try:
            for name in PROXIED:
                sig = getattr(_signal, name)
                self.saved[sig] = _signal.signal(sig, self._received)
        except ValueError:  # not the main thread: its handlers are not ours to set
            self._restore()
        return self

    def _received(self, signum, frame) -> None:
        if self.q is None:
            import queue
            import threading
            self.q = queue.SimpleQueue()
            threading.Thread(target=self._send, name="sig-proxy", daemon=True).start()
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

    def _restore(self) -> None:
        for sig, handler in self.saved.items():
            _signal.signal(sig, handler)
        self.saved.clear()

    def __exit__(self, *exc) -> None:
        self._restore()
        if self.q is not None:
            self.q.put(None)
