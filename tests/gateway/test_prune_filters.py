"""image prune and network prune with Docker's filters (label, label!,
until): chosen by the gateway, only what matches goes."""


def test_image_prune_takes_only_the_labelled(stack):
    cid = stack.doca("create", "--network", "none", "busybox", "true").stdout.strip()
    try:
        stack.doca("commit", "-c", "LABEL h2prune=1", cid, "h2prune:1")
        stack.doca("commit", cid, "h2keep:1")
    finally:
        stack.doca("rm", "-f", cid)
    try:
        # (never an until= alone: the stack's busybox, made long ago, would go)
        out = stack.doca("image", "prune", "-af", "--filter", "label=h2prune=1", "--filter", "until=1000h").stdout
        assert out == "Total reclaimed space: 0B\n"  # too young
        out = stack.doca("image", "prune", "-af", "--filter", "label=h2prune=1").stdout
        assert "untagged: h2prune:1" in out and "h2keep" not in out
        left = stack.doca("images", "--format", "{{.Repository}}").stdout.split()
        assert "h2prune" not in left and "h2keep" in left and "busybox" in left
    finally:
        stack.doca("rmi", "-f", "h2prune:1", "h2keep:1", check=False)


def test_network_prune_takes_only_the_labelled(stack):
    stack.doca("network", "create", "--label", "h2=1", "h2-net-a")
    stack.doca("network", "create", "h2-net-b")
    try:
        out = stack.doca("network", "prune", "-f", "--filter", "label=h2=1").stdout
        assert out == "Deleted Networks:\nh2-net-a\n\n"
        out = stack.doca("network", "prune", "-f", "--filter", "label!=h2").stdout
        assert out == "Deleted Networks:\nh2-net-b\n\n"
        assert "bridge" in stack.doca("network", "ls", "--format", "{{.Name}}").stdout.split()
    finally:
        stack.doca("network", "rm", "h2-net-a", "h2-net-b", check=False)


def test_filtered_prunes_emit_their_prune_events(stack):
    """As Docker's daemon: a prune with filters says 'prune' (reclaimed=N) as one without does."""
    import time
    since = str(int(time.time()) - 1)
    stack.doca("image", "prune", "-f", "--filter", "label=h6-nosuch")
    stack.doca("network", "prune", "-f", "--filter", "label=h6-nosuch")
    out = stack.doca("events", "--since", since, "--until", "0s", "--filter", "event=prune",
                     "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.reclaimed}}").stdout.splitlines()
    assert "image prune 0" in out and "network prune 0" in out
