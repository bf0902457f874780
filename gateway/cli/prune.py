"""`doca container prune` and `doca system prune`: Docker's warning and
question (a terminal answers it; without one, a piped "y" does, else the
prune is refused with one line), then what was removed and the space
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


def confirmed(args, warning: str, what: str) -> bool:
    if args.force:
        return True
    if sys.stdin.isatty():
        sys.stdout.write(f"{warning}\nAre you sure you want to continue? [y/N] ")
        sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer == "y":
        return True
    if not sys.stdin.isatty():
        sys.stderr.write(f"doca: {what} has been cancelled: it asks for confirmation; answer y on a terminal "
                         "or pass -f (--force)\n")
    return False


def _section(title: str, lines) -> None:
    lines = list(lines)
    if lines:
        print(title + "\n" + "".join(f"{x}\n" for x in lines))


def _total(n: int) -> None:
    print(f"Total reclaimed space: {units.human_size(n, digits=4)}")


def container_prune(args) -> int:
    if not confirmed(args, CONTAINER_WARNING, "container prune"):
        return 1
    r = conn.containers(args).Prune(pb.PruneContainersRequest(filters=args.filter))
    _section("Deleted Containers:", r.deleted)
    _total(r.space_reclaimed)
    return 0


def system_prune(args) -> int:
    if not confirmed(args, _system_warning(args), "system prune"):
        return 1
    r = conn.system(args).Prune(pb.SystemPruneRequest(all=args.all, volumes=args.volumes, filters=args.filter))
    _section("Deleted Containers:", r.containers_deleted)
    _section("Deleted Networks:", r.networks_deleted)
    _section("Deleted Volumes:", r.volumes_deleted)
    _section("Deleted Images:", [f"untagged: {u}" for u in r.images_untagged] +
             [f"deleted: {d}" for d in r.images_deleted])
    _section("Deleted build cache objects:", r.build_cache_deleted)
    _total(r.space_reclaimed)
    return 0
