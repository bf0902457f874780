"""`doca stats [--no-stream] [CTR...]` and `doca update`."""
import sys

from common import units
from gateway.cli import each, request
from gateway.cli.rpc import conn, doca_v1 as pb

HEADERS = ("CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS")


def _binary(n: float) -> str:
    """Docker shows memory in binary units: 1.5MiB / 7.6GiB."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.4g}{unit}"
        n /= 1024
    return f"{n}"


def _rows(batch) -> list[list[str]]:
    return [[s.id[:12], s.name, f"{s.cpu_percent:.2f}%",
             f"{_binary(s.memory_usage)} / {_binary(s.memory_limit)}", f"{s.memory_percent:.2f}%",
             f"{units.human_size(s.net_rx_bytes)} / {units.human_size(s.net_tx_bytes)}",
             f"{units.human_size(s.blk_read_bytes)} / {units.human_size(s.blk_write_bytes)}", str(s.pids)]
            for s in batch.stats]


STATS_HEADERS = {"Container": "CONTAINER", "ID": "CONTAINER ID", "CPUPerc": "CPU %", "MemUsage": "MEM USAGE / LIMIT",
                 "MemPerc": "MEM %", "NetIO": "NET I/O", "BlockIO": "BLOCK I/O", "PIDs": "PIDS"}


def _docs(batch, given, trunc: bool) -> list[dict]:
    """stats --format's rows (Docker's statsContext); .Container is the
    container as the command line named it."""
    docs = []
    for s, row in zip(batch.stats, _rows(batch)):
        named = next((r for r in given if r == s.name or s.id.startswith(r)), s.id[:12])
        docs.append({"Container": named, "ID": s.id[:12] if trunc else s.id, "Name": s.name, "CPUPerc": row[2],
                     "MemUsage": row[3], "MemPerc": row[4], "NetIO": row[5], "BlockIO": row[6], "PIDs": row[7]})
    return docs


def _print(rows, clear: bool) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(HEADERS)]
    lines = ["   ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [list(HEADERS)] + rows]
    out = ("\x1b[2J\x1b[H" if clear else "") + "\n".join(lines) + "\n"
    sys.stdout.write(out)
    sys.stdout.flush()


def stats(args) -> int:
    fmt = args.format if args.format != "table" else ""
    if fmt and fmt != "json":
        from gateway.cli import tableformat  # a bad template fails before the call
        tableformat.compile_row(fmt.replace("\\t", "\t")[len("table"):].lstrip(" ") if fmt.startswith("table")
                                else fmt)
    ids, order = list(args.containers), []
    if args.all and not ids:  # every container, newest first: stopped ones too, their figures zeros
        listed = conn.containers(args).List(pb.ListRequest(all=True)).containers
        ids = [c.id for c in listed if c.state in ("running", "paused", "restarting")]
        order = [(c.id, c.name) for c in listed]
        if not ids:
            return _show(_all(pb.StatsBatch(), order), args, fmt, False)
    stream = conn.containers(args).Stats(pb.StatsRequest(ids=ids, stream=True))
    first = True
    for batch in stream:
        batch = _all(batch, order) if order else batch
        if first:  # CPU % needs two readings: the first batch only starts the count
            first = False
            if not args.no_stream or not batch.stats:
                if args.no_stream:
                    return _show(None, args, fmt, False)
                _show(batch, args, fmt, sys.stdout.isatty())
            continue
        _show(batch, args, fmt, sys.stdout.isatty() and not args.no_stream)
        if args.no_stream:
            return 0
    return 0


def _all(batch, order):
    """stats -a: the running containers' figures and zeros for the others, in the list's order."""
    have = {s.id: s for s in batch.stats}
    return pb.StatsBatch(stats=[have.get(cid) or pb.ContainerStats(id=cid, name=name) for cid, name in order])


def _show(batch, args, fmt: str, clear: bool) -> int:
    if not fmt:
        _print(_rows(batch) if batch is not None else [], clear)
        return 0
    from gateway.cli import tableformat
    docs = _docs(batch, args.containers, not args.no_trunc) if batch is not None else []
    sys.stdout.write(("\x1b[2J\x1b[H" if clear else "") + tableformat.render(fmt, docs, STATS_HEADERS))
    sys.stdout.flush()
    return 0


def _flag_given(args) -> bool:
    """Whether the line sets any of update's flags (Docker's CLI refuses it without one)."""
    from gateway.cli.flags import APPEND, HELP, VERBS
    for f in VERBS["update"].flags:
        if f.kind != HELP and getattr(args, f.dest) != (list(f.default) if f.kind == APPEND else f.default):
            return True
    return False


def update(args) -> int:
    if not _flag_given(args):
        sys.stderr.write("doca: you must provide one or more flags when using this command\n")
        return 1
    stub, req = conn.containers(args), request.fields("update", args)
    return each.each(args.containers, lambda r: stub.Update(pb.UpdateRequest(id=r, **req)))
