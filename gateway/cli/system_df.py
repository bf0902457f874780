"""`doca system df [-v]`: disk usage of images (shared and unique sizes from
the sizes the images service tracks), containers' writable layers,
volumes and the build cache."""
import json

from common import humanize, units
from gateway.cli import output
from gateway.cli.rpc import conn, doca_v1 as pb, tojson

ACTIVE_STATES = ("running", "paused", "restarting")


def _reclaimable(part: int, whole: int) -> str:
    pct = round(100 * part / whole) if whole else 0
    return f"{units.human_size(part)} ({pct}%)"


def _volume_size(v) -> str:
    return "N/A" if v.size < 0 else units.human_size(v.size)


def _summary(u) -> list[list[str]]:
    active_images = sum(1 for i in u.images if i.containers)
    ctr_size = sum(c.size for c in u.containers)
    idle_ctr = sum(c.size for c in u.containers if c.state not in ACTIVE_STATES)
    sized = [v for v in u.volumes if v.size >= 0]
    vol_size = units.human_size(sum(v.size for v in sized)) if len(sized) == len(u.volumes) else "N/A"
    return [
        ["Images", str(len(u.images)), str(active_images), units.human_size(u.layers_size),
         _reclaimable(u.images_reclaimable, u.layers_size)],
        ["Containers", str(len(u.containers)), str(sum(1 for c in u.containers if c.state in ACTIVE_STATES)),
         units.human_size(ctr_size), _reclaimable(idle_ctr, ctr_size)],
        ["Local Volumes", str(len(u.volumes)), str(sum(1 for v in u.volumes if v.links)), vol_size, "N/A"],
        # the cache's layers are in use only while a build runs: all reclaimable, as Docker shows it
        ["Build Cache", str(u.build_cache_count), "0", units.human_size(u.build_cache_size),
         units.human_size(u.build_cache_size)],
    ]


def _verbose(u) -> None:
    print("Images space usage:\n")
    rows = []
    for i in u.images:
        created = humanize.ago(tojson.seconds(i.created))
        for tag in i.repo_tags or ["<none>:<none>"]:
            repo, _, name = tag.rpartition(":")
            rows.append([repo, name, i.id.split(":", 1)[-1][:12], created, units.human_size(i.size),
                         units.human_size(i.shared_size), units.human_size(i.unique_size), str(i.containers)])
    output.table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"], rows)
    print("\nContainers space usage:\n")
    output.table(["CONTAINER ID", "IMAGE", "COMMAND", "SIZE", "CREATED", "STATUS", "NAMES"], [
        [c.id[:12], c.image, json.dumps(c.command[:20] + ("…" if len(c.command) > 20 else "")),
         units.human_size(c.size), humanize.ago(tojson.seconds(c.created)), c.state, c.name]
        for c in u.containers])
    print("\nLocal Volumes space usage:\n")
    output.table(["VOLUME NAME", "LINKS", "SIZE"], [[v.name, str(v.links), _volume_size(v)] for v in u.volumes])
    print(f"\nBuild cache usage: {units.human_size(u.build_cache_size)}")


def df(args) -> int:
    u = conn.images(args).DiskUsage(pb.DiskUsageRequest())
    if args.format == "json":
        output.print_json(output.struct_to_dict(u))
    elif args.verbose:
        _verbose(u)
    else:
        output.table(["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"], _summary(u))
    return 0
