"""`doca version`."""
from common.version import VERSION as CLIENT_VERSION
from gateway.cli.rpc import conn, doca_v1 as pb


def _document(v) -> dict:
    """What `version --format` reads, under the field names of Docker's
    Go structs (.Client.APIVersion, .Server.Os, .Server.KernelVersion)."""
    import platform
    arch = {"x86_64": "amd64", "aarch64": "arm64"}  # Go's names, as Docker shows them
    client = {"Platform": {"Name": ""}, "Version": CLIENT_VERSION, "APIVersion": "v1", "DefaultAPIVersion": "v1",
              "GitCommit": "", "GoVersion": "", "Os": "linux",
              "Arch": arch.get(platform.machine(), platform.machine()),
              "BuildTime": "", "Context": "default", "Experimental": False}
    server = {"Platform": {"Name": "doca"},
              "Components": [{"Name": "Engine", "Version": v.version, "Details": {
                  "ApiVersion": v.api_version, "Arch": v.arch, "KernelVersion": v.kernel_version, "Os": v.os}}],
              "Version": v.version, "APIVersion": v.api_version, "MinAPIVersion": v.api_version, "GitCommit": "",
              "GoVersion": "", "Os": v.os, "Arch": arch.get(v.arch, v.arch), "KernelVersion": v.kernel_version,
              "Experimental": False, "BuildTime": ""}
    return {"Client": client, "Server": server}


def version(args) -> int:
    fmt = getattr(args, "format", "")
    if fmt:
        import json
        import sys
        from gateway.cli import gotemplate
        # Docker names this template "version": its parse errors say 'template: version:1: ...'
        try:
            render = gotemplate.compile_template(fmt)
        except gotemplate.ParseError as e:
            raise gotemplate.ParseError(str(e).replace("template: :", "template: version:", 1)) from None
        doc = _document(conn.system(args).Version(pb.VersionRequest()))
        if fmt == "json":
            sys.stdout.write(json.dumps(doc, separators=(",", ":")) + "\n")
            return 0
        try:  # a field Docker's version structs lack is an error; the line ends whatever happens
            sys.stdout.write(render(gotemplate.strict(doc, "system.versionInfo")))
        finally:
            sys.stdout.write("\n")
        return 0
    print(f"Client:\n Version:    {CLIENT_VERSION}\n API:        v1")
    v = conn.system(args).Version(pb.VersionRequest())
    print(f"\nServer:\n Version:    {v.version}\n API:        {v.api_version}\n OS/Arch:    {v.os}/{v.arch}\n"
          f" Kernel:     {v.kernel_version}\n Cgroups:    v{v.cgroup_version}")
    return 0
