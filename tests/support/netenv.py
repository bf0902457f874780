"""Fixtures and helpers for the tests of user networks and published ports
through the CLI (no tests here).

Every network a test makes has a short random name and a subnet from
tests.stack.free_subnet(), so tests of one suite never collide; containers
and networks are removed when the test ends, whatever happens.
"""
import json
import secrets
import socket
import subprocess
import time


from tests.support.stack import free_port, free_subnet


class Env:
    def __init__(self, stack):
        self.stack = stack
        self.containers: list[str] = []
        self.networks: list[str] = []

    def network(self, *flags: str, name: str = "") -> tuple[str, str]:
        """`doca network create --subnet <free> FLAGS NAME` -> (name, subnet)."""
        name = name or "n" + secrets.token_hex(3)
        subnet = free_subnet()
        self.stack.doca("network", "create", "--subnet", subnet, *flags, name)
        self.networks.append(name)
        return name, subnet

    def run(self, name: str, *args: str) -> str:
        """`doca run -d --name NAME ARGS`; returns the id."""
        self.containers.append(name)
        return self.stack.doca("run", "-d", "--name", name, *args).stdout.strip()

    def exec(self, ctr: str, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.stack.doca("exec", ctr, *cmd, check=check)

    def inspect(self, ref: str, *kind: str) -> dict:
        return json.loads(self.stack.doca(*kind, "inspect", ref).stdout)[0]

    def ip_of(self, ctr: str, network: str = "") -> str:
        settings = self.inspect(ctr)["NetworkSettings"]
        return settings["Networks"][network]["IPAddress"] if network else settings["IPAddress"]

    def pings(self, ctr: str, target: str) -> bool:
        """One echo from inside `ctr` (only to addresses of the test's own networks)."""
        return self.exec(ctr, "ping", "-c1", "-W1", target, check=False).returncode == 0

    def cleanup(self) -> None:
        if self.containers:
            self.stack.doca("rm", "-f", *self.containers, check=False)
        for name in self.networks:
            self.stack.doca("network", "rm", name, check=False)


def http_get(port: int, path: str = "/", timeout: float = 5.0) -> bytes:
    """A GET to 127.0.0.1:PORT, retried while the server in the container starts."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
                if data:
                    return data
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing answered on 127.0.0.1:{port}")
        time.sleep(0.1)


def host_port() -> int:
    return free_port()
