"""The CLI's fork server (gateway/cli/launch/): `doca` hands its call to
a worker forked by the stack's server, and nothing a user or a script sees
differs from the Python CLI run directly (doca-py): output, exit codes,
stdin, working directory, environment, signals; a killed client leaves no
worker behind; with no server, `doca` runs the Python CLI itself."""
import os
import pathlib
import signal
import subprocess

import pytest

from tests.support.stack import DOCA, DOCA_PY
from tests.support.waiting import wait_for


def _pids_with(text: str) -> list[int]:
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if text in pathlib.Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    out.append(int(p))
            except OSError:
                pass
    return out


def _server_pid(stack) -> int:
    """The stack's server, once it listens (the daemon is ready without it)."""
    def listening():
        pids = _pids_with(f"gateway.cli.launch.forkserver --root {stack.root} ")
        servers = [p for p in pids if _ppid(p) not in pids]  # its workers have the same command line
        return servers if (stack.run_dir / "cli.sock").is_socket() else []
    pids = wait_for(listening, timeout=30)
    assert len(pids) == 1, pids
    return pids[0]


def _ppid(pid: int) -> int:
    try:
        return int(pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _state(pid: int) -> str:
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def _gone(pid: int) -> bool:
    """Exited (a zombie until the server reaps it counts as gone)."""
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _children(pid: int) -> list[int]:
    try:
        text = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _both(stack, *args, **kw) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """The same call through the fork server and through the Python CLI."""
    env = stack.env()
    served = subprocess.run([DOCA, *args], env=env, capture_output=True, text=True, timeout=60, **kw)
    direct = subprocess.run([DOCA_PY, *args], env=env, capture_output=True, text=True, timeout=60, **kw)
    return served, direct


def test_the_stack_serves_the_cli_from_a_fork(stack):
    server = _server_pid(stack)
    # --sig-proxy=false: Ctrl-C is the CLI's own (with the proxy, Docker's
    # default, it goes to the container, whose sleep as PID 1 ignores it)
    proc = subprocess.Popen([DOCA, "run", "--rm", "--sig-proxy=false", "--name", "fs-ctrl-c", "--network", "none",
                             "busybox", "sleep", "30"],
                            env=stack.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # the call runs in a child of the server, not in the process we started
        workers = wait_for(lambda: _children(server), timeout=10)
        assert workers and proc.pid not in workers
        assert pathlib.Path(f"/proc/{proc.pid}/exe").resolve().name == "doca"
        # Ctrl-C once the container runs: earlier, the create the gateway is
        # making would finish after the clean-up below and stay (as Docker's)
        assert wait_for(lambda: stack.doca("inspect", "-f", "{{.State.Running}}", "fs-ctrl-c",
                                           check=False).stdout == "true\n", timeout=20)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
        stack.doca("rm", "-f", "fs-ctrl-c", check=False)
    assert proc.returncode == 130  # Ctrl-C: as the Python CLI answers it
    assert wait_for(lambda: not _children(server), timeout=10)


@pytest.mark.parametrize("args", [
    ["run", "--rm", "--network", "none", "busybox", "sh", "-c", "echo out; echo err >&2; exit 7"],
    ["run", "--rm", "--network", "none", "no-such-image:latest"],
    ["stop", "no-such-container"],
    ["run", "--rm", "--network", "none", "--no-such-flag", "busybox"],
    ["images", "--format", "{{.Repository}}:{{.Tag}}"],
    ["version"],
    ["ps", "extra"],
    ["volume"],
    ["help", "container", "ls"],
    ["nosuchverb"],
], ids=["exit-code", "missing-image", "missing-container", "bad-flag", "format", "version", "extra-argument",
        "group-help", "help-topic", "unknown-verb"])
def test_output_and_exit_code_are_the_python_clis(stack, args):
    served, direct = _both(stack, *args)
    assert (served.returncode, served.stdout, served.stderr) == (direct.returncode, direct.stdout, direct.stderr)


def test_stdin_working_directory_environment_and_umask_are_the_callers(stack, tmp_path):
    (tmp_path / "vars").write_text("FROM_FILE=file\n")
    env = {**stack.env(), "FROM_CLIENT": "client value"}
    script = "cat; echo $FROM_FILE; echo $FROM_CLIENT"
    r = subprocess.run([DOCA, "run", "--rm", "-i", "--network", "none", "--env-file", "vars", "-e", "FROM_CLIENT",
                        "busybox", "sh", "-c", script], input="from stdin\n", cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "from stdin\nfile\nclient value\n"
    # files the CLI writes: in the caller's directory, with the caller's umask
    ctr = stack.doca("create", "--network", "none", "busybox").stdout.strip()
    try:
        r = subprocess.run(["sh", "-c", f"umask 077; exec {DOCA} export -o rootfs.tar {ctr}"], cwd=tmp_path,
                           env=stack.env(), capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / "rootfs.tar").stat().st_mode & 0o777 == 0o600
    finally:
        stack.doca("rm", ctr)


def test_descriptors_above_2_and_the_time_zone_are_the_callers(stack):
    # /dev/fd/N names the caller's descriptor: the front end runs the CLI itself
    r, w = os.pipe()
    os.write(w, b"FROM_FD=piped\n")
    os.close(w)
    try:
        out = subprocess.run([DOCA, "run", "--rm", "--network", "none", "--env-file", f"/dev/fd/{r}", "busybox",
                              "sh", "-c", "echo $FROM_FD"], env=stack.env(), capture_output=True, text=True,
                             timeout=60, pass_fds=(r,))
    finally:
        os.close(r)
    assert (out.returncode, out.stdout) == (0, "piped\n"), out.stderr
    ctr = stack.doca("create", "--network", "none", "busybox").stdout.strip()
    try:
        tokyo = {**stack.env(), "TZ": "Asia/Tokyo"}
        served = subprocess.run([DOCA, "ps", "-a", "--format", "{{.CreatedAt}}"], env=tokyo,
                                capture_output=True, text=True, timeout=60)
        direct = subprocess.run([DOCA_PY, "ps", "-a", "--format", "{{.CreatedAt}}"], env=tokyo,
                                capture_output=True, text=True, timeout=60)
        assert served.stdout == direct.stdout and "+0900" in served.stdout
    finally:
        stack.doca("rm", ctr)


def test_a_caller_in_another_mount_namespace_runs_the_cli_itself(stack):
    """Its absolute paths and ~/.docker are not the server's: no worker."""
    server = _server_pid(stack)
    proc = subprocess.Popen(["unshare", "-m", DOCA, "events"], env=stack.env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: any("doca-py" in pathlib.Path(f"/proc/{p}/cmdline").read_text(errors="replace")
                                    for p in _pids_with("doca-py events")), timeout=10)
        assert _children(server) == []
    finally:
        proc.kill()
        proc.wait(10)


def test_ctrl_z_stops_the_call_and_fg_resumes_it(stack):
    from tests.support.ptyrun import PtyProcess
    server = _server_pid(stack)
    p = PtyProcess([DOCA, "events"], env=stack.env())
    try:
        worker = wait_for(lambda: _children(server), timeout=10)[0]
        p.write(b"\x1a")  # Ctrl-Z: SIGTSTP to the terminal's foreground group, the front end
        assert wait_for(lambda: _state(p.proc.pid) == "T" and _state(worker) == "T", timeout=10)
        os.killpg(p.proc.pid, signal.SIGCONT)  # what `fg` sends
        assert wait_for(lambda: _state(p.proc.pid) == "S" and _state(worker) == "S", timeout=10)
    finally:
        p.close()
    assert wait_for(lambda: _gone(worker), timeout=10)


def test_sigterm_ends_the_call_as_it_ends_a_cli_process(stack):
    server = _server_pid(stack)
    proc = subprocess.Popen([DOCA, "events"], env=stack.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert wait_for(lambda: _children(server), timeout=10)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGTERM
    assert wait_for(lambda: not _children(server), timeout=10)


def test_a_killed_client_leaves_no_worker(stack):
    server = _server_pid(stack)
    proc = subprocess.Popen([DOCA, "events"], env=stack.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = wait_for(lambda: _children(server), timeout=10)[0]
    proc.kill()
    proc.wait(10)
    assert wait_for(lambda: _gone(worker), timeout=10)
    assert wait_for(lambda: not _children(server), timeout=10)


def test_a_call_outlives_the_server_and_the_next_runs_without_it(stack):
    server = _server_pid(stack)
    proc = subprocess.Popen([DOCA, "run", "--rm", "--network", "none", "busybox", "sh", "-c", "sleep 2; exit 3"],
                            env=stack.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert wait_for(lambda: _children(server), timeout=10)
    os.kill(server, signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    # the socket is left behind, nobody answers it: the Python CLI runs instead
    # (until the daemon has started a new server)
    r = stack.doca("ps", "-a", "--format", "{{.ID}}")
    assert r.returncode == 0
    assert wait_for(lambda: _server_pid(stack) != server, timeout=30)


def test_without_a_server_doca_is_the_python_cli(stack, tmp_path):
    off = {**stack.env(), "DOCA_CLI_SERVER": "0"}
    r = subprocess.run([DOCA, "run", "--rm", "--network", "none", "busybox", "echo", "direct"], env=off,
                       capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout) == (0, "direct\n"), r.stderr
    nowhere = {**os.environ, "DOCA_HOST": f"unix://{tmp_path}/doca.sock"}
    served = subprocess.run([DOCA, "ps"], env=nowhere, capture_output=True, text=True, timeout=60)
    direct = subprocess.run([DOCA_PY, "ps"], env=nowhere, capture_output=True, text=True, timeout=60)
    assert served.returncode == direct.returncode == 1
    assert served.stderr == direct.stderr and "Cannot connect to the doca daemon" in served.stderr
    # global options before the verb are the Python CLI's to read
    r = subprocess.run([DOCA, "-H", stack.host, "version"],
                       env={k: v for k, v in os.environ.items() if k != "DOCA_HOST"},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip(), r.stderr


def test_the_server_stops_with_the_stack(tmp_path):
    from tests.support.stack import Stack
    s = Stack(tmp_path, "fs").start()
    try:
        server = _server_pid(s)
        assert (s.run_dir / "cli.sock").is_socket()
        s.stop()
        assert wait_for(lambda: not os.path.exists(f"/proc/{server}"), timeout=20)
        assert not (s.run_dir / "cli.sock").exists()
    finally:
        s.destroy()
