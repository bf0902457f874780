"""GET /images/{name}/json: the gateway's image document (a Struct, keys in
no useful order) in Docker's key order, since `docker image inspect` prints
the body as it comes, and with the fields the client's API version has."""

TOP = ["Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig",
       "DockerVersion", "Author", "Config", "Architecture", "Variant", "Os", "OsVersion", "Size", "VirtualSize",
       "GraphDriver", "RootFS", "Metadata"]
CONFIG = ["Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "ExposedPorts", "Tty",
          "OpenStdin", "StdinOnce", "Env", "Cmd", "Healthcheck", "ArgsEscaped", "Image", "Volumes", "WorkingDir",
          "Entrypoint", "NetworkDisabled", "MacAddress", "OnBuild", "Labels", "StopSignal", "StopTimeout", "Shell"]
ROOTFS = ["Type", "Layers"]
GRAPH = ["Data", "Name"]


def ordered(doc: dict, keys: list[str]) -> dict:
    """Listed keys first, in that order; the others after them, sorted (Go's maps)."""
    out = {k: doc[k] for k in keys if k in doc}
    out.update({k: doc[k] for k in sorted(doc) if k not in out})
    return out


def image(doc: dict, req) -> dict:
    doc = dict(doc)
    if req.version_at_least("1.44"):  # removed from the API in 1.44 (VirtualSize) and 1.45
        doc.pop("VirtualSize", None)
    if req.version_at_least("1.45"):
        doc.pop("Container", None)
        doc.pop("ContainerConfig", None)
    for key in ("Config", "ContainerConfig"):
        if isinstance(doc.get(key), dict):
            doc[key] = ordered(doc[key], CONFIG)
    if isinstance(doc.get("RootFS"), dict):
        doc["RootFS"] = ordered(doc["RootFS"], ROOTFS)
    if isinstance(doc.get("GraphDriver"), dict):
        g = ordered(doc["GraphDriver"], GRAPH)
        if isinstance(g.get("Data"), dict):
            g["Data"] = ordered(g["Data"], [])
        doc["GraphDriver"] = g
    return ordered(doc, TOP)
