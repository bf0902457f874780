"""The local terminal for -t: raw mode (restored on every exit path), its
size, and a queue of inputs for a streaming call: stdin bytes, window sizes
on SIGWINCH, the end of stdin, Docker's detach keys (ctrl-p ctrl-q).
queue, signal, threading and termios are imported only when a terminal or
an input stream is involved: a detached exec or run pays for none of them."""
import sys

DETACH_KEYS = b"\x10\x11"  # ctrl-p ctrl-q


def _os():
    import os  # not on the path of a call without a terminal
    return os


def not_a_tty(args) -> bool:
    """-it with a stdin that is no terminal: Docker refuses (the container's
    terminal would wait for input that never ends); says so on stderr."""
    if args.interactive and args.tty and not _os().isatty(0):
        import sys
        sys.stderr.write("doca: the input device is not a TTY\n")
        return True
    return False


def size() -> tuple[int, int]:
    import fcntl
    import struct
    import termios
    try:
        rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(sys.stdout.fileno(), termios.TIOCGWINSZ, b"\0" * 8))
        return rows, cols
    except OSError:
        return 0, 0


class RawMode:
    """Puts stdin in raw mode if it is a terminal; restores it on exit."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and _os().isatty(0)
        self.saved = None

    def __enter__(self):
        if self.enabled:
            import termios
            import tty
            self.saved = termios.tcgetattr(0)
            tty.setraw(0)
        return self

    def __exit__(self, *exc):
        self.restore()

    def restore(self) -> None:
        if self.saved is not None:
            import termios
            termios.tcsetattr(0, termios.TCSADRAIN, self.saved)
            self.saved = None


def detach_now(raw: RawMode) -> None:
    """ctrl-p ctrl-q: give the terminal back and leave; the container (or
    the exec'd process) keeps running."""
    raw.restore()
    sys.stderr.write("\r\n" if raw.enabled else "")
    sys.stderr.flush()
    _os()._exit(0)


class Inputs:
    """What the user sends while a call runs, as (kind, value) items:
    ("stdin", bytes), ("close", None), ("resize", (rows, cols)),
    ("detach", None). Iterate it to get them in order."""

    def __init__(self, read_stdin: bool, tty: bool, detach_keys: bytes = DETACH_KEYS, on_detach=None):
        import queue
        import signal
        import threading
        self.q: "queue.SimpleQueue" = queue.SimpleQueue()
        self.on_detach = on_detach
        self.tty = tty
        self.detach_keys = detach_keys if tty else b""
        self.detached = False
        if tty:
            signal.signal(signal.SIGWINCH, lambda *_: self.q.put(("resize", size())))
        if read_stdin:
            threading.Thread(target=self._read, daemon=True, name="stdin").start()

    def _read(self) -> None:
        import os
        pending = b""
        while True:
            try:
                data = os.read(0, 65536)
            except OSError:
                data = b""
            if not data:
                self.q.put(("close", None))
                return
            if self.detach_keys:
                data = pending + data
                pending = b""
                at = data.find(self.detach_keys)
                if at >= 0:
                    if at:
                        self.q.put(("stdin", data[:at]))
                    self.detached = True
                    self.q.put(("detach", None))
                    if self.on_detach:  # the reading side may wait for output that never comes
                        self.on_detach()
                    return
                if data.endswith(self.detach_keys[:1]):  # maybe the start of the sequence
                    pending, data = data[-1:], data[:-1]
            if data:
                self.q.put(("stdin", data))

    def stop(self) -> None:
        self.q.put(("end", None))

    def __iter__(self):
        while True:
            kind, value = self.q.get()
            if kind == "end":
                return
            yield kind, value
