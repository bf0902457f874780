"""One Build call: the context is received into the build's own directory,
then the build runs in a thread of its own while the call streams its
events out.

Why a thread: a client that goes away (Ctrl-C) stops the call, not the
work; the thread always gets to its clean-up (the RUN container killed and
removed, its snapshot, the build's directory), and the call's last message
comes only after that clean-up, so a client that saw the end sees a clean
machine.
"""
import contextlib
import logging
import os
import queue
import shutil
import threading

from services.images.build import events
from services.images.build.context import ContextFile
from services.images.build.executor import Executor, Options
from services.images.build.pulls import Puller
from services.images.build.run import Runner

log = logging.getLogger("doca.images.build")

_END = object()
QUEUE = 256  # events in flight: a chatty RUN waits for a slow client rather than fill memory


class Job:
    def __init__(self, builder, options: Options):
        self.builder = builder
        self.svc = builder.svc
        self.options = options
        self.id = os.urandom(8).hex()
        self.dir = builder.dir / self.id
        self.dir.mkdir(mode=0o700)
        self.context = ContextFile(str(self.dir))
        self.runner = Runner(self.svc, builder.runtime, builder.network, self.dir, self.id, options.host)
        self._queue: queue.Queue = queue.Queue(QUEUE)
        self._gone = threading.Event()  # nobody reads the events any more
        self.puller = Puller(self.svc, options.registry_auths, options.pull, self._put)

    def receive(self, chunks) -> None:
        try:
            self.context.receive(chunks)
        except BaseException:
            self.close()
            raise

    def cancel(self) -> None:
        """The call ended (the client left, or the build is done)."""
        self._gone.set()
        self.runner.cancel()
        self.puller.cancel()  # a pull of a base image under way stops too

    def events(self):
        """The build's events, as it runs; raises what the build raised."""
        threading.Thread(target=self._work, args=(self._put,), name=f"build-{self.id}", daemon=True).start()
        while True:
            try:
                item = self._queue.get(timeout=0.2)
            except queue.Empty:
                if self._gone.is_set():
                    return  # the call is over: this thread goes back to the server's pool
                continue
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _put(self, item) -> None:
        while not self._gone.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _work(self, put) -> None:
        failure = None
        try:
            with contextlib.ExitStack() as pins:
                executor = Executor(self.svc, self.builder.cache, self.runner, self.options,
                                    self.context.tree(), put, pins, self.dir, self.puller)
                image_id = executor.build()
            put(events.Result(image_id, tuple(str(t) for t in self.options.tags)))
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
            failure = e
        finally:
            try:
                self.builder.cache.save()
            except OSError as e:
                log.warning("saving the build cache index: %s", e)
            self.close()
        if failure is not None:
            put(failure)
        put(_END)

    def close(self) -> None:
        self.context.close()
        shutil.rmtree(self.dir, ignore_errors=True)
