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


def _print(rows, clear: bool) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(HEADERS)]
    lines = ["   ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [list(HEADERS)] + rows]
    out = ("\x1b[2J\x1b[H" if clear else "") + "\n".join(lines) + "\n"
    sys.stdout.write(out)
    sys.stdout.flush()


def stats(args) -> int:
    stream = conn.containers(args).Stats(pb.StatsRequest(ids=args.containers, stream=True))
    first = True
    for batch in stream:
        if first:  # CPU % needs two readings: the first batch only starts the count
            first = False
            if not args.no_stream or not batch.stats:
                if args.no_stream:
                    _print([], False)
                    return 0
                _print(_rows(batch), sys.stdout.isatty())
            continue
        _print(_rows(batch), sys.stdout.isatty() and not args.no_stream)
        if args.no_stream:
            return 0
    return 0


def update(args) -> int:
    stub, req = conn.containers(args), request.fields("update", args)
    return each.each(args.containers, lambda r: stub.Update(pb.UpdateRequest(id=r, **req)))
