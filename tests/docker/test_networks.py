"""Networks through the Engine API: list, inspect, create, connect,
disconnect, remove, prune, with the Docker SDK and the docker CLI; doca
sees the same networks and endpoints."""
import json
import uuid

import docker
import pytest


@pytest.fixture
def net_name(stack):
    made = f"d4n-{uuid.uuid4().hex[:8]}"
    yield made
    stack.doca("network", "rm", made, check=False)


@pytest.fixture
def sleeper(stack):
    """A running container on the default bridge, removed after the test."""
    cid = stack.doca("run", "-d", "busybox", "sleep", "300").stdout.strip()
    yield cid
    stack.doca("rm", "-f", cid, check=False)


def test_create_inspect_list_remove(client, api, stack, net_name):
    ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="10.197.3.0/24", gateway="10.197.3.1")])
    net = client.networks.create(net_name, driver="bridge", ipam=ipam, labels={"d4": "yes"}, internal=True)
    doc = api.inspect_network(net.id)
    assert doc["Name"] == net_name and doc["Id"] == net.id and doc["Driver"] == "bridge"
    assert doc["Scope"] == "local" and doc["Internal"] is True and doc["EnableIPv6"] is False
    assert doc["IPAM"]["Config"][0]["Subnet"] == "10.197.3.0/24"
    assert doc["IPAM"]["Config"][0]["Gateway"] == "10.197.3.1"
    assert doc["Labels"] == {"d4": "yes"} and doc["Containers"] == {}
    assert api.inspect_network(net_name, scope="local")["Id"] == net.id
    with pytest.raises(docker.errors.NotFound):
        api.inspect_network(net_name, scope="swarm")  # no doca network is in another scope
    seen = json.loads(stack.doca("network", "inspect", net_name).stdout)[0]
    assert seen["Id"] == net.id
    listed = api.networks(filters={"label": "d4=yes"})
    assert [n["Name"] for n in listed] == [net_name]
    names = {n["Name"] for n in api.networks()}
    assert {"bridge", "host", "none", net_name} <= names
    assert [n["Name"] for n in api.networks(names=[net_name])] == [net_name]
    net.remove()
    assert net_name not in stack.doca("network", "ls", "--format", "{{.Name}}").stdout.split()


def test_connect_with_alias_and_address_then_disconnect(client, api, stack, net_name, sleeper):
    ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="10.197.4.0/24")])
    net = client.networks.create(net_name, ipam=ipam)
    api.connect_container_to_network(sleeper, net.id, aliases=["web-d4"], ipv4_address="10.197.4.77")
    doc = api.inspect_network(net_name)
    assert doc["Containers"][sleeper]["IPv4Address"] == "10.197.4.77/24"
    settings = api.inspect_container(sleeper)["NetworkSettings"]["Networks"][net_name]
    assert settings["IPAddress"] == "10.197.4.77" and "web-d4" in (settings["Aliases"] or [])
    # the container has the address on an interface of its own
    out = stack.doca("exec", sleeper, "ip", "-4", "addr").stdout
    assert "10.197.4.77/24" in out
    # connected twice: Docker's conflict
    with pytest.raises(docker.errors.APIError) as e:
        api.connect_container_to_network(sleeper, net.id)
    assert e.value.status_code in (403, 409) and "already exists" in e.value.explanation
    api.disconnect_container_from_network(sleeper, net.id, force=True)
    assert api.inspect_network(net_name)["Containers"] == {}
    assert net_name not in api.inspect_container(sleeper)["NetworkSettings"]["Networks"]


def test_errors_in_dockers_words(api, stack, net_name, sleeper):
    with pytest.raises(docker.errors.NotFound) as e:
        api.inspect_network("no-such-d4-net")
    assert e.value.explanation == "network no-such-d4-net not found"
    with pytest.raises(docker.errors.NotFound):
        api.remove_network("no-such-d4-net")
    with pytest.raises(docker.errors.APIError) as e:
        api.remove_network("bridge")
    assert e.value.status_code == 403
    assert e.value.explanation == "bridge is a pre-defined network and cannot be removed"
    api.create_network(net_name)
    with pytest.raises(docker.errors.APIError) as e:
        api.create_network(net_name)
    assert e.value.status_code == 409 and "already exists" in e.value.explanation
    with pytest.raises(docker.errors.NotFound) as e:
        api.connect_container_to_network("no-such-d4-ctr", net_name)
    assert e.value.explanation == "No such container: no-such-d4-ctr"
    with pytest.raises(docker.errors.APIError) as e:
        api.inspect_network(net_name, verbose="nah")
    assert e.value.status_code == 400


@pytest.mark.parametrize("body, field", [
    ({"EnableIPv6": True}, "EnableIPv6"),
    ({"Ingress": True}, "Ingress"),
    ({"ConfigOnly": True}, "ConfigOnly"),
    ({"IPAM": {"Config": [{"Subnet": "10.197.5.0/24"}, {"Subnet": "10.197.6.0/24"}]}}, "IPAM.Config"),
])
def test_what_doca_cannot_make_is_refused_naming_the_field(api, stack, net_name, body, field):
    r = api._post_json(api._url("/networks/create"), data={"Name": net_name, **body})
    assert r.status_code == 400 and field in r.json()["message"]
    assert net_name not in stack.doca("network", "ls", "--format", "{{.Name}}").stdout.split()


def test_connect_refuses_what_it_cannot_honour(api, net_name, sleeper):
    net = api.create_network(net_name)["Id"]
    r = api._post_json(api._url("/networks/{0}/connect", net),
                       data={"Container": sleeper, "EndpointConfig": {"IPAMConfig": {"IPv6Address": "fd00::5"}}})
    assert r.status_code == 400 and "IPv6Address" in r.json()["message"]


def test_prune_with_a_label(client, api, stack, net_name):
    other = net_name + "-keep"
    client.networks.create(net_name, labels={"d4prune": "1"})
    client.networks.create(other)
    try:
        r = api.prune_networks(filters={"label": "d4prune=1"})
        assert r["NetworksDeleted"] == [net_name]
        names = stack.doca("network", "ls", "--format", "{{.Name}}").stdout.split()
        assert net_name not in names and other in names
        assert api.prune_networks(filters={"label": "d4prune=1"})["NetworksDeleted"] is None
    finally:
        stack.doca("network", "rm", other, check=False)


def test_docker_cli_network_verbs(docker_cli, stack, net_name, sleeper):
    docker_cli("network", "create", "--subnet", "10.197.7.0/24", "--label", "k=v", net_name)
    assert docker_cli("network", "inspect", "-f", "{{.Name}} {{(index .IPAM.Config 0).Subnet}}",
                      net_name).stdout.strip() == f"{net_name} 10.197.7.0/24"
    assert net_name in docker_cli("network", "ls", "--filter", "label=k=v", "--format", "{{.Name}}").stdout.split()
    docker_cli("network", "connect", "--alias", "svc", net_name, sleeper)
    assert sleeper in docker_cli("network", "inspect", "-f", "{{json .Containers}}", net_name).stdout
    docker_cli("network", "disconnect", net_name, sleeper)
    r = docker_cli("network", "rm", "bridge", check=False)
    assert r.returncode == 1 and "pre-defined network" in r.stderr
    docker_cli("network", "rm", net_name)
    assert net_name not in stack.doca("network", "ls", "--format", "{{.Name}}").stdout.split()


def test_ipam_range_aux_addresses_options_and_attachable(api, stack, net_name):
    ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(
        subnet="10.197.8.0/24", gateway="10.197.8.1", iprange="10.197.8.128/25", aux_addresses={"rtr": "10.197.8.130"})])
    api.create_network(net_name, ipam=ipam, attachable=True, options={"com.docker.network.driver.mtu": "1400"})
    doc = api.inspect_network(net_name)
    conf = doc["IPAM"]["Config"][0]
    assert conf["Subnet"] == "10.197.8.0/24" and conf["IPRange"] == "10.197.8.128/25"
    assert conf["AuxiliaryAddresses"] == {"rtr": "10.197.8.130"}
    assert doc["Attachable"] is True and doc["Options"]["com.docker.network.driver.mtu"] == "1400"
    cid = stack.doca("run", "-d", "--network", net_name, "busybox", "sleep", "300").stdout.strip()
    try:
        ip = api.inspect_container(cid)["NetworkSettings"]["Networks"][net_name]["IPAddress"]
        last = int(ip.rsplit(".", 1)[1])
        assert last >= 128 and ip != "10.197.8.130"  # from the range, never the reserved one
    finally:
        stack.doca("rm", "-f", cid)


def test_list_dangling_as_dockers_daemon(api, net_name):
    api.create_network(net_name)
    custom = [n["Name"] for n in api.networks(filters={"dangling": "true"})]
    assert net_name in custom and not {"bridge", "host", "none"} & set(custom)
    assert {n["Name"] for n in api.networks(filters={"dangling": "false"})} == {"bridge", "host", "none"}
    r = api._get(api._url("/networks"), params={"filters": '{"dangling":["maybe"]}'})
    assert r.status_code == 400 and "invalid value for filter 'dangling'" in r.json()["message"]
