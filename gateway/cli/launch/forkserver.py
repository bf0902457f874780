"""The CLI fork server's entry point: `python -E -s -S -m
gateway.cli.launch.forkserver [stack flags]`, started by `doca daemon`
(common/daemon.py) with the stack's flags: serves <run dir>/cli.sock until
SIGTERM (server.py), a worker per call (worker.py)."""
import importlib
import os
import sys

# Imported once here and shared by every worker; the rest is imported by
# the worker that needs it (site-packages too, as under doca-py).
HOT = ("gateway.cli.main", "gateway.cli.flags", "gateway.cli.fastargs", "gateway.cli.request", "gateway.cli.convert",
       "gateway.cli.errors", "gateway.cli.rpc.conn", "gateway.cli.run", "gateway.cli.containers", "gateway.cli.exec",
       "gateway.cli.attach", "gateway.cli.terminal", "gateway.cli.output", "gateway.cli.each",
       "gateway.cli.verbs.run", "gateway.cli.verbs.containers", "gateway.cli.rpc.client",
       "gateway.cli.rpc.doca_v1", "argparse", "threading", "termios", "json")


def main() -> None:
    # -m put the working directory first on sys.path as ''; a worker runs
    # in its caller's directory, where '' must not find modules.
    sys.path[:] = [os.path.abspath(p or os.curdir) for p in sys.path]
    import argparse

    from common import config, flags
    from gateway.cli import main as cli
    from gateway.cli.launch import server
    parser = argparse.ArgumentParser(prog="gateway.cli.launch.forkserver")
    flags.add_arguments(parser)
    cfg = config.from_args(parser.parse_known_args()[0])
    for name in HOT:
        importlib.import_module(name)
    sys.meta_path.append(cli._SitePackages)  # as main.launch() does under doca-py's -S
    server.Server(str(cfg.run_dir)).serve()


if __name__ == "__main__":
    main()
