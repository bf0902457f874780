"""GET /events through the Engine API: Docker's events.Message stream with
since/until/filters, ended by until or by the client hanging up; the docker
CLI's `docker events`."""
import json
import socket
import threading
import time
import uuid

import docker
import pytest


def _stream_until(api, since: float, until: float, **filters) -> list[dict]:
    return list(api.events(since=since, until=until, filters=filters or None, decode=True))


def test_a_container_life_as_docker_reports_it(api, stack):
    since = time.time() - 1
    name = f"d4e-{uuid.uuid4().hex[:8]}"
    stack.doca("run", "--rm", "--name", name, "busybox", "true")
    events = _stream_until(api, since, time.time() + 1, container=name)
    actions = [e["Action"] for e in events]
    assert actions[:1] == ["create"] and "start" in actions and "die" in actions and actions[-1] == "destroy"
    e = events[0]
    assert e["Type"] == "container" and e["scope"] == "local"
    assert e["Actor"]["Attributes"]["name"] == name and e["Actor"]["Attributes"]["image"] == "busybox"
    # the legacy fields of containers and images
    assert e["status"] == "create" and e["id"] == e["Actor"]["ID"] and e["from"] == "busybox"
    assert isinstance(e["time"], int) and e["timeNano"] // 10 ** 9 == e["time"]
    assert all(x["Actor"]["Attributes"].get("name") == name for x in events)


def test_filters_by_type_and_event(api, stack):
    since = time.time() - 1
    vol = f"d4e-{uuid.uuid4().hex[:8]}"
    stack.doca("volume", "create", vol)
    stack.doca("volume", "rm", vol)
    events = _stream_until(api, since, time.time() + 1, type="volume", event="create")
    mine = [e for e in events if e["Actor"]["ID"] == vol]
    assert [e["Action"] for e in mine] == ["create"]
    assert "status" not in mine[0] and "from" not in mine[0]  # legacy fields: containers and images only
    assert all(e["Type"] == "volume" and e["Action"] == "create" for e in events)


def test_a_live_stream_sees_new_events_and_ends_at_until(api, stack):
    name = f"d4e-{uuid.uuid4().hex[:8]}"
    got = []
    start = time.time()

    def read():
        got.extend(api.events(since=start, until=start + 4, filters={"container": name}, decode=True))
    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.5)
    stack.doca("create", "--name", name, "busybox", "true")
    stack.doca("rm", name)
    reader.join(20)
    assert not reader.is_alive(), "the stream did not end at until"
    assert [e["Action"] for e in got] == ["create", "destroy"]
    assert time.time() - start < 15


def test_bad_since_and_until_are_400(api):
    for params in ({"since": "garbage"}, {"since": "20", "until": "10"}):
        r = api._get(api._url("/events"), params=params)
        assert r.status_code == 400, r.text
    r = api._get(api._url("/events"), params={"since": "20", "until": "10"})
    assert r.json()["message"] == "`since` time (20) cannot be after `until` time (10)"


def test_hanging_up_ends_the_stream_and_the_face_goes_on(stack, api):
    """A client that goes away while no event comes: the face notices, cancels
    the upstream call and keeps serving."""
    for _ in range(5):
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(stack.socket("docker")))
            s.sendall(b"GET /v1.41/events HTTP/1.1\r\nHost: d\r\n\r\n")
            head = s.recv(4096)
            assert head.startswith(b"HTTP/1.1 200 ")
    assert api.ping() is True
    assert _stream_until(api, time.time() - 1, time.time(), type="nothing") == []


def test_docker_cli_events(docker_cli, stack):
    name = f"d4e-{uuid.uuid4().hex[:8]}"
    stack.doca("create", "--name", name, "busybox", "true")
    stack.doca("rm", name)
    time.sleep(1.1)  # the CLI sends --until 0s as whole seconds: now, cut down
    out = docker_cli("events", "--since", "30s", "--until", "0s", "--filter", f"container={name}",
                     "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}", timeout=30).stdout
    assert out.splitlines() == [f"container create {name}", f"container destroy {name}"]
    out = docker_cli("events", "--since", "30s", "--until", "0s", "--filter", f"container={name}",
                     "--format", "{{json .}}", timeout=30).stdout
    first = json.loads(out.splitlines()[0])
    assert first["status"] == "create" and first["Type"] == "container"
    r = docker_cli("events", "--since", "garbage", "--until", "0s", check=False, timeout=30)
    assert r.returncode != 0 and "garbage" in r.stderr
