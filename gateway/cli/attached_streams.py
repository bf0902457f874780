"""run/create -a STDIN|STDOUT|STDERR and --use-api-socket, as Docker's CLI
reads them: which of the container's streams an attached run shows (the
others are dropped here; Config.Attach* travel in the request). Imported
only when one of them is given: off run's start-up path."""
import sys

from gateway.cli.convert import UsageError, attach_streams


def check(args) -> None:
    """-a's words lower-cased into args.attach; Docker's refusals."""
    if getattr(args, "use_api_socket", False):
        raise UsageError("--use-api-socket: doca serves no Docker API socket to bind into a container")
    args.attach = attach_streams(args.attach)
    if getattr(args, "detach", False) and args.attach:
        err = UsageError("Conflicting options: -a and -d")
        err.exit_code = 1  # Docker's run exits 1 on it
        raise err


class _Sink:
    """A text stream whose bytes go nowhere (attach.stream writes to .buffer)."""

    class buffer:  # noqa: N801 - sys.stdout's attribute
        @staticmethod
        def write(data):
            return len(data)

        @staticmethod
        def flush():
            pass

    def write(self, text):
        return len(text)

    def flush(self):
        pass


class only:  # noqa: N801 - a context, as contextlib's
    """stdout/stderr replaced by sinks for the streams -a did not name."""

    def __init__(self, streams):
        self.streams = set(streams)
        self.saved = None

    def __enter__(self):
        self.saved = sys.stdout, sys.stderr
        if "stdout" not in self.streams:
            sys.stdout = _Sink()
        if "stderr" not in self.streams:
            sys.stderr = _Sink()
        return self

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self.saved
        return False
