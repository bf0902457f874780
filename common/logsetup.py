"""One log format for every doca process (stderr; the daemon collects it)."""
import logging


def setup(name: str, level: str = "info") -> logging.Logger:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format=f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s",
    )
    return logging.getLogger(f"doca.{name}")
