"""Published ports, side by side:

- start: `doca run --rm -p 80 busybox /bin/true` (a random host port: a
  Prepare that binds it, an Attach, the DNAT rule in and out) beside the same
  without -p, and `podman run --rm -p 80` (netavark's DNAT) beside podman
  without -p;
- data path, host -> 127.0.0.1:HOST_PORT -> a busybox server in the
  container: through doca's DNAT; straight to the container's address (no
  NAT: the floor); through a userland proxy (a threaded Python relay on
  127.0.0.1, what doca would run instead of the DNAT rule). Request latency
  (connect, GET of a small file from busybox httpd, close) and bulk
  throughput (256 MiB into `nc -l > /dev/null`).

    .venv/bin/python bench/published_ports.py [--runs 30] [--requests 300] [--no-peers]
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

from bench.common import DOCA, hyperfine, peers, podman_cmd, private_stack, report, save

BULK = 256 * 1024 * 1024
CHUNK = 64 * 1024


def _request(addr) -> None:
    with socket.create_connection(addr, timeout=5) as s:
        s.sendall(b"GET /i HTTP/1.0\r\n\r\n")
        while s.recv(65536):
            pass


def _latency(addr, n: int) -> dict:
    for _ in range(10):
        _request(addr)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        _request(addr)
        times.append((time.perf_counter() - t) * 1000)
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def _bulk(addr) -> float:
    """MB/s of BULK bytes into the sink (it closes once it read them all)."""
    data = b"\0" * CHUNK
    t = time.perf_counter()
    with socket.create_connection(addr, timeout=30) as s:
        for _ in range(BULK // CHUNK):
            s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    return BULK / (time.perf_counter() - t) / 1e6


class Proxy:
    """A userland relay 127.0.0.1:PORT -> target, a thread per direction."""

    def __init__(self, target):
        self.target = target
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.addr = self.sock.getsockname()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(CHUNK):
                dst.sendall(data)
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        self.sock.close()


def _server(stack, env, name: str, script: str, port: int) -> tuple[tuple, tuple]:
    """A detached container with `port` published on 127.0.0.1; returns
    (published address, the container's own address)."""
    subprocess.run([DOCA, "run", "-d", "--name", name, "-p", f"127.0.0.1::{port}", "busybox", "sh", "-c", script],
                   env=env, check=True, capture_output=True)
    doc = json.loads(subprocess.run([DOCA, "inspect", name], env=env, check=True, capture_output=True).stdout)[0]
    host = doc["NetworkSettings"]["Ports"][f"{port}/tcp"][0]
    time.sleep(0.3)
    return ("127.0.0.1", int(host["HostPort"])), (doc["NetworkSettings"]["IPAddress"], port)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    have_peers = not args.no_peers and peers("install.sh", "make-rootfs.sh", "setup-images.sh")
    start, latency, bulk = {}, {}, {}
    with private_stack() as stack:
        env = dict(os.environ, DOCA_HOST=stack.host)
        cmds = {"doca run (bridge)": f"{DOCA} run --rm busybox /bin/true",
                "doca run -p 80": f"{DOCA} run --rm -p 80 busybox /bin/true"}
        if have_peers:
            cmds["podman run (bridge)"] = " ".join(podman_cmd("run", "--rm", "peers/busybox", "/bin/true"))
            cmds["podman run -p 80"] = " ".join(podman_cmd("run", "--rm", "-p", "80", "peers/busybox", "/bin/true"))
        start.update(hyperfine(cmds, args.runs, env=env))

        published, direct = _server(stack, env, "web", "mkdir /w && echo hi > /w/i && exec httpd -f -p 8080 -h /w",
                                    8080)
        proxy = Proxy(direct)
        try:
            latency["direct (container IP)"] = _latency(direct, args.requests)
            latency["DNAT 127.0.0.1"] = _latency(published, args.requests)
            latency["userland proxy 127.0.0.1"] = _latency(proxy.addr, args.requests)
        finally:
            proxy.close()
        published, direct = _server(stack, env, "sink", "while :; do nc -l -p 7000 > /dev/null; done", 7000)
        proxy = Proxy(direct)
        try:
            for name, addr in (("direct (container IP)", direct), ("DNAT 127.0.0.1", published),
                               ("userland proxy 127.0.0.1", proxy.addr)):
                _bulk(addr)  # warm-up
                bulk[name] = statistics.median(_bulk(addr) for _ in range(3))
        finally:
            proxy.close()
    report("container start with a published port (ms, median [min-max])", start,
           baseline="podman run -p 80" if have_peers else None)
    report(f"request latency, {args.requests} sequential GETs (ms, median [min-max])", latency,
           baseline="direct (container IP)")
    print("\nbulk throughput, 256 MiB (MB/s, median of 3)")
    for name, mbps in bulk.items():
        print(f"  {name:<28} {mbps:8.0f} MB/s")
    results = {"start": start, "latency": latency, "bulk_MBps": bulk}
    print(f"results: {save('published_ports', results)}")
    return results


if __name__ == "__main__":
    sys.exit(main() and 0)
