"""POST /containers/create: Docker's Config, HostConfig and NetworkingConfig
as doca makes them (what inspect shows, what the container sees), the
missing image's 404 that makes `docker run` pull, and the 400s for what doca
refuses."""
import json
import os
import uuid

import docker
import pytest


def create(api, body: dict, name: str = "", **params):
    """The raw create: (status, JSON answer)."""
    if name:
        params["name"] = name
    r = api._post_json(api._url("/containers/create"), data=body, params=params)
    return r.status_code, r.json()


def run_to_end(api, stack, cid) -> str:
    """Starts it, waits for its exit, and returns its output (doca logs)."""
    api.start(cid)
    assert api.wait(cid, timeout=60)["StatusCode"] == 0, stack.doca("logs", cid).stderr
    return stack.doca("logs", cid).stdout


NONE = {"NetworkMode": "none"}


def test_config_fields_reach_the_process_and_inspect(api, stack, made):
    name = made()
    status, out = create(api, {
        "Image": "busybox", "Entrypoint": ["sh", "-c"], "Cmd": ["echo $FOO; pwd; id -u; hostname; cat /etc/hostname"],
        "Env": ["FOO=bar baz"], "WorkingDir": "/tmp", "User": "1234", "Labels": {"k": "v"},
        "Hostname": "myhost", "Domainname": "example.org", "ExposedPorts": {"8080/tcp": {}},
        "Volumes": {"/vol": {}}, "StopSignal": "SIGUSR1", "StopTimeout": 3,
        "AttachStdout": True, "AttachStderr": True, "HostConfig": NONE}, name)
    assert status == 201 and out["Warnings"] == [] and len(out["Id"]) == 64
    doc = api.inspect_container(name)
    cfg = doc["Config"]
    assert cfg["Entrypoint"] == ["sh", "-c"] and cfg["Cmd"][0].startswith("echo")
    assert "FOO=bar baz" in cfg["Env"] and cfg["WorkingDir"] == "/tmp" and cfg["User"] == "1234"
    assert cfg["Labels"] == {"k": "v"} and cfg["Hostname"] == "myhost" and cfg["Domainname"] == "example.org"
    assert cfg["ExposedPorts"] == {"8080/tcp": {}} and cfg["Volumes"] == {"/vol": {}}
    assert cfg["StopSignal"] == "SIGUSR1" and cfg["StopTimeout"] == 3
    assert cfg["AttachStdout"] is True and cfg["AttachStdin"] is False
    assert [m["Destination"] for m in doc["Mounts"]] == ["/vol"]
    assert run_to_end(api, stack, name).split("\n")[:4] == ["bar baz", "/tmp", "1234", "myhost"]


def test_entrypoint_empty_list_drops_the_images(api, stack, made):
    name = made()
    status, _ = create(api, {"Image": "busybox", "Entrypoint": [], "Cmd": ["echo", "plain"], "HostConfig": NONE}, name)
    assert status == 201
    assert api.inspect_container(name)["Config"]["Entrypoint"] is None
    assert run_to_end(api, stack, name).strip() == "plain"


def test_tty_and_stdin(api, made):
    name = made()
    create(api, {"Image": "busybox", "Tty": True, "OpenStdin": True, "AttachStdin": True, "AttachStdout": True,
                 "AttachStderr": True, "HostConfig": NONE}, name)
    cfg = api.inspect_container(name)["Config"]
    assert cfg["Tty"] is True and cfg["OpenStdin"] is True and cfg["AttachStdin"] is True


def test_detached_create_attaches_nothing(api, made):
    name = made()
    create(api, {"Image": "busybox", "HostConfig": NONE}, name)
    cfg = api.inspect_container(name)["Config"]
    assert (cfg["AttachStdin"], cfg["AttachStdout"], cfg["AttachStderr"]) == (False, False, False)


def test_healthcheck_exec_form_runs_without_a_shell(api, made):
    name = made()
    create(api, {"Image": "busybox", "Cmd": ["sleep", "300"], "HostConfig": NONE,
                 "Healthcheck": {"Test": ["CMD", "true"], "Interval": 200_000_000, "Timeout": 1_000_000_000,
                                 "Retries": 2, "StartPeriod": 0}}, name)
    hc = api.inspect_container(name)["Config"]["Healthcheck"]
    assert hc["Test"] == ["CMD", "true"] and hc["Interval"] == 200_000_000 and hc["Retries"] == 2
    api.start(name)
    import time
    for _ in range(100):
        health = api.inspect_container(name)["State"].get("Health") or {}
        if health.get("Status") == "healthy":
            break
        time.sleep(0.1)
    assert health.get("Status") == "healthy"


def test_healthcheck_none_and_shell_form(api, made):
    a, b = made(), made()
    create(api, {"Image": "busybox", "HostConfig": NONE, "Healthcheck": {"Test": ["NONE"]}}, a)
    assert api.inspect_container(a)["Config"]["Healthcheck"]["Test"] == ["NONE"]
    create(api, {"Image": "busybox", "HostConfig": NONE, "Healthcheck": {"Test": ["CMD-SHELL", "exit 0"]}}, b)
    assert api.inspect_container(b)["Config"]["Healthcheck"]["Test"] == ["CMD-SHELL", "exit 0"]


def test_host_config_limits_and_settings(api, made):
    name = made()
    status, out = create(api, {"Image": "busybox", "HostConfig": {
        "NetworkMode": "none", "Memory": 64 * 2 ** 20, "MemoryReservation": 32 * 2 ** 20, "NanoCpus": 500_000_000,
        "CpuShares": 256, "PidsLimit": 50, "ShmSize": 8 * 2 ** 20, "CapAdd": ["NET_ADMIN"], "CapDrop": ["MKNOD"],
        "ReadonlyRootfs": True, "Tmpfs": {"/scratch": "size=1m"}, "Ulimits": [{"Name": "nofile", "Soft": 100,
                                                                               "Hard": 200}],
        "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3}, "Init": True,
        "Sysctls": {"kernel.shmmax": "1000000"}, "SecurityOpt": ["no-new-privileges"], "GroupAdd": ["1234"],
        "LogConfig": {"Type": "json-file", "Config": {"max-size": "1m"}}, "OomScoreAdj": 100,
        "Dns": ["10.0.0.1"], "DnsSearch": ["example.org"], "ExtraHosts": ["myhost:10.1.2.3"],
        "IpcMode": "private", "CgroupnsMode": "private"}}, name)
    assert status == 201, out
    h = api.inspect_container(name)["HostConfig"]
    assert h["Memory"] == 64 * 2 ** 20 and h["MemoryReservation"] == 32 * 2 ** 20 and h["NanoCpus"] == 500_000_000
    assert h["CpuShares"] == 256 and h["PidsLimit"] == 50 and h["ShmSize"] == 8 * 2 ** 20
    assert h["CapAdd"] == ["NET_ADMIN"] and h["CapDrop"] == ["MKNOD"] and h["ReadonlyRootfs"] is True
    assert h["Tmpfs"] == {"/scratch": "size=1m"}
    assert h["Ulimits"] == [{"Name": "nofile", "Soft": 100, "Hard": 200}]
    assert h["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3} and h["Init"] is True
    assert h["Sysctls"] == {"kernel.shmmax": "1000000"} and h["SecurityOpt"] == ["no-new-privileges"]
    assert h["GroupAdd"] == ["1234"] and h["LogConfig"] == {"Type": "json-file", "Config": {"max-size": "1m"}}
    assert h["OomScoreAdj"] == 100 and h["Dns"] == ["10.0.0.1"] and h["ExtraHosts"] == ["myhost:10.1.2.3"]


def test_a_read_only_rootfs_and_tmpfs_as_the_container_sees_them(api, stack, made):
    name = made()
    create(api, {"Image": "busybox", "Cmd": ["sh", "-c", "touch /x 2>/dev/null || echo ro; touch /scratch/y && "
                                             "echo rw; grep ' /scratch ' /proc/mounts | cut -d' ' -f3"],
                 "HostConfig": {"NetworkMode": "none", "ReadonlyRootfs": True, "Tmpfs": {"/scratch": ""}}}, name)
    assert run_to_end(api, stack, name).split() == ["ro", "rw", "tmpfs"]


def test_binds_and_mounts(api, stack, made, tmp_path):
    name, vol = made(), f"dcr-vol-{uuid.uuid4().hex[:8]}"
    host_dir = tmp_path / "bound"
    host_dir.mkdir()
    try:
        status, out = create(api, {
            "Image": "busybox", "Cmd": ["sh", "-c", "echo hi > /b/f; echo v > /v/f; ls /ro"],
            "HostConfig": {"NetworkMode": "none", "Binds": [f"{host_dir}:/b"],
                           "Mounts": [{"Type": "volume", "Source": vol, "Target": "/v"},
                                      {"Type": "bind", "Source": str(host_dir), "Target": "/ro",
                                       "ReadOnly": True}]}}, name)
        assert status == 201, out
        run_to_end(api, stack, name)
        assert (host_dir / "f").read_text() == "hi\n"
        mounts = {m["Destination"]: m for m in api.inspect_container(name)["Mounts"]}
        assert mounts["/v"]["Type"] == "volume" and mounts["/v"]["Name"] == vol
        assert mounts["/ro"]["RW"] is False and mounts["/b"]["RW"] is True
        assert vol in stack.doca("volume", "ls", "-q").stdout
    finally:
        api.remove_container(name, force=True)
        stack.doca("volume", "rm", "-f", vol, check=False)


def test_port_bindings_and_publish_all(api, made):
    a, b = made(), made()
    status, out = create(api, {"Image": "busybox", "Cmd": ["sleep", "300"], "ExposedPorts": {"80/tcp": {}},
                               "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}}},
                         a)
    assert status == 201, out
    api.start(a)
    [binding] = api.inspect_container(a)["NetworkSettings"]["Ports"]["80/tcp"]
    assert binding["HostIp"] == "127.0.0.1" and int(binding["HostPort"]) > 0
    create(api, {"Image": "busybox", "Cmd": ["sleep", "300"], "ExposedPorts": {"81/udp": {}},
                 "HostConfig": {"PublishAllPorts": True}}, b)
    api.start(b)
    assert api.inspect_container(b)["HostConfig"]["PublishAllPorts"] is True
    assert int(api.inspect_container(b)["NetworkSettings"]["Ports"]["81/udp"][0]["HostPort"]) > 0


def test_user_network_with_alias_and_address(api, stack, made):
    net = f"dcr-net-{uuid.uuid4().hex[:6]}"
    stack.doca("network", "create", "--subnet", "10.231.7.0/24", net)
    name = made()
    try:
        status, out = create(api, {"Image": "busybox", "Cmd": ["sleep", "300"],
                                   "HostConfig": {"NetworkMode": net},
                                   "NetworkingConfig": {"EndpointsConfig": {net: {
                                       "Aliases": ["web"], "IPAMConfig": {"IPv4Address": "10.231.7.9"}}}}}, name)
        assert status == 201, out
        api.start(name)
        ep = api.inspect_container(name)["NetworkSettings"]["Networks"][net]
        assert ep["IPAddress"] == "10.231.7.9" and "web" in ep["Aliases"]
        assert api.inspect_container(name)["HostConfig"]["NetworkMode"] == net
    finally:
        api.remove_container(name, force=True)
        stack.doca("network", "rm", net, check=False)


def test_two_networks_at_create_before_api_1_44_are_refused(api):
    r = api._post_json(api.base_url + "/v1.43/containers/create",
                       data={"Image": "busybox", "NetworkingConfig": {"EndpointsConfig": {"a": {}, "b": {}}}})
    assert r.status_code == 400 and "a, b" in r.json()["message"]


def test_several_networks_at_create_from_api_1_44(api, stack, docker_cli, made):
    nets = [f"dcr-n{i}-{uuid.uuid4().hex[:6]}" for i in range(2)]
    for net in nets:
        stack.doca("network", "create", net)
    name, other = made(), made()
    try:
        status, out = create(api, {"Image": "busybox", "Cmd": ["sleep", "300"], "HostConfig": {"NetworkMode": nets[0]},
                                   "NetworkingConfig": {"EndpointsConfig": {nets[0]: {}, nets[1]: {"Aliases": ["b"]}}}},
                             name)
        assert status == 201, out
        networks = api.inspect_container(name)["NetworkSettings"]["Networks"]
        assert set(networks) == set(nets) and "b" in networks[nets[1]]["Aliases"]
        docker_cli("run", "-d", "--name", other, "--network", nets[1], "--network", nets[0], "busybox", "sleep", "300")
        assert set(api.inspect_container(other)["NetworkSettings"]["Networks"]) == set(nets)
        # one network missing: nothing made
        r = docker_cli("run", "-d", "--network", nets[0], "--network", "dcr-nosuchnet", "busybox", check=False)
        assert r.returncode == 125 and "dcr-nosuchnet" in r.stderr
        assert len(api.containers(all=True, filters={"network": nets[0]})) == 2
    finally:
        for n in (name, other):
            api.remove_container(n, force=True)
        for net in nets:
            stack.doca("network", "rm", net, check=False)


def test_a_missing_network_is_a_400_that_docker_run_does_not_pull_for(api, docker_cli, stack):
    status, out = create(api, {"Image": "busybox", "HostConfig": {"NetworkMode": "dcr-nosuchnet"}})
    assert status == 400 and "dcr-nosuchnet" in out["message"]
    r = docker_cli("run", "--network", "dcr-nosuchnet", "busybox", "true", check=False)
    assert r.returncode == 125 and "network dcr-nosuchnet not found" in r.stderr
    assert "Unable to find image" not in r.stderr


def test_missing_image_is_docker_404_and_docker_run_tries_a_pull(api, docker_cli):
    status, out = create(api, {"Image": "nosuchimage"})
    assert status == 404 and out["message"] == "No such image: nosuchimage:latest"
    with pytest.raises(docker.errors.ImageNotFound):
        api.create_container("nosuchimage:v1")
    r = docker_cli("run", "--rm", "localhost:1/nosuchimage", "true", check=False)
    assert r.returncode == 125 and "Unable to find image 'localhost:1/nosuchimage:latest' locally" in r.stderr


@pytest.mark.parametrize("body, field", [
    ({"HostConfig": {"DeviceRequests": [{"Count": -1, "Capabilities": [["gpu"]]}]}}, "HostConfig.DeviceRequests"),
    ({"NetworkDisabled": True}, "Config.NetworkDisabled"),
    ({"HostConfig": {"Isolation": "hyperv"}}, "HostConfig.Isolation"),
    ({"HostConfig": {"Mounts": [{"Type": "bind", "Source": "/tmp", "Target": "/x",
                                 "BindOptions": {"CreateMountpoint": True}}]}}, "CreateMountpoint"),
    ({"NetworkingConfig": {"EndpointsConfig": {"bridge": {"DriverOpts": {"a": "b"}}}}}, "DriverOpts"),
    ({"NetworkingConfig": {"EndpointsConfig": {"bridge": {"GwPriority": 5}}}}, "GwPriority"),
])
def test_unsupported_fields_are_400_naming_them(api, stack, body, field):
    before = stack.doca("ps", "-aq").stdout
    status, out = create(api, {"Image": "busybox", **body})
    assert status == 400 and field in out["message"]
    assert stack.doca("ps", "-aq").stdout == before  # nothing half-made


@pytest.mark.parametrize("body, status", [
    (None, 400), ({}, 400), ({"Image": "busybox", "HostConfig": {"Memory": "lots"}}, 400),
    ({"Image": "busybox", "Cmd": 5}, 400), ({"Image": "busybox", "HostConfig": {"RestartPolicy": {"Name": "bogus"}}}, 400),
])
def test_bad_bodies_are_400(api, body, status):
    r = api._post(api._url("/containers/create"), data=json.dumps(body) if body is not None else b"",
                  headers={"Content-Type": "application/json"})
    assert r.status_code == status and r.json()["message"]


def test_names_conflict_and_bad_names(api, made):
    name = made()
    assert create(api, {"Image": "busybox", "HostConfig": NONE}, name)[0] == 201
    status, out = create(api, {"Image": "busybox", "HostConfig": NONE}, name)
    assert status == 409 and name in out["message"]
    status, out = create(api, {"Image": "busybox"}, "a/b")
    assert status == 400 and "Invalid container name" in out["message"]


def test_platform(api, made):
    name = made()
    status, _ = create(api, {"Image": "busybox", "HostConfig": NONE}, name, platform="linux/amd64"
                       if os.uname().machine == "x86_64" else "linux")
    assert status == 201
    status, out = create(api, {"Image": "busybox"}, platform="windows/amd64")
    assert status == 400 and "platform" in out["message"]


def test_sdk_run_detached_and_docker_cli_create(client, api, stack, docker_cli, made):
    name = made()
    c = client.containers.run("busybox", ["sh", "-c", "echo from-sdk"], name=name, detach=True,
                              network_mode="none", environment={"A": "1"}, labels={"l": "x"})
    assert c.wait(timeout=60)["StatusCode"] == 0
    assert stack.doca("logs", name).stdout == "from-sdk\n"
    assert c.attrs["Config"]["Labels"] == {"l": "x"}
    other = made()
    docker_cli("create", "--name", other, "--network", "none", "-e", "B=2", "-l", "m=y", "--memory", "32m",
               "--restart", "unless-stopped", "busybox", "true")
    doc = stack.doca("inspect", other).stdout
    doc = json.loads(doc)[0]
    assert "B=2" in doc["Config"]["Env"] and doc["Config"]["Labels"] == {"m": "y"}
    assert doc["HostConfig"]["Memory"] == 32 * 2 ** 20
    assert doc["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    assert doc["HostConfig"]["NetworkMode"] == "none"
    third = made()
    docker_cli("create", "--name", third, "busybox", "true")  # no --network: Docker's "default", the bridge
    assert api.inspect_container(third)["HostConfig"]["NetworkMode"] == "default"
    assert list(api.inspect_container(third)["NetworkSettings"]["Networks"]) == ["bridge"]


def test_systempaths_unconfined_as_the_docker_cli_sends_it(api, docker_cli, made):
    name = made()
    docker_cli("create", "--name", name, "--network", "none", "--security-opt", "systempaths=unconfined",
               "busybox", "true")
    host = api.inspect_container(name)["HostConfig"]
    assert host["MaskedPaths"] == [] and host["ReadonlyPaths"] == []



def test_masked_and_readonly_paths_as_given(api, stack, made):
    """A list replaces Docker's default one, [] is none, null keeps it (issue 14)."""
    name = made()
    status, out = create(api, {"Image": "busybox", "Cmd": ["sh", "-c", "wc -c < /etc/passwd; "
                                                                   "touch /tmp/x || echo ro"],
                               "HostConfig": {"NetworkMode": "none", "MaskedPaths": ["/etc/passwd"],
                                              "ReadonlyPaths": ["/tmp"]}}, name)
    assert status == 201, out
    host = api.inspect_container(name)["HostConfig"]
    assert host["MaskedPaths"] == ["/etc/passwd"] and host["ReadonlyPaths"] == ["/tmp"]
    assert run_to_end(api, stack, name).split()[0] == "0" and "ro" in stack.doca("logs", name).stdout
    other = made()
    status, out = create(api, {"Image": "busybox", "HostConfig": {"NetworkMode": "none", "MaskedPaths": [],
                                                                  "ReadonlyPaths": None}}, other)
    host = api.inspect_container(other)["HostConfig"]
    assert status == 201 and host["MaskedPaths"] == [] and "/proc/sys" in host["ReadonlyPaths"]


def test_links_on_the_default_bridge(api, docker_cli, made):
    target = made()
    docker_cli("run", "-d", "--name", target, "busybox", "sleep", "300")
    out = docker_cli("run", "--rm", "--link", f"{target}:al", "busybox", "grep", "-w", "al", "/etc/hosts").stdout
    assert out.split()[0] == api.inspect_container(target)["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]


def test_volume_mount_with_labels_and_driver_options(api, stack, made):
    name, vol = made(), f"dcr-vo-{uuid.uuid4().hex[:8]}"
    try:
        status, out = create(api, {"Image": "busybox", "Cmd": ["sh", "-c", "grep ' /v ' /proc/mounts | cut -d' ' -f3"],
                                   "HostConfig": {"NetworkMode": "none", "Mounts": [
                                       {"Type": "volume", "Source": vol, "Target": "/v", "VolumeOptions": {
                                           "Labels": {"made-by": "api"},
                                           "DriverConfig": {"Name": "local",
                                                            "Options": {"type": "tmpfs", "device": "tmpfs"}}}}]}},
                             name)
        assert status == 201, out
        v = json.loads(stack.doca("volume", "inspect", vol).stdout)[0]
        assert v["Labels"] == {"made-by": "api"} and v["Options"] == {"type": "tmpfs", "device": "tmpfs"}
        assert run_to_end(api, stack, name).strip() == "tmpfs"
        status, out = create(api, {"Image": "busybox", "HostConfig": {"Mounts": [
            {"Type": "volume", "Source": "x", "Target": "/v",
             "VolumeOptions": {"DriverConfig": {"Options": {"o": "size=1m,uid=1"}}}}]}})
        assert status == 400 and "comma" in out["message"]
    finally:
        api.remove_container(name, force=True)
        stack.doca("volume", "rm", "-f", vol, check=False)


@pytest.mark.parametrize("where, key", [
    ("Config", "Hostname"), ("Config", "Labels"), ("Config", "Healthcheck"), ("Config", "Env"),
    ("HostConfig", "NetworkMode"), ("HostConfig", "PortBindings"), ("HostConfig", "ConsoleSize"),
    ("HostConfig", "Ulimits"), ("HostConfig", "Devices"), ("HostConfig", "Mounts"), ("HostConfig", "Tmpfs"),
    ("HostConfig", "BlkioDeviceReadBps"), ("HostConfig", "Memory"), ("HostConfig", "StopTimeout"),
])
def test_values_of_the_wrong_type_are_400_never_500(api, stack, where, key):
    before = stack.doca("ps", "-aq").stdout
    for value in (5, "x", [5], {"a": 5}, [{"Name": 5}], 2 ** 70, {"Test": 5}):
        body = {"Image": "busybox", "HostConfig": {"NetworkMode": "none"}}
        (body if where == "Config" else body["HostConfig"])[key] = value
        status, out = create(api, body)
        if status == 201:
            api.remove_container(out["Id"], force=True)
            continue
        assert status == 400, (key, value, out)
    assert stack.doca("ps", "-aq").stdout == before
