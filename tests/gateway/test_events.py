"""doca events: what a client sees of the engine's events, replayed
(--since/--until) and live, with Docker's filters and formats; deaths the
runtime notices on its own (exits, restart policies); a runtime restart
followed by an open stream; nothing kept across a restart."""
import json
import os
import re
import signal
import subprocess
import time

from tests.support import grpcurl
from tests.support.stack import DOCA
from tests.support.waiting import wait_for as _wait_for


def _window(stack, since, *filters, fmt="json") -> list:
    """The events of [since, now] matching the filters."""
    args = ["events", "--since", f"{since:.6f}", "--until", f"{time.time():.6f}", "--format", fmt]
    for f in filters:
        args += ["--filter", f]
    out = stack.doca(*args, timeout=30).stdout
    return [json.loads(line) for line in out.splitlines()] if fmt == "json" else out.splitlines()


def _actions(events) -> list[str]:
    return [e["Action"] for e in events]


def test_container_lifecycle_in_order(stack):
    t0 = time.time()
    cid = stack.doca("run", "-d", "--name", "ev-life", "--label", "team=blue", "busybox", "sleep", "60").stdout.strip()
    try:
        stack.doca("pause", "ev-life")
        stack.doca("unpause", "ev-life")
        stack.doca("exec", "ev-life", "true")
        stack.doca("stop", "-t", "1", "ev-life")  # sleep as PID 1 ignores SIGTERM: killed after 1 s
        stack.doca("start", "ev-life")
        stack.doca("rename", "ev-life", "ev-life2")
        stack.doca("rm", "-f", "ev-life2")
    finally:
        stack.doca("rm", "-f", cid, check=False)
    events = _window(stack, t0, f"container={cid[:12]}")
    # rm -f stops the container as stop -t 0 does: the stop signal, then SIGKILL
    assert _actions(events) == [
        "create", "start", "pause", "unpause", "exec_create: true", "exec_start: true", "exec_die",
        "kill", "kill", "die", "stop", "start", "rename", "kill", "kill", "die", "stop", "destroy"]
    first = events[0]
    assert first["Type"] == "container" and first["status"] == "create" and first["id"] == cid
    assert first["from"] == "busybox" and first["scope"] == "local"
    assert first["Actor"]["ID"] == cid
    assert first["Actor"]["Attributes"] == {"image": "busybox", "name": "ev-life", "team": "blue"}
    assert first["time"] == first["timeNano"] // 10**9 and first["timeNano"] >= int(t0 * 1e9)
    kills = [e["Actor"]["Attributes"]["signal"] for e in events if e["Action"] == "kill"]
    assert kills == ["15", "9", "15", "9"]
    die = next(e for e in events if e["Action"] == "die")
    assert die["Actor"]["Attributes"]["exitCode"] == "137"
    assert events[12]["Actor"]["Attributes"]["oldName"] == "/ev-life"
    assert [e["timeNano"] for e in events] == sorted(e["timeNano"] for e in events)


def test_text_format_and_filters(stack):
    t0 = time.time()
    assert stack.doca("run", "--name", "ev-text", "busybox", "sh", "-c", "exit 3", check=False).returncode == 3
    stack.doca("rm", "ev-text")
    lines = _window(stack, t0, "container=ev-text", "event=die", fmt="")
    assert len(lines) == 1
    stamp, kind, action, actor, attrs = lines[0].split(" ", 4)
    assert (kind, action, len(actor)) == ("container", "die", 64)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d)", stamp)
    assert attrs.startswith("(") and "exitCode=3" in attrs and "name=ev-text" in attrs
    keys = [kv.split("=")[0] for kv in attrs.strip("()").split(", ")]
    assert keys == sorted(keys)
    both = _window(stack, t0, "container=ev-text", "event=die", "event=destroy")
    assert _actions(both) == ["die", "destroy"]
    assert _window(stack, t0, "container=ev-text", "type=image") == []
    template = _window(stack, t0, "container=ev-text", "event=create", fmt="{{.Type}}/{{.Actor.Attributes.name}}")
    assert template == ["container/ev-text"]


def test_live_stream_as_it_happens(stack):
    proc = subprocess.Popen([DOCA, "events", "--filter", "container=ev-live", "--format", "json"],
                            env=stack.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)  # the stream is open
        stack.doca("run", "--rm", "--name", "ev-live", "busybox", "true")
        seen = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "destroy" not in seen:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(json.loads(line)["Action"])
        assert seen == ["create", "start", "die", "destroy"]
        assert proc.poll() is None  # no --until: it keeps streaming
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)


def test_exits_nobody_waits_for_and_restart_policy(stack):
    t0 = time.time()
    lone = stack.doca("run", "-d", "busybox", "sh", "-c", "sleep 0.3; exit 4").stdout.strip()
    retried = stack.doca("run", "-d", "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 1").stdout.strip()
    try:
        # no wait, inspect or ps: the runtime notices the exits itself
        died = _wait_for(lambda: _window(stack, t0, f"container={lone}", "event=die"))
        assert died[0]["Actor"]["Attributes"]["exitCode"] == "4"
        policy = _wait_for(lambda: [a for a in _actions(_window(stack, t0, f"container={retried}"))
                                    if a in ("start", "die")] == ["start", "die"] * 3)
        assert policy
    finally:
        stack.doca("rm", "-f", lone, retried)


def test_health_status(stack):
    t0 = time.time()
    cid = stack.doca("run", "-d", "--health-cmd", "true", "--health-interval", "1s",
                     "busybox", "sleep", "60").stdout.strip()
    try:
        health = _wait_for(lambda: _window(stack, t0, f"container={cid}", "event=health_status"))
        assert health[0]["Action"] == "health_status: healthy"
        probes = _window(stack, t0, f"container={cid}", "event=exec_start")
        assert probes and probes[0]["Action"] == "exec_start: /bin/sh -c true"
    finally:
        stack.doca("rm", "-f", cid)


def test_image_events(stack, tmp_path):
    t0 = time.time()
    image_id = json.loads(stack.doca("inspect", "--type", "image", "busybox").stdout)[0]["Id"]
    stack.doca("tag", "busybox", "ev-image:1")
    stack.doca("save", "-o", str(tmp_path / "i.tar"), "ev-image:1")
    stack.doca("rmi", "ev-image:1")
    stack.doca("load", "-i", str(tmp_path / "i.tar"))
    rootfs = tmp_path / "rootfs"
    rootfs.mkdir()
    (rootfs / "hello").write_text("hi\n")
    subprocess.run(["tar", "-C", str(rootfs), "-cf", str(tmp_path / "r.tar"), "."], check=True)
    imported = stack.doca("import", str(tmp_path / "r.tar"), "ev-imported:1").stdout.strip()
    stack.doca("rmi", "ev-image:1", "ev-imported:1")
    events = _window(stack, t0, "type=image")
    mine = [(e["Action"], e["Actor"]["ID"], e["Actor"]["Attributes"]["name"]) for e in events
            if e["Actor"]["Attributes"].get("name", "").startswith("ev-")]
    assert ("tag", image_id, "ev-image:1") in mine
    assert ("save", image_id, "ev-image:1") in mine
    assert ("untag", image_id, "ev-image:1") in mine
    assert ("load", image_id, "ev-image:1") in mine
    assert any(a == "import" and i.endswith(imported.split(":")[-1]) for a, i, _ in mine)
    assert [a for a, _, _ in mine] == ["tag", "save", "untag", "load", "import", "untag", "untag"]
    deleted = [e for e in events if e["Action"] == "delete"]
    assert [e["Actor"]["ID"] for e in deleted] == [f"sha256:{imported.split(':')[-1]}"]
    assert all(e["status"] == e["Action"] for e in events)  # Docker's older fields for image events
    assert _window(stack, t0, "image=ev-image", "event=tag")  # image= matches the name without its tag


def test_volume_and_network_events(stack):
    t0 = time.time()
    cid = stack.doca("run", "-d", "-v", "ev-vol:/data:ro", "busybox", "sleep", "60").stdout.strip()
    try:
        stack.doca("stop", "-t", "0", cid)
    finally:
        stack.doca("rm", "-f", cid)
        stack.doca("volume", "rm", "ev-vol")
    vol = _window(stack, t0, "volume=ev-vol")
    assert _actions(vol) == ["create", "mount", "unmount", "destroy"]
    mount = vol[1]["Actor"]["Attributes"]
    assert mount["container"] == cid and mount["destination"] == "/data" and mount["read/write"] == "false"
    net = [e for e in _window(stack, t0, "type=network") if e["Actor"]["Attributes"]["container"] == cid]
    assert _actions(net) == ["connect", "disconnect"]
    assert net[0]["Actor"]["Attributes"]["name"] == "bridge" and net[0]["Actor"]["ID"] == net[1]["Actor"]["ID"]


def test_bad_input_one_line(stack):
    # as Docker's daemon: a key it has no rule for, or a type no event has, is not an error
    r = stack.doca("events", "--filter", "colour=blue", "--since", "1m", "--until", "0s", check=False)
    assert r.returncode == 0 and not r.stderr
    r = stack.doca("events", "--filter", "type=spaceship", "--since", "1m", "--until", "0s", check=False)
    assert r.returncode == 0 and not r.stderr and not r.stdout
    r = stack.doca("events", "--filter", "nonsense", "--until", "0s", check=False)  # Docker's CLI: a usage error
    assert r.returncode == 125 and "expected name=value" in r.stderr and r.stderr.count("\n") == 1
    r = stack.doca("events", "--format", "{{.Nope}}", "--until", "0s", check=False)
    assert r.returncode == 64 and r.stderr.startswith("doca: Error parsing format: ")
    r = stack.doca("events", "--since", "last tuesday", check=False)
    assert r.returncode == 1 and r.stderr.strip() == (
        'doca: failed to parse value as time or duration: "last tuesday"')
    r = grpcurl.call(stack.socket("doca"), "doca.v1.System/Events", {"filters": ["spaceship"]}, check=False)
    assert r.returncode == 64 + 3 and "spaceship" in r.stderr


def test_grpcurl_replay(stack):
    t0 = time.time()
    stack.doca("run", "--rm", "--name", "ev-grpc", "busybox", "true")
    r = grpcurl.call(stack.socket("doca"), "doca.v1.System/Events",
                     {"since": f"{t0}", "until": f"{time.time()}", "filters": ["container=ev-grpc", "event=die"]})
    event = json.loads(r.stdout)
    assert event["type"] == "container" and event["action"] == "die" and event["scope"] == "local"
    assert event["actor"]["attributes"]["exitCode"] == "0" and int(event["time_nano"]) > t0 * 1e9


def _runtime_pid(s) -> int:
    out = subprocess.run(["pgrep", "-f", f"services.runtime --root {s.root} "], capture_output=True, text=True)
    return int(out.stdout.split()[0])


def test_stream_follows_a_runtime_restart_and_nothing_survives_the_engine(make_stack):
    s = make_stack("ev").start()
    proc = subprocess.Popen([DOCA, "events", "--filter", "event=start", "--format", "{{.Actor.Attributes.name}}"],
                            env=s.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        s.doca("run", "--rm", "--name", "before", "busybox", "true")
        os.kill(_runtime_pid(s), signal.SIGKILL)  # the daemon starts it again
        assert _wait_for(lambda: s.doca("ps", check=False).returncode == 0, 30)
        s.doca("run", "--rm", "--name", "after", "busybox", "true")
        assert proc.stdout.readline().strip() == "before"
        assert proc.stdout.readline().strip() == "after"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
    # the runtime's buffer went with the process: its replay starts after the restart
    assert s.doca("events", "--since", "10m", "--until", "0s", "--filter", "event=start",
                  "--format", "{{.Actor.Attributes.name}}").stdout == "after\n"
    s.stop()
    s.start()
    assert s.doca("events", "--since", "1h", "--until", "0s").stdout == ""


def test_until_in_the_past_ends_at_once(stack):
    t = time.monotonic()
    r = stack.doca("events", "--since", "1s", "--until", "0s", timeout=30)
    assert r.returncode == 0 and time.monotonic() - t < 10
