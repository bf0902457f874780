"""output.table lays out what rich lays out, character for character, for
the cells it lays out itself (printable ASCII, the ellipsis)."""
import io
import random

from gateway.cli import output


def _rich(headers, rows) -> str:
    f = io.StringIO()
    output.rich_table(headers, rows, file=f)
    return f.getvalue()


def test_table_layout_is_rich_layout():
    rnd = random.Random(7)
    plain = list("abcxyzABC0129 -_/.,=\"'()+*!#&%@$^~`{}|<>?;") + ["…", "busybox", "Up 3 seconds"]
    tricky = [":", "[", "]", "[bold]", ":smile:", ":+1:", ":x", "é", "\t", "\n", "\\", "x" * 40, "::", "a:b:c"]
    laid = 0
    for i in range(6000):
        alphabet = plain + (tricky if i % 2 else [":"])
        n = rnd.randint(1, 7)

        def cell():
            return "".join(rnd.choice(alphabet) for _ in range(rnd.choice([0, 1, 3, 8, 20])))

        headers = [cell() for _ in range(n)]
        rows = [[cell() for _ in range(n)] for _ in range(rnd.randint(0, 5))]
        text = output._layout(headers, rows)
        if text is not None:
            laid += 1
            assert text == _rich(headers, rows), (headers, rows)
    assert laid > 2500


def test_ps_like_tables():
    headers = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    rows = [["d55e2010555a", "localhost:5000/img:1", '"sleep 5"', "2 minutes ago", "Up 2 minutes",
             "0.0.0.0:8080->80/tcp, 0.0.0.0:8081->81/tcp", "web"],
            ["0123456789ab", "busybox", '"sh -c \'while :; d…"', "About an hour ago", "Exited (137) 5 seconds ago",
             "", "stoic_chagas"]]
    assert output._layout(headers, rows) == _rich(headers, rows)
    assert output._layout(headers, []) == _rich(headers, [])
