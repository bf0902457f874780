"""compose pull fetches the services' images (not those it builds); up
pulls an image the store lacks before making the container."""


def test_pull_and_implicit_pull(stack, registry, compose):
    ref = f"{registry.address}/d5/box:1"
    stack.doca("tag", "busybox", ref)
    stack.doca("push", ref)
    stack.doca("rmi", ref)
    (compose.folder / "compose.yaml").write_text(
        f"services:\n  box:\n    image: {ref}\n    command: echo pulled\n"
        "  built:\n    build: .\n")
    (compose.folder / "Dockerfile").write_text("FROM busybox\n")
    try:
        r = compose("pull", "box")
        assert "box Pulled" in r.stderr
        assert stack.doca("image", "inspect", "-f", "{{.Id}}", ref).stdout.strip()
        compose("pull")  # the built service is skipped, not an error
        stack.doca("rmi", ref)
        r = compose("up", "-d", "box")
        assert "box Pulling" in r.stderr and "box Pulled" in r.stderr
        stack.doca("wait", "app-box-1")
        assert compose("logs", "--no-log-prefix", "box").stdout == "pulled\n"
    finally:
        compose("down", "-t", "0", check=False)
        stack.doca("rmi", "-f", ref, check=False)
    assert stack.doca("ps", "-aq", "--filter", "label=com.docker.compose.project=app").stdout == ""
