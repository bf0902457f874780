"""Containers through the Docker Engine API: list (filters, limit, size),
inspect, and the lifecycle (start, stop, restart, kill, wait with its
conditions, remove, rename, pause, unpause, update, top, changes, prune,
resize), with the Docker SDK, the docker CLI and Docker's status codes."""
import threading
import time
import uuid

import docker
import pytest

from gateway.docker import ttys


def post(api, path, **params):
    """A raw POST: the status code itself (304s are not errors to the SDK)."""
    return api._post(api._url(path), params=params)


def sleeper(api, name, cmd=("sleep", "300"), **kw):
    kw.setdefault("host_config", api.create_host_config(network_mode="none"))
    return api.create_container("busybox", list(cmd), name=name, **kw)["Id"]


# -- list ------------------------------------------------------------------------

def test_list_shows_running_by_default_and_all_on_request(api, made):
    a, b = made(), made()
    ida = sleeper(api, a, labels={"com.docker.compose.project": a})
    sleeper(api, b, labels={"com.docker.compose.project": a})
    api.start(ida)
    running = {c["Id"] for c in api.containers(filters={"label": f"com.docker.compose.project={a}"})}
    assert running == {ida}
    every = api.containers(all=True, filters={"label": f"com.docker.compose.project={a}"})
    assert {c["Names"][0] for c in every} == {f"/{a}", f"/{b}"}
    entry = next(c for c in every if c["Id"] == ida)
    assert entry["Image"] == "busybox" and entry["ImageID"].startswith("sha256:")
    assert entry["Command"] == "sleep 300" and isinstance(entry["Created"], int)
    assert entry["State"] == "running" and entry["Status"].startswith("Up ")
    assert entry["Labels"] == {"com.docker.compose.project": a}
    assert entry["HostConfig"] == {"NetworkMode": "none"}
    assert list(entry["NetworkSettings"]["Networks"]) == ["none"]
    assert entry["Mounts"] == [] and entry["Ports"] == []


def test_list_filters_limit_and_size(api, made):
    a, b = made(), made()
    ida = sleeper(api, a, cmd=("true",))
    idb = sleeper(api, b, cmd=("true",))
    assert [c["Id"] for c in api.containers(all=True, limit=1)] == [idb]  # the newest
    assert [c["Id"] for c in api.containers(filters={"name": a, "status": "created"})] == [ida]
    assert api.containers(filters={"id": ida, "status": "running"}) == []
    sized = api.containers(all=True, size=True, filters={"id": ida})
    assert sized[0]["SizeRootFs"] > 0


def test_list_bad_filter_is_400(api):
    with pytest.raises(docker.errors.APIError) as e:
        api.containers(filters={"nosuchkey": "x"})
    assert e.value.status_code == 400 and "nosuchkey" in str(e.value)


def test_list_shows_published_ports(api, made):
    name = made()
    cid = api.create_container("busybox", ["sleep", "300"], name=name, ports=[80],
                               host_config=api.create_host_config(port_bindings={80: None}))["Id"]
    api.start(cid)
    [entry] = api.containers(filters={"id": cid})
    [port] = [p for p in entry["Ports"] if p.get("PublicPort")]
    assert port["PrivatePort"] == 80 and port["Type"] == "tcp" and port["PublicPort"] > 0
    assert entry["HostConfig"]["NetworkMode"] == "default"  # none given: Docker's name for the bridge
    assert entry["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]


def test_docker_ps_and_compose_style_label_filter(docker_cli, api, made):
    name = made()
    sleeper(api, name, labels={"com.docker.compose.service": "web"})
    out = docker_cli("ps", "-a", "--filter", "label=com.docker.compose.service=web",
                     "--format", "{{.Names}} {{.State}}").stdout.split("\n")
    assert f"{name} created" in out


# -- inspect ---------------------------------------------------------------------

def test_inspect_is_the_gateways_document(api, stack, made):
    name = made()
    cid = sleeper(api, name)
    doc = api.inspect_container(name)
    assert doc["Id"] == cid and doc["Name"] == f"/{name}" and doc["State"]["Status"] == "created"
    assert isinstance(doc["State"]["Pid"], int)  # ints, not 0.0
    assert stack.doca("inspect", "--format", "{{.Id}}", name).stdout.strip() == cid
    sized = api._result(api._get(api._url("/containers/{0}/json", name), params={"size": 1}), True)
    assert sized["SizeRootFs"] > 0


def test_inspect_keys_in_dockers_order(api, docker_cli, made):
    """docker inspect prints the body as it comes: moby's field order."""
    name = made()
    api.create_container("busybox", ["true"], name=name, labels={"b": "1", "a": "2"},
                         host_config=api.create_host_config(network_mode="none"))
    raw = api._get(api._url("/containers/{0}/json", name)).json()
    assert list(raw)[:5] == ["Id", "Created", "Path", "Args", "State"]
    assert list(raw)[-3:] == ["Mounts", "Config", "NetworkSettings"]
    assert list(raw["State"])[:3] == ["Status", "Running", "Paused"]
    assert list(raw["HostConfig"])[:3] == ["Binds", "ContainerIDFile", "LogConfig"]
    assert list(raw["Config"])[:3] == ["Hostname", "Domainname", "User"] and list(raw["Config"]["Labels"]) == ["a", "b"]
    out = docker_cli("inspect", name).stdout
    assert out.index('"Id"') < out.index('"State"') < out.index('"HostConfig"') < out.index('"NetworkSettings"')


def test_missing_container_is_404(api):
    for call in (lambda: api.inspect_container("nosuchctr"), lambda: api.start("nosuchctr"),
                 lambda: api.stop("nosuchctr"), lambda: api.kill("nosuchctr"),
                 lambda: api.remove_container("nosuchctr"), lambda: api.wait("nosuchctr"),
                 lambda: api.top("nosuchctr"), lambda: api.diff("nosuchctr")):
        with pytest.raises(docker.errors.NotFound) as e:
            call()
        assert "No such container: nosuchctr" in str(e.value)


# -- start, stop, restart, kill ------------------------------------------------------

def test_start_and_stop_answer_304_when_nothing_changes(api, made):
    cid = sleeper(api, made())
    assert post(api, f"/containers/{cid}/stop").status_code == 304  # created: not running
    assert post(api, f"/containers/{cid}/start").status_code == 204
    assert post(api, f"/containers/{cid}/start").status_code == 304
    assert post(api, f"/containers/{cid}/stop", t=0).status_code == 204
    assert post(api, f"/containers/{cid}/stop").status_code == 304
    state = api.inspect_container(cid)["State"]
    assert state["Status"] == "exited" and state["ExitCode"] == 137


def test_stop_with_a_signal_and_timeout(api, made):
    cid = sleeper(api, made(), cmd=("sh", "-c", "trap 'exit 9' USR1; trap '' TERM; while :; do sleep 0.1; done"))
    api.start(cid)
    time.sleep(0.3)  # the traps are set
    assert post(api, f"/containers/{cid}/stop", signal="SIGUSR1", t=5).status_code == 204
    assert api.inspect_container(cid)["State"]["ExitCode"] == 9
    api.start(cid)
    time.sleep(0.3)
    started = time.monotonic()
    api.stop(cid, timeout=1)  # TERM is ignored: SIGKILL after 1 s
    assert 0.8 < time.monotonic() - started < 8
    assert api.inspect_container(cid)["State"]["ExitCode"] == 137


def test_restart_starts_it_again(api, made):
    cid = sleeper(api, made())
    api.start(cid)
    first = api.inspect_container(cid)["State"]["StartedAt"]
    api.restart(cid, timeout=0)
    state = api.inspect_container(cid)["State"]
    assert state["Running"] and state["StartedAt"] != first


def test_kill_with_a_signal_and_of_a_stopped_container(api, made):
    cid = sleeper(api, made(), cmd=("sh", "-c", "trap 'exit 7' HUP; while :; do sleep 0.1; done"))
    with pytest.raises(docker.errors.APIError) as e:
        api.kill(cid)
    assert e.value.status_code == 409 and "is not running" in str(e.value)
    api.start(cid)
    time.sleep(0.3)  # the trap is set
    api.kill(cid, signal="SIGHUP")
    assert api.wait(cid, timeout=30) == {"Error": None, "StatusCode": 7}
    api.start(cid)
    with pytest.raises(docker.errors.APIError) as e:
        api.kill(cid, signal="NOSUCHSIG")
    assert e.value.status_code in (400, 409)


# -- wait --------------------------------------------------------------------------

def _wait_in_thread(api, cid, condition):
    out = {}

    def run():
        out["result"] = api.wait(cid, timeout=60, condition=condition)
        out["at"] = time.monotonic()
    t = threading.Thread(target=run)
    t.start()
    return t, out


def test_wait_conditions(api, made):
    cid = sleeper(api, made(), cmd=("sh", "-c", "sleep 0.5; exit 4"))
    assert api.wait(cid, condition="not-running") == {"Error": None, "StatusCode": 0}  # created: at once
    t, out = _wait_in_thread(api, cid, "next-exit")
    time.sleep(0.5)
    assert t.is_alive()  # not started yet: waiting
    api.start(cid)
    t.join(30)
    assert out["result"] == {"Error": None, "StatusCode": 4}
    assert api.wait(cid) == {"Error": None, "StatusCode": 4}  # not running: its last exit


def test_wait_removed_follows_auto_remove(api, stack, made):
    name = made()
    cid = api.create_container("busybox", ["sh", "-c", "exit 3"], name=name,
                               host_config=api.create_host_config(auto_remove=True, network_mode="none"))["Id"]
    t, out = _wait_in_thread(api, cid, "removed")
    time.sleep(0.3)
    api.start(cid)
    t.join(30)
    assert out["result"] == {"Error": None, "StatusCode": 3}
    with pytest.raises(docker.errors.NotFound):
        api.inspect_container(cid)
    assert cid not in stack.doca("ps", "-aq", "--no-trunc").stdout


def test_docker_cli_wait_and_run_detached(docker_cli, made):
    name = made()
    docker_cli("run", "-d", "--name", name, "--network", "none", "busybox", "sh", "-c", "sleep 0.3; exit 6")
    assert docker_cli("wait", name).stdout.strip() == "6"
    assert docker_cli("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip() == "6"


# -- remove ------------------------------------------------------------------------

def test_remove_running_needs_force_and_v_removes_anonymous_volumes(api, stack, made):
    name = made()
    cid = api.create_container("busybox", ["sleep", "300"], name=name, volumes=["/data"],
                               host_config=api.create_host_config(network_mode="none"))["Id"]
    api.start(cid)
    [vol] = [m["Name"] for m in api.inspect_container(cid)["Mounts"]]
    with pytest.raises(docker.errors.APIError) as e:
        api.remove_container(cid)
    assert e.value.status_code == 409 and "running" in str(e.value)
    api.remove_container(cid, force=True, v=True)
    assert cid not in stack.doca("ps", "-aq", "--no-trunc").stdout
    assert vol not in stack.doca("volume", "ls", "-q").stdout


def test_remove_link_is_refused(api, made):
    cid = sleeper(api, made())
    r = api._delete(api._url("/containers/{0}", cid), params={"link": 1})
    assert r.status_code == 400 and "link" in r.json()["message"]


# -- rename, pause, update, top, changes --------------------------------------------

def test_rename(api, stack, made):
    old, new = made(), made()
    cid = sleeper(api, old)
    api.rename(cid, new)
    assert api.inspect_container(cid)["Name"] == f"/{new}"
    assert stack.doca("inspect", "--format", "{{.Id}}", new).stdout.strip() == cid
    other = sleeper(api, made())
    with pytest.raises(docker.errors.APIError) as e:
        api.rename(other, new)
    assert e.value.status_code == 409
    r = post(api, f"/containers/{cid}/rename")
    assert r.status_code == 400


def test_pause_and_unpause(api, made):
    cid = sleeper(api, made())
    api.start(cid)
    api.pause(cid)
    assert api.inspect_container(cid)["State"]["Paused"] is True
    r = post(api, f"/containers/{cid}/start")
    assert r.status_code == 409 and r.json()["message"] == "cannot start a paused container, try unpause instead"
    assert api.containers(filters={"id": cid})[0]["State"] == "paused"
    api.unpause(cid)
    assert api.inspect_container(cid)["State"]["Paused"] is False
    api.pause(cid)
    api.kill(cid)  # as Docker's: the signal, then resumed, so it acts on it
    assert api.wait(cid, timeout=30) == {"Error": None, "StatusCode": 137}


def test_update_resources_and_restart_policy(api, made):
    cid = sleeper(api, made())
    api.start(cid)
    r = api.update_container(cid, mem_limit="64m", memswap_limit="128m", cpu_shares=512,
                             restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})
    assert "Warnings" in r
    host = api.inspect_container(cid)["HostConfig"]
    assert host["Memory"] == 64 * 2 ** 20 and host["MemorySwap"] == 128 * 2 ** 20 and host["CpuShares"] == 512
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    with pytest.raises(docker.errors.APIError) as e:
        api.update_container(cid, kernel_memory="10m")
    assert e.value.status_code == 400 and "KernelMemory" in str(e.value)


def test_top_and_ps_args(api, made):
    cid = sleeper(api, made())
    with pytest.raises(docker.errors.APIError) as e:
        api.top(cid)
    assert e.value.status_code == 409
    api.start(cid)
    for _ in range(50):  # its command once exec'd
        top = api.top(cid)
        if any("sleep 300" in " ".join(p) for p in top["Processes"]):
            break
        time.sleep(0.1)
    assert "PID" in top["Titles"] and any("sleep 300" in " ".join(p) for p in top["Processes"])
    top = api.top(cid, ps_args="-o pid,comm")
    assert top["Titles"] == ["PID", "COMMAND"] and ["sleep"] == [p[1] for p in top["Processes"]]


def test_changes(api, made, docker_cli):
    cid = sleeper(api, made(), cmd=("sh", "-c", "touch /made-here; rm /bin/ls"))
    assert api.diff(cid) is None  # nothing yet: null, as Docker's
    api.start(cid)
    api.wait(cid, timeout=30)
    changes = {c["Path"]: c["Kind"] for c in api.diff(cid)}
    assert changes["/made-here"] == 1 and changes["/bin/ls"] == 2 and changes["/bin"] == 0
    out = docker_cli("diff", cid).stdout.split("\n")
    assert "A /made-here" in out and "D /bin/ls" in out


# -- prune ----------------------------------------------------------------------------

def test_prune_with_label_filter(api, made):
    tag = uuid.uuid4().hex[:8]
    keep = sleeper(api, made(), labels={"other": tag})
    gone = sleeper(api, made(), labels={"prune-me": tag})
    running = sleeper(api, made(), labels={"prune-me": tag})
    api.start(running)
    r = api.prune_containers(filters={"label": f"prune-me={tag}"})
    assert r["ContainersDeleted"] == [gone] and isinstance(r["SpaceReclaimed"], int)
    ids = {c["Id"] for c in api.containers(all=True)}
    assert keep in ids and running in ids and gone not in ids
    assert api.prune_containers(filters={"label": f"prune-me={tag}"}) == {"ContainersDeleted": None,
                                                                         "SpaceReclaimed": 0}


# -- resize ---------------------------------------------------------------------------

def test_resize_of_a_stopped_container_is_409_and_of_a_running_one_200(api, made):
    cid = api.create_container("busybox", ["sleep", "300"], name=made(), tty=True,
                               host_config=api.create_host_config(network_mode="none"))["Id"]
    with pytest.raises(docker.errors.APIError) as e:
        api.resize(cid, 40, 100)
    assert e.value.status_code == 409 and "is not running" in str(e.value)
    api.start(cid)
    api.resize(cid, 40, 100)
    r = post(api, f"/containers/{cid}/resize", h=40)
    assert r.status_code == 400 and "invalid syntax" in r.json()["message"]


def test_tty_registry_reaches_the_newest_attach():
    seen = []
    off1 = ttys.register("cid", lambda h, w: seen.append(("first", h, w)))
    off2 = ttys.register("cid", lambda h, w: seen.append(("second", h, w)))
    assert ttys.resize("cid", 24, 80) and seen == [("second", 24, 80)]
    off2()
    assert ttys.resize("cid", 30, 90) and seen[-1] == ("first", 30, 90)
    off1()
    assert not ttys.resize("cid", 1, 1)

    def attach_resizer(h, w):
        seen.append(("attach", h, w))
    ttys.register("cid", attach_resizer)
    ttys.unregister("cid", attach_resizer)  # the attach's own way out
    assert not ttys.resize("cid", 5, 5)


def test_docker_and_doca_stop_with_signal(api, docker_cli, stack, made):
    name = made()
    sleeper(api, name, cmd=("sh", "-c", "trap 'exit 9' USR1; trap 'exit 10' USR2; while :; do sleep 0.1; done"))
    for cli, sig, code in ((docker_cli, "USR1", 9), (stack.doca, "USR2", 10)):
        api.start(name)
        time.sleep(0.3)  # the traps are set
        cli("stop", "-s", sig, "-t", "5", name)
        assert api.inspect_container(name)["State"]["ExitCode"] == code


def test_stop_t_minus_one_waits_without_sigkill(api, made):
    cid = sleeper(api, made(), cmd=("sh", "-c", "trap 'sleep 1.5; exit 5' TERM; while :; do sleep 0.1; done"),
                  stop_timeout=1)  # its own timeout would SIGKILL it after 1 s
    api.start(cid)
    time.sleep(0.3)  # the trap is set
    assert post(api, f"/containers/{cid}/stop", t=-1).status_code == 204
    assert api.inspect_container(cid)["State"]["ExitCode"] == 5  # its own exit, not SIGKILL's 137
