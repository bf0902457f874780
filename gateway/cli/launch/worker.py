"""In the forked worker: become the caller's CLI process, run the CLI, exit.

Everything a CLI process inherits from its caller is taken from the call:
stdio, working directory, umask, environment, user; signals the client
gets arrive as "S<signo>" messages and are raised in the main thread (so a
blocking read sees them, as in a CLI process of its own)."""
import io
import os
import signal
import socket
import sys
import threading
import time


def _drop_privileges(uid: int, gid: int) -> None:
    """The caller's user, when it is not root (the socket lets a group in)."""
    if uid == 0:
        return
    try:
        import pwd
        groups = os.getgrouplist(pwd.getpwuid(uid).pw_name, gid)
    except (KeyError, OSError):
        groups = [gid]
    os.setgroups(groups)
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def _fresh_stdio() -> None:
    """New text streams on fds 0-2, as a Python start makes them (line
    buffered on a terminal; stderr always line buffered)."""
    encoding, errors = sys.stdout.encoding, sys.stdout.errors
    sys.stdin = io.open(0, "r", encoding=encoding, errors=errors, closefd=False)
    sys.stdout = io.open(1, "w", encoding=encoding, errors=errors, closefd=False)
    sys.stderr = io.open(2, "w", encoding=encoding, errors="backslashreplace", closefd=False)
    sys.stderr.reconfigure(line_buffering=True)


def _follow_client(conn: socket.socket) -> None:
    """Signals from the client, until its end closes: then this CLI dies."""
    main = threading.main_thread().ident
    while True:
        try:
            msg = conn.recv(64)
        except InterruptedError:
            continue
        except OSError:
            msg = b""
        if not msg:
            os.kill(os.getpid(), signal.SIGKILL)
        if msg[:1] == b"S" and msg[1:].isdigit():
            try:
                signal.pthread_kill(main, int(msg[1:]))
            except (OSError, ValueError):
                pass


def _exit_code(e: SystemExit) -> int:
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code & 0xFF
    sys.stderr.write(f"{e.code}\n")
    return 1


def run(call, conn: socket.socket, inherited: list) -> None:
    """Never returns."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)  # the server's pipe is closed below
        # A CLI process's dispositions, whatever the server inherited (nohup...)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
                    signal.SIGUSR2, signal.SIGALRM, signal.SIGWINCH, signal.SIGTSTP, signal.SIGCONT):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for sock in inherited:
            sock.detach()  # the fd is closed below; the object must never close a reused number
        for target, fd in enumerate(call.fds[:3]):
            os.dup2(fd, target)
        os.fchdir(call.fds[3])
        mine = conn.fileno()
        os.closerange(3, mine)
        os.closerange(mine + 1, os.sysconf("SC_OPEN_MAX"))
        conn.setblocking(True)
        _drop_privileges(call.uid, call.gid)
        os.umask(call.umask)
        os.environ.clear()
        os.environ.update(call.env)
        time.tzset()  # the caller's TZ: libc read the server's when it started
        sys.argv = ["doca", *call.argv]
        _fresh_stdio()
        threading.Thread(target=_follow_client, args=(conn,), daemon=True, name="client").start()
        conn.send(b"A%d" % os.getpid())  # the call is ours (before this, the client may still run it)
        from gateway.cli import main
        main.main(call.argv)
        code = 0
    except SystemExit as e:
        code = _exit_code(e)
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 - as an uncaught exception in a CLI process
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        try:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            conn.send(b"X%d" % code)
        finally:
            os._exit(code)
