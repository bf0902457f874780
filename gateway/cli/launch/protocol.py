"""What the native front end (doca.c) and the CLI fork server (server.py,
worker.py) say to each other; doca.c holds the same constants.

On a SOCK_SEQPACKET unix socket, <run dir>/cli.sock (one message each):
  client -> server  "1\\0UMASK(octal)\\0ARGC\\0ARG\\0...ENV\\0..." with four
                    descriptors (SCM_RIGHTS): stdin, stdout, stderr, cwd.
  server -> client  "R": refused, nothing ran (the client runs doca-py);
                    so is a connection closed before "A".
  worker -> client  "A<pid>": the worker has the call. Ctrl-Z: the client
                    stops it (SIGSTOP) and itself; SIGCONT goes to both.
  client -> worker  "S<signo>": a signal the client got, raised in the worker.
  worker -> client  "X<code>": the CLI's exit code, sent by the worker as
                    it exits; the server sends the same, or "K<signo>" when
                    the worker died of a signal, once it has reaped it.
The client's end closing (it was killed) kills the worker (the worker sees
EOF; the server, watching for the hangup, sends SIGKILL, which also reaches
a stopped worker): a CLI killed mid-call stops, as a CLI process would.
Callers in another mount namespace or root, callers with descriptors above
2 to pass on, `daemon` and `login` run the Python CLI themselves.
"""
SOCKET_NAME = "cli.sock"
VERSION = b"1"
MAX_REQUEST = 1 << 20
FDS = 4  # stdin, stdout, stderr, cwd
