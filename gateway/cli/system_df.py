"""`doca system df [-v]`: disk usage of images (shared and unique sizes from
the sizes the images service tracks), containers' writable layers,
volumes and the build cache."""
import json

from common import humanize, units
from gateway.cli import output
from gateway.cli.rpc import conn, doca_v1 as pb, tojson

ACTIVE_STATES = ("running", "paused", "restarting")


def _size(n: int) -> str:
    """Docker's units.HumanSize (four significant digits)."""
    return units.human_size(n, 4)


def _reclaimable(part: int, whole: int) -> str:
    """Docker's RECLAIMABLE: the size, and its share (rounded down) when
    the whole is not empty."""
    return f"{_size(part)} ({100 * part // whole}%)" if whole > 0 else _size(part)


def _docs(u) -> list[dict]:
    """The rows of system df (Docker's diskUsage contexts): Type,
    TotalCount, Active, Size, Reclaimable."""
    active_images = sum(1 for i in u.images if i.containers)
    ctr_size = sum(c.size for c in u.containers)
    idle_ctr = sum(c.size for c in u.containers if c.state not in ACTIVE_STATES)
    sized = [v for v in u.volumes if v.size >= 0]  # a size not measured (-1) counts for nothing, as Docker's
    vol_size = sum(v.size for v in sized)
    idle_vol = sum(v.size for v in sized if not v.links)
    rows = [
        ("Images", len(u.images), active_images, u.layers_size, _reclaimable(u.images_reclaimable, u.layers_size)),
        ("Containers", len(u.containers), sum(1 for c in u.containers if c.state in ACTIVE_STATES), ctr_size,
         _reclaimable(idle_ctr, ctr_size)),
        ("Local Volumes", len(u.volumes), sum(1 for v in u.volumes if v.links), vol_size,
         _reclaimable(idle_vol, vol_size)),
        # the cache's layers are in use only while a build runs: all reclaimable, as Docker shows it
        ("Build Cache", u.build_cache_count, 0, u.build_cache_size, _size(u.build_cache_size)),
    ]
    return [{"Type": t, "TotalCount": str(n), "Active": str(a), "Size": _size(size), "Reclaimable": r}
            for t, n, a, size, r in rows]


def _summary(u) -> list[list[str]]:
    return [[d["Type"], d["TotalCount"], d["Active"], d["Size"], d["Reclaimable"]] for d in _docs(u)]


def _verbose_doc(u) -> dict:
    """What `system df -v --format` reads: Images, Containers, Volumes, BuildCache."""
    from gateway.cli import gotime
    images = []
    for i in u.images:
        created = tojson.seconds(i.created)
        for tag in i.repo_tags or ["<none>:<none>"]:
            repo, _, name = tag.rpartition(":")
            images.append({"Containers": str(i.containers), "CreatedAt": gotime.string(created),
                           "CreatedSince": humanize.ago(created), "Digest": "", "ID": i.id, "Repository": repo,
                           "SharedSize": _size(i.shared_size), "Size": _size(i.size), "Tag": name,
                           "UniqueSize": _size(i.unique_size), "VirtualSize": _size(i.size)})
    containers = [{"ID": c.id[:12], "Image": c.image, "Command": json.dumps(_cut(c.command)),
                   "LocalVolumes": "0", "Size": _size(c.size), "RunningFor": humanize.ago(tojson.seconds(c.created)),
                   "Status": c.state, "Names": c.name} for c in u.containers]
    volumes = [{"Name": v.name, "Links": str(v.links), "Size": _volume_size(v), "Driver": "local",
                "Scope": "local", "Mountpoint": "", "Labels": ""} for v in u.volumes]
    return {"Images": images, "Containers": containers, "Volumes": volumes, "BuildCache": []}


def _cut(command: str) -> str:
    return command[:19] + "…" if len(command) > 20 else command


def _volume_size(v) -> str:
    return "N/A" if v.size < 0 else _size(v.size)


def _containers(args) -> dict:
    """ps' rows by id: the STATUS text and the volumes each mounts."""
    return {c.id: c for c in conn.containers(args).List(pb.ListRequest(all=True)).containers}


def _verbose(u, listed: dict) -> None:
    """Docker's `system df -v`: a table per kind, the build cache's header last."""
    from gateway.cli.containers import quote_command
    print("Images space usage:\n")
    rows = []
    for i in u.images:
        created = humanize.ago(tojson.seconds(i.created))
        for tag in i.repo_tags or ["<none>:<none>"]:
            repo, _, name = tag.rpartition(":")
            rows.append([repo, name, i.id.split(":", 1)[-1][:12], created, _size(i.size),
                         _size(i.shared_size), _size(i.unique_size), str(i.containers)])
    output.table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"], rows)
    print("\nContainers space usage:\n")
    rows = []
    for c in u.containers:
        seen = listed.get(c.id)
        rows.append([c.id[:12], c.image, quote_command(seen.command if seen else c.command, True),
                     str(sum(1 for m in seen.mounts if m.driver == "local")) if seen else "0", _size(c.size),
                     humanize.ago(tojson.seconds(c.created)), seen.status if seen else c.state, c.name])
    output.table(["CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS", "NAMES"], rows)
    print("\nLocal Volumes space usage:\n")
    output.table(["VOLUME NAME", "LINKS", "SIZE"], [[v.name, str(v.links), _volume_size(v)] for v in u.volumes])
    print(f"\nBuild cache usage: {_size(u.build_cache_size)}\n")
    output.table(["CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED"], [])


DF_HEADERS = {"TotalCount": "TOTAL"}


def df(args) -> int:
    fmt = args.format
    if fmt and fmt not in ("table", "json"):
        from gateway.cli import tableformat  # a bad template fails before the call
        tableformat.compile_row(fmt.replace("\\t", "\t")[len("table"):].lstrip(" ") if fmt.startswith("table")
                                else fmt)
    u = conn.images(args).DiskUsage(pb.DiskUsageRequest())
    if fmt and fmt != "table":  # json: a JSON object per row, as Docker 28's (tableformat reads "json")
        import sys
        from gateway.cli import tableformat
        if args.verbose:  # one document, the four lists; no newline after the template's text, as Docker's
            doc = _verbose_doc(u)
            sys.stdout.write(json.dumps(doc, separators=(",", ":")) + "\n" if fmt == "json" else tableformat.compile_row(fmt)(doc))
        else:
            sys.stdout.write(tableformat.render(fmt, _docs(u), DF_HEADERS))
    elif args.verbose:
        _verbose(u, _containers(args))
    else:
        output.table(["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"], _summary(u))
    return 0
