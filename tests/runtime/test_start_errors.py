"""A container whose program cannot start, as Docker's: created all the
same, its start fails with the runtime's words and leaves it created, with
State.ExitCode 127 (missing) or 126 (not runnable) and State.Error set; run
exits with that code, run --rm removes it, and a program brought in after
the create (cp) starts. The values are docker 20.10's (tests/compat
compares the rest with a real dockerd)."""
import json
import os
import subprocess

import pytest

from tests.support.executors import params

# (the command, its exit code, words of the error) per variant
VARIANTS = {
    "missing": ("nosuchcmd", 127, "executable file not found in $PATH"),
    "no-path": ("/nosuch", 127, "no such file or directory"),
    "not-executable": ("/etc/passwd", 126, "permission denied"),
    "directory": ("/etc", 126, "permission denied"),
}


def _state(stack, name: str) -> dict:
    return json.loads(stack.doca("inspect", "-f", "{{json .State}}", name).stdout)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_created_then_start_fails(stack, variant):
    cmd, code, words = VARIANTS[variant]
    name = f"se-{variant}"
    stack.doca("create", "--network", "none", "--name", name, "busybox", cmd)
    try:
        s = _state(stack, name)
        assert (s["Status"], s["ExitCode"], s["Error"]) == ("created", 0, "")
        for argv in (("start", name), ("start", "-a", name)):
            r = stack.doca(*argv, check=False)
            assert r.returncode == 1, r  # Docker's start: 1 whatever the cause
            assert words in r.stderr and cmd in r.stderr
        assert "failed to start containers: " + name in stack.doca("start", name, check=False).stderr
        s = _state(stack, name)
        assert (s["Status"], s["Running"], s["Pid"], s["ExitCode"]) == ("created", False, 0, code)
        assert words in s["Error"]
        assert s["StartedAt"] == "0001-01-01T00:00:00Z"
        # docker wait (not-running): at once, with that exit code
        assert stack.doca("wait", name, timeout=20).stdout.strip() == str(code)
        assert stack.doca("ps", "-a", "--filter", f"name={name}", "--format", "{{.Status}}").stdout.strip() == "Created"
    finally:
        stack.doca("rm", "-f", name, check=False)


@pytest.mark.parametrize("runtime", params())
def test_run_exit_code_and_state(stack, runtime):
    name = f"se-run-{runtime}"
    try:
        for flags in ((), ("-d",)):
            r = stack.doca("run", *flags, "--runtime", runtime, "--network", "none", "--name", name,
                           "busybox", "nosuchcmd", check=False)
            assert r.returncode == 127, r
            assert "nosuchcmd" in r.stderr and "not found in $PATH" in r.stderr
            s = _state(stack, name)
            assert (s["Status"], s["ExitCode"]) == ("created", 127)
            stack.doca("rm", name)
    finally:
        stack.doca("rm", "-f", name, check=False)


@pytest.mark.parametrize("flags", [(), ("-d",)], ids=["attached", "detached"])
def test_run_rm_removes_it(stack, flags):
    r = stack.doca("run", "--rm", *flags, "--network", "none", "--name", "se-rm", "busybox", "/etc", check=False)
    assert r.returncode == 126 and "permission denied" in r.stderr
    assert stack.doca("ps", "-aq", "--filter", "name=se-rm").stdout.strip() == ""


def test_wait_on_a_created_container_returns_at_once(stack):
    stack.doca("create", "--network", "none", "--name", "se-wait", "busybox", "true")
    try:
        assert stack.doca("wait", "se-wait", timeout=20).stdout.strip() == "0"
        stack.doca("start", "se-wait")
        assert stack.doca("wait", "se-wait", timeout=20).stdout.strip() == "0"
    finally:
        stack.doca("rm", "-f", "se-wait", check=False)


def test_program_copied_in_after_create_starts(stack, tmp_path):
    """The lookup is the start's: what a cp brings meanwhile is found."""
    script = tmp_path / "hello"
    script.write_text("#!/bin/sh\necho copied-in\n")
    script.chmod(0o755)
    stack.doca("create", "--network", "none", "--name", "se-cp", "busybox", "/hello")
    try:
        stack.doca("cp", str(script), "se-cp:/hello")
        assert stack.doca("start", "-a", "se-cp").stdout.strip() == "copied-in"
    finally:
        stack.doca("rm", "-f", "se-cp", check=False)


DOCKER_CLI = next((p for p in ("/usr/local/bin/docker", "/usr/bin/docker") if os.path.exists(p)), None)


@pytest.mark.skipif(DOCKER_CLI is None, reason="no docker client on this machine")
def test_docker_api_face_attach_then_failed_start(stack, tmp_path):
    """The docker CLI attaches, then starts: the attach to a container whose
    program cannot start succeeds, the start fails (run: 127, start -a: 1)."""
    env = dict(os.environ, DOCKER_HOST=stack.docker_host, DOCKER_CONFIG=str(tmp_path / "docker-config"))
    env.pop("DOCKER_CONTEXT", None)

    def docker(*args):
        return subprocess.run([DOCKER_CLI, *args], env=env, capture_output=True, text=True, timeout=60)

    try:
        r = docker("run", "--network", "none", "--name", "se-face", "busybox", "nosuchcmd")
        assert r.returncode == 127 and "executable file not found" in r.stderr, r
        r = docker("start", "-a", "se-face")
        assert r.returncode == 1 and "executable file not found" in r.stderr, r
        assert docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "se-face").stdout.split() == \
            ["created", "127"]
        r = docker("run", "--rm", "--network", "none", "--name", "se-face-rm", "busybox", "/etc")
        assert r.returncode == 126 and "permission denied" in r.stderr, r
        assert docker("ps", "-aq", "--filter", "name=se-face-rm").stdout.strip() == ""
    finally:
        stack.doca("rm", "-f", "se-face", "se-face-rm", check=False)


def test_a_working_directory_that_cannot_be_made_stays_a_create_error(stack):
    """Docker's daemon makes the working directory at create: that error is
    the create's (only the program's lookup moves to start)."""
    r = stack.doca("create", "--network", "none", "--name", "se-cwd", "-w", "/etc/passwd", "busybox", "true",
                   check=False)
    try:
        assert r.returncode != 0 and "/etc/passwd" in r.stderr
        assert stack.doca("ps", "-aq", "--filter", "name=se-cwd").stdout.strip() == ""
    finally:
        stack.doca("rm", "-f", "se-cwd", check=False)


def test_a_program_gone_since_create_fails_the_start(stack, tmp_path):
    """The lookup that counts is the start's: a program there at create
    (in a bind mount) and gone at start fails the start, 127, and the
    container stays as it was (created, then exited after a run); back
    again, it starts."""
    program = tmp_path / "run"

    def put():
        program.write_text("#!/bin/sh\necho ran\n")
        program.chmod(0o755)

    put()
    stack.doca("create", "--network", "none", "--name", "se-gone", "-v", f"{tmp_path}:/opt", "busybox", "/opt/run")
    try:
        for status in ("created", "exited"):
            program.unlink()
            r = stack.doca("start", "se-gone", check=False)
            assert r.returncode == 1 and 'stat /opt/run: no such file or directory' in r.stderr, r
            s = _state(stack, "se-gone")
            assert (s["Status"], s["ExitCode"], s["Pid"]) == (status, 127, 0)
            assert "no such file or directory" in s["Error"]
            put()
            assert stack.doca("start", "-a", "se-gone").stdout == "ran\n"
        events = stack.doca("events", "--since", "5m", "--until", "0s", "--filter", "container=se-gone",
                            "--format", "{{.Action}}").stdout.split()
        assert events.count("die") == 2 and events.count("start") == 2, events  # the runs only
    finally:
        stack.doca("rm", "-f", "se-gone", check=False)
