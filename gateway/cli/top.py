"""`doca top`, `doca rename`, `doca diff`."""
from gateway.cli.rpc import conn, doca_v1 as pb

_KINDS = {pb.Change.MODIFIED: "C", pb.Change.ADDED: "A", pb.Change.DELETED: "D"}


def columns(titles: list[str], rows: list[list[str]]) -> str:
    """Go's tabwriter as `docker top` sets it (minimum width 20, padding 3)."""
    widths = [max([len(t)] + [len(r[i]) for r in rows if i < len(r)]) for i, t in enumerate(titles)]
    lines = []
    for row in [titles] + rows:
        cells = [c.ljust(max(20, widths[i] + 3)) for i, c in enumerate(row[:-1])]
        lines.append("".join(cells) + (row[-1] if row else ""))
    return "\n".join(lines)


def top(args) -> int:
    r = conn.containers(args).Top(pb.TopRequest(id=args.container, ps_args=args.ps_args))
    print(columns(list(r.titles), [list(p.values) for p in r.processes]))
    return 0


def rename(args) -> int:
    conn.containers(args).Rename(pb.RenameRequest(id=args.container, name=args.new_name))
    return 0


def diff(args) -> int:
    for c in conn.containers(args).Diff(pb.ContainerRef(id=args.container)).changes:
        print(f"{_KINDS[c.kind]} {c.path}")
    return 0
