"""One log format for every doca process (stderr; the daemon collects it).

SIGUSR1 writes every thread's stack to the same stderr (faulthandler), so a
service that seems hung can be looked into without stopping it:
`kill -USR1 <pid>`, then read the daemon's log."""
import faulthandler
import logging
import signal


def setup(name: str, level: str = "info") -> logging.Logger:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format=f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s",
    )
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    return logging.getLogger(f"doca.{name}")
