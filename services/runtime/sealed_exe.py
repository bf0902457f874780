"""The interpreter of every process that enters a container (the shims and
the init they clone, exec's setns_init, cp's copy_init) runs from a sealed
in-memory copy, never from the host's file (CVE-2019-5736).

Until its execve, such a process *is* the host's Python: a container that
opens /proc/PID/exe of it (or execs a script whose interpreter is
`#!/proc/self/exe`, which runs the caller's binary as a container process)
gets the binary the process runs from, and with root in the container it
could write to it. From a memfd sealed against writing, shrinking and
growing, /proc/PID/exe is that copy: nothing of the host is written. The
processes are also non-dumpable until their execve (prctl in each), so
the link cannot even be opened; the copy holds when that is undone (a
user namespace's init needs /proc/self).

One copy per runtime process (~7 MB of memory, made in a few ms at the
first use); children exec it through the runtime's own descriptor
(/proc/RUNTIME_PID/fd/N), so they inherit no descriptor of it."""
import fcntl
import os
import sys
import threading

_SEALS = fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE
_lock = threading.Lock()
_made: tuple[int, int] | None = None  # (our pid, the memfd)


def _copy(source: str) -> int:
    fd = os.memfd_create("doca-python", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        with open(source, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            done = 0
            while done < size:
                sent = os.sendfile(fd, f.fileno(), done, size - done)
                if sent == 0:
                    raise OSError(f"{source}: short read while sealing a copy")
                done += sent
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, _SEALS)
        return fd
    except BaseException:
        os.close(fd)
        raise


def interpreter() -> str:
    """A path that executes the sealed copy of this interpreter; pass it
    as Popen's `executable` and keep sys.executable as argv[0] (Python
    finds its prefix and the venv from argv[0])."""
    global _made
    with _lock:
        if _made is None or _made[0] != os.getpid():  # a forked child makes its own
            _made = (os.getpid(), _copy(os.path.realpath(sys.executable)))
        return f"/proc/{_made[0]}/fd/{_made[1]}"
