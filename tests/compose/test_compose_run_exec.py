"""exec and run against a service: options carried to the container,
one-off containers labelled as Docker Compose labels them, the errors of a
service that is not running or does not exist."""
import json

COMPOSE = """\
services:
  box:
    image: busybox
    init: true
    command: sleep 300
    working_dir: /tmp
    environment:
      FROM_FILE: "yes"
    entrypoint: ["/bin/sh", "-c", "exec \\"$$0\\" \\"$$@\\""]
"""


def test_exec_and_run(stack, compose):
    (compose.folder / "compose.yaml").write_text(COMPOSE)
    try:
        r = compose("exec", "box", "true", check=False)
        assert r.returncode == 1 and 'service "box" is not running' in r.stderr
        r = compose("exec", "nosuch", "true", check=False)
        assert r.returncode == 1 and "no such service: nosuch" in r.stderr
        compose("up", "-d")
        out = compose("exec", "-T", "-e", "X=1", "-w", "/", "-u", "nobody", "box",
                      "sh", "-c", "echo $X $FROM_FILE $(pwd) $(id -un)").stdout
        assert out == "1 yes / nobody\n"
        r = compose("exec", "-T", "box", "sh", "-c", "exit 3", check=False)
        assert r.returncode == 3
        # a one-off container: its own name and labels, the service's settings, --rm removes it
        r = compose("run", "--rm", "-T", "-e", "Y=2", "box", "sh", "-c", 'echo $Y $FROM_FILE $(pwd)')
        assert r.stdout == "2 yes /tmp\n"
        r = compose("run", "-d", "--name", "oneoff", "-l", "extra=1", "box")
        doc = json.loads(stack.doca("inspect", "oneoff").stdout)[0]
        labels = doc["Config"]["Labels"]
        assert (labels["com.docker.compose.oneoff"], labels["com.docker.compose.service"], labels["extra"]) == \
            ("True", "box", "1")
        assert len(labels["com.docker.compose.slug"]) == 64
        assert doc["Config"]["Entrypoint"] == ["/bin/sh", "-c", 'exec "$0" "$@"']
        # one-off containers are not the service's: ps leaves them out, down removes them
        names = [line.split()[0] for line in compose("ps").stdout.splitlines()[1:]]
        assert names == ["app-box-1"]
        r = compose("run", "--rm", "-T", "--entrypoint", "echo", "box", "replaced")
        assert r.stdout == "replaced\n"
        r = compose("run", "--rm", "-T", "box", "sh", "-c", "exit 7", check=False)
        assert r.returncode == 7
    finally:
        compose("down", "-t", "0", check=False)
    assert stack.doca("ps", "-aq", "--filter", "label=com.docker.compose.project=app").stdout == ""
    assert "app_default" not in stack.doca("network", "ls").stdout


def test_up_attached_follows_until_the_services_exit(stack, compose):
    (compose.folder / "compose.yaml").write_text(
        "services:\n  one:\n    image: busybox\n    command: sh -c 'echo first; echo second'\n"
        "  two:\n    image: busybox\n    command: sh -c 'exit 4'\n    depends_on: [one]\n")
    try:
        out = compose("up").stdout.splitlines()
        assert out[0] == "Attaching to one-1, two-1"
        assert [line for line in out if line.startswith("one-1  | ")] == ["one-1  | first", "one-1  | second"]
        assert out[-2:] == ["one-1 exited with code 0", "two-1 exited with code 4"]
        rows = compose("ps", "-a").stdout.splitlines()[1:]
        assert [r.split()[0] for r in rows] == ["app-one-1", "app-two-1"]
        assert compose("ps").stdout.splitlines()[1:] == []  # none running
    finally:
        compose("down", "-t", "0", check=False)
    assert stack.doca("ps", "-aq", "--filter", "label=com.docker.compose.project=app").stdout == ""
