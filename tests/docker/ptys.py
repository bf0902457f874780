"""Helpers of the stream tests (attach, exec): the docker CLI driven through
a pseudo-terminal as a user's shell runs it, and one raw HTTP request."""
import fcntl
import os
import pty
import select
import socket
import struct
import termios
import time

ROWS, COLS = 30, 100


def run_in_pty(argv: list[str], env: dict, keys: list[bytes], pause: float = 1.0,
               timeout: float = 30) -> tuple[bytes, int]:
    """Runs argv on a 30x100 terminal, typing each of `keys` after `pause`
    seconds; returns what the terminal showed and the exit code."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: exec at once, nothing else
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    out = bytearray()

    def drain(seconds: float) -> bool:
        end = time.time() + seconds
        while time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                out.extend(data)
        return True
    try:
        for key in keys:
            if not drain(pause):
                break
            os.write(fd, key)
        drain(timeout)
    finally:
        os.close(fd)
        deadline = time.time() + 10
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.time() > deadline:
                os.kill(pid, 9)
                _, status = os.waitpid(pid, 0)
                break
            time.sleep(0.05)
    return bytes(out), os.waitstatus_to_exitcode(status)


def raw(stack, request: bytes) -> tuple[bytes, bytes]:
    """One request over the face's socket: (head, body) of the answer."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(str(stack.socket("docker")))
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n".encode()


def dechunk(body: bytes) -> bytes:
    """A chunked body's bytes."""
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out += rest[:n]
        body = rest[n + 2:]
    return out


def frames(data: bytes) -> list[tuple[int, bytes]]:
    """Docker's multiplexed stream as (stream type, payload) frames."""
    out = []
    while data:
        kind, size = data[0], struct.unpack(">L", data[4:8])[0]
        out.append((kind, data[8:8 + size]))
        data = data[8 + size:]
    return out
