"""System: /_ping, /version, /info."""
import platform

from common.version import VERSION
from doca.v1 import system_pb2
from gateway.docker import versions
from gateway.docker.documents import from_struct
from gateway.docker.http import Response, json_response
from gateway.docker.router import route


def _ping_headers(req) -> list[tuple[str, str]]:
    # The client negotiates its version from Api-Version; Builder-Version 1 is
    # the classic builder (the one doca's build speaks); no swarm.
    return [("Builder-Version", "1"), ("Cache-Control", "no-cache, no-store, must-revalidate"),
            ("Pragma", "no-cache"), ("Swarm", "inactive")]


@route("GET", "/_ping")
def ping(req, backend):
    return Response(200, b"OK", "text/plain; charset=utf-8", _ping_headers(req))


@route("HEAD", "/_ping")
def ping_head(req, backend):
    return Response(200, b"", "text/plain; charset=utf-8", _ping_headers(req) + [("Content-Length", "0")])


# Go's GOARCH names, which docker clients show and compare.
GOARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386", "ppc64le": "ppc64le",
          "s390x": "s390x", "riscv64": "riscv64"}


def goarch(machine: str) -> str:
    return GOARCH.get(machine, machine)


@route("GET", "/version")
def version(req, backend):
    v = backend.system.Version(system_pb2.VersionRequest())
    details = {"ApiVersion": versions.MAX_VERSION, "Arch": goarch(v.arch or platform.machine()), "BuildTime": "",
               "Experimental": "false", "GitCommit": "", "GoVersion": "", "KernelVersion": v.kernel_version,
               "MinAPIVersion": versions.MIN_VERSION, "Os": v.os or "linux"}
    return json_response({
        "Platform": {"Name": "doca"},
        "Components": [{"Name": "Engine", "Version": v.version or VERSION, "Details": details}],
        "Version": v.version or VERSION, "ApiVersion": versions.MAX_VERSION, "MinAPIVersion": versions.MIN_VERSION,
        "GitCommit": "", "GoVersion": "", "Os": v.os or "linux", "Arch": goarch(v.arch or platform.machine()),
        "KernelVersion": v.kernel_version, "BuildTime": "",
    })


@route("GET", "/info")
def info(req, backend):
    return json_response(from_struct(backend.system.Info(system_pb2.InfoRequest())))


