"""Pull and push progress as `docker pull` shows it: one line per layer
("a1b2c3d4e5f6: Downloading [=====>     ]  12.3MB/50MB"), redrawn in place
on a terminal (rich's Live), and only the changes of status, line by line,
when the output is a file or a pipe."""
import sys

from common import units

BAR = 50      # Docker's width, narrowed to fit the terminal


def _bar(current: int, total: int, width: int = BAR) -> str:
    if total <= 0:
        return ""
    filled = min(width, width * current // total)
    arrow = ">" if filled < width else ""
    bar = "=" * max(filled - len(arrow), 0) + arrow
    return f"[{bar:<{width}}] {units.human_size(current):>8}/{units.human_size(total)}"


class Display:
    def __init__(self, quiet: bool = False, out=None):
        self.quiet = quiet
        self.out = out or sys.stdout  # `run` shows an implicit pull on stderr, as Docker does
        self.rows: dict[str, tuple[str, int, int]] = {}
        self.tty = self.out.isatty() and not quiet
        self.live = None
        self.bar = BAR

    def __enter__(self):
        if self.tty:
            from rich.console import Console
            from rich.live import Live
            console = Console(file=self.out, highlight=False)
            # "<12 hex>: Downloading [bar] 12.3MB/45.6MB" on one line
            self.bar = max(10, min(BAR, console.width - 50))
            self.live = Live(self._render(), console=console, refresh_per_second=8, transient=False)
            self.live.__enter__()
        return self

    def __exit__(self, *exc):
        if self.live is not None:
            self.live.update(self._render(), refresh=True)
            self.live.__exit__(*exc)
        return False

    def _line(self, id_: str, status: str, current: int, total: int) -> str:
        text = f"{id_}: {status}" if id_ else status
        if status in ("Downloading", "Pushing", "Extracting") and total:
            text += " " + _bar(current, total, self.bar)
        return text

    def _render(self):
        from rich.text import Text
        return Text("\n".join(self._line(i, *row) for i, row in self.rows.items()), no_wrap=True,
                    overflow="ellipsis")

    def event(self, e) -> None:
        if self.quiet:
            return
        key = e.id or e.status
        before = self.rows.get(key)
        self.rows[key] = (e.status, e.current, e.total)
        if self.live is not None:
            self.live.update(self._render())
        elif before is None or before[0] != e.status:
            print(self._line(e.id, e.status, 0, 0), file=self.out, flush=True)
