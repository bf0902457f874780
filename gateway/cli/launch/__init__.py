"""How a `doca` call starts: the native front end (doca.c), the CLI fork
server it hands calls to (forkserver.py, server.py, worker.py, protocol.py)
and the Python launcher it falls back on (doca_py.py writes doca-py). Each
ends in gateway.cli.main; see README.md for how a call flows.

Nothing is imported here: the fork server's entry point and the script that
writes doca-py load only what they use."""
