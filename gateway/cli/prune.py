"""`doca container prune`, `doca volume prune` and `doca system prune`:
Docker's warning and question (answered on a terminal or by a piped "y";
anything else cancels, exit 0), then what was removed and the space
reclaimed."""
import sys

from common import units
from gateway.cli.rpc import conn, doca_v1 as pb

CONTAINER_WARNING = "WARNING! This will remove all stopped containers."


def _system_warning(args) -> str:
    items = ["all stopped containers", "all networks not used by at least one container"]
    if args.volumes:
        items.append("all anonymous volumes not used by at least one container")
    items.append("all images without at least one container associated to them" if args.all
                 else "all dangling images")
    items.append("unused build cache")
    return "WARNING! This will remove:\n" + "".join(f"  - {i}\n" for i in items)


def confirmed(args, warning: str) -> bool:
    """Docker's question, on a terminal or not (a piped "y" answers it);
    any other answer, or none, cancels: nothing removed, exit 0, as Docker."""
    if args.force:
        return True
    sys.stdout.write(f"{warning}\nAre you sure you want to continue? [y/N] ")
    sys.stdout.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def _section(title: str, lines) -> None:
    lines = list(lines)
    if lines:
        print(title + "\n" + "".join(f"{x}\n" for x in lines))


def _total(n: int) -> None:
    print(f"Total reclaimed space: {units.human_size(n, digits=4)}")


def container_prune(args) -> int:
    if not confirmed(args, CONTAINER_WARNING):
        return 0
    r = conn.containers(args).Prune(pb.PruneContainersRequest(filters=args.filter))
    _section("Deleted Containers:", r.deleted)
    _total(r.space_reclaimed)
    return 0


def system_prune(args) -> int:
    if not confirmed(args, _system_warning(args)):
        return 0
    r = conn.system(args).Prune(pb.SystemPruneRequest(all=args.all, volumes=args.volumes, filters=args.filter))
    _section("Deleted Containers:", r.containers_deleted)
    _section("Deleted Networks:", r.networks_deleted)
    _section("Deleted Volumes:", r.volumes_deleted)
    _section("Deleted Images:", [f"untagged: {u}" for u in r.images_untagged] +
             [f"deleted: {d}" for d in r.images_deleted])
    _section("Deleted build cache objects:", r.build_cache_deleted)
    _total(r.space_reclaimed)
    return 0


def _anonymous(name: str, labels) -> bool:
    """As the gateway's anonymous_volumes: Docker's label, or a 64-hex name (`volume create` without one)."""
    return "com.docker.volume.anonymous" in labels or (
        len(name) == 64 and all(c in "0123456789abcdef" for c in name))


def _label_match(labels: dict, filters) -> bool:
    """volume prune's filters: label=KEY[=VALUE], label!=KEY[=VALUE]."""
    def has(want):
        key, sep, value = want.partition("=")
        return key in labels and (not sep or labels[key] == value)
    for item in filters:
        key, sep, value = item.partition("=")
        if key == "label" and sep and not has(value) or key == "label!" and sep and has(value):
            return False
    return True


def volume_prune(args) -> int:
    """Unused volumes go: anonymous ones, every one with -a (Docker 23+; the
    volumes a container uses are refused by the volumes service itself)."""
    for item in args.filter:
        if item.partition("=")[0] not in ("label", "label!", "all"):
            sys.stderr.write(f"doca: invalid filter '{item.partition('=')[0]}'\n")
            return 1
    everything = args.all or "all=true" in args.filter or "all=1" in args.filter
    which = "all local volumes" if everything else "anonymous local volumes"
    if not confirmed(args, f"WARNING! This will remove {which} not used by at least one container."):
        return 0
    from gateway.cli.rpc.client import RpcError
    stub = conn.volumes(args)
    usage = {v.name: v for v in conn.images(args).DiskUsage(pb.DiskUsageRequest()).volumes}
    deleted, reclaimed = [], 0
    for vol in stub.List(pb.ListVolumesRequest()).volumes:
        labels = dict(getattr(vol, "labels", None) or {})
        used = usage.get(vol.name)
        if (used is not None and used.links) or not (everything or _anonymous(vol.name, labels)) \
                or not _label_match(labels, args.filter):
            continue
        try:
            stub.Remove(pb.RemoveVolumeRequest(name=vol.name))
        except RpcError:  # taken by a container since the list: it stays, as Docker skips it
            continue
        deleted.append(vol.name)
        reclaimed += max(used.size, 0) if used is not None else 0
    _section("Deleted Volumes:", deleted)
    _total(reclaimed)
    return 0
