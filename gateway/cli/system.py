"""`doca version`."""
from common.version import VERSION as CLIENT_VERSION
from gateway.cli.rpc import conn, doca_v1 as pb


def version(args) -> int:
    print(f"Client:\n Version:    {CLIENT_VERSION}\n API:        v1")
    v = conn.system(args).Version(pb.VersionRequest())
    print(f"\nServer:\n Version:    {v.version}\n API:        {v.api_version}\n OS/Arch:    {v.os}/{v.arch}\n"
          f" Kernel:     {v.kernel_version}\n Cgroups:    v{v.cgroup_version}")
    return 0
