"""Pull, push and login through the Docker Engine API against a real
registry (Debian's docker-registry on 127.0.0.1), with the Docker SDK and
the docker CLI: progress as Docker's JSON messages, errors before the stream
as statuses, errors after it as errorDetail lines."""
import base64
import io
import json
import tarfile

import docker
import pytest

from tests.support.registry import PASSWORD, USER


def _layer_image(api, repo: str, tag: str) -> str:
    """An image of its own (one small layer), so a pull has a layer to fetch."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = f"{repo}:{tag}\n".encode()
        info = tarfile.TarInfo("who.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    out = api.import_image_from_data(buf.getvalue(), repository=repo, tag=tag)
    return json.loads(out.strip().splitlines()[-1])["status"]


def test_push_then_pull_with_the_sdk(api, client, stack, registry, tags):
    repo = f"{registry.address}/d3/sdk"
    tags.append(f"{repo}:1")
    image_id = _layer_image(api, repo, "1")
    pushed = list(api.push(repo, tag="1", stream=True, decode=True))
    assert pushed[0] == {"status": f"The push refers to repository [{repo}]"}
    assert any(m.get("status") == "Pushed" and m.get("id") for m in pushed)
    aux = next(m["aux"] for m in pushed if "aux" in m)
    assert aux["Tag"] == "1" and aux["Digest"].startswith("sha256:") and aux["Size"] > 0
    api.remove_image(f"{repo}:1")
    stack.doca("image", "prune", "-f")  # the layer goes too: the pull fetches it
    pulled = list(api.pull(repo, tag="1", stream=True, decode=True))
    assert pulled[0] == {"status": "Pulling from d3/sdk", "id": "1"}
    assert any(m.get("status") == "Pull complete" and m["progressDetail"] == {} for m in pulled)
    assert {"status": f"Digest: {aux['Digest']}"} in pulled
    assert pulled[-1] == {"status": f"Status: Downloaded newer image for {repo}:1"}
    img = client.images.get(f"{repo}:1")
    assert img.id == image_id and f"{repo}@{aux['Digest']}" in img.attrs["RepoDigests"]
    # again: up to date; the high-level client gives the image back
    assert client.images.pull(repo, tag="1").id == image_id
    assert stack.doca("images", "-q", "--no-trunc", f"{repo}:1").stdout.strip() == image_id


def test_pull_errors(api, registry):
    with pytest.raises(docker.errors.NotFound) as e:  # before the stream: a status
        api.pull(f"{registry.address}/d3/none", tag="1")
    assert "manifest" in str(e.value)
    with pytest.raises(docker.errors.APIError) as e:
        api.pull("busybox", tag="latest", platform="linux/s390x")
    assert e.value.status_code == 400
    r = api._post(api._url("/images/create"), params={"fromImage": f"{registry.address}/d3/none"})
    assert r.status_code == 400 and "every tag" in r.json()["message"]  # no tag: docker pull -a
    r = api._post(api._url("/images/create"), params={"fromImage": "127.0.0.1:1/d3/none", "tag": "1"})
    assert r.status_code == 500 and "127.0.0.1:1" in r.json()["message"]  # as Docker's (503 is doca itself)


def test_push_of_a_missing_image_errors_in_the_stream(api, registry):
    out = list(api.push(f"{registry.address}/d3/absent", tag="1", stream=True, decode=True))
    assert out[0] == {"status": f"The push refers to repository [{registry.address}/d3/absent]"}
    assert out[-1]["errorDetail"]["message"].startswith("An image does not exist locally")
    assert out[-1]["error"] == out[-1]["errorDetail"]["message"]


def test_login_and_auth_with_a_registry_that_asks(api, client, stack, auth_registry, tags):
    server = auth_registry.address
    with pytest.raises(docker.errors.APIError) as e:
        api.login(USER, "wrong", registry=server, reauth=True)
    assert e.value.status_code == 401
    assert api.login(USER, PASSWORD, registry=server, reauth=True)["Status"] == "Login Succeeded"
    with pytest.raises(docker.errors.APIError) as e:
        api.login(USER, PASSWORD, registry="127.0.0.1:1", reauth=True)
    assert e.value.status_code == 500 and "127.0.0.1:1" in str(e.value)
    repo = f"{server}/d3/private"
    tags.append(f"{repo}:1")
    api.tag("busybox", repo, "1")
    auth = {"username": USER, "password": PASSWORD}
    out = list(api.push(repo, tag="1", auth_config=auth, stream=True, decode=True))
    assert not any("error" in m for m in out), out
    api.remove_image(f"{repo}:1")
    with pytest.raises(docker.errors.APIError) as e:  # no credentials: refused before the stream, 500 as Docker's
        api.pull(repo, tag="1", auth_config={})
    assert e.value.status_code == 500 and "credentials" in str(e.value)
    client.images.pull(repo, tag="1", auth_config=auth)
    # X-Registry-Auth as base64 JSON by hand (standard alphabet, padded)
    api.remove_image(f"{repo}:1")
    header = base64.b64encode(json.dumps(auth).encode()).decode()
    r = api._post(api._url("/images/create"), params={"fromImage": repo, "tag": "1"},
                  headers={"X-Registry-Auth": header})
    assert r.status_code == 200 and "Status: Downloaded newer image" in r.text


def test_build_from_a_private_registry_with_x_registry_config(api, client, auth_registry, tags):
    server = auth_registry.address
    repo = f"{server}/d3/base"
    tags += [f"{repo}:1", "d3-from-private:1"]
    auth = {"username": USER, "password": PASSWORD}
    api.tag("busybox", repo, "1")
    list(api.push(repo, tag="1", auth_config=auth, stream=True))
    api.remove_image(f"{repo}:1")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = f"FROM {repo}:1\nRUN echo private\n".encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    saved = client.api._auth_configs
    client.api._auth_configs = docker.auth.AuthConfig({"auths": {server: auth}})  # sent as X-Registry-Config
    try:
        img, logs = client.images.build(fileobj=buf, custom_context=True, tag="d3-from-private:1")
    finally:
        client.api._auth_configs = saved
    assert any(m.get("stream") == "private\n" for m in logs)


def test_docker_cli_push_pull_login(docker_cli, stack, registry, auth_registry, tags):
    repo = f"{registry.address}/d3/cli"
    tags.append(f"{repo}:1")
    docker_cli("tag", "busybox", f"{repo}:1")
    out = docker_cli("push", f"{repo}:1").stdout
    assert f"The push refers to repository [{repo}]" in out and "1: digest: sha256:" in out
    docker_cli("rmi", f"{repo}:1")
    out = docker_cli("pull", f"{repo}:1").stdout
    assert "1: Pulling from d3/cli" in out and f"Status: Downloaded newer image for {repo}:1" in out
    assert out.strip().splitlines()[-1] == f"{repo}:1"
    r = docker_cli("pull", f"{registry.address}/d3/none:1", check=False)
    assert r.returncode == 1 and "Error response from daemon: manifest for" in r.stderr
    r = docker_cli("login", "-u", USER, "--password-stdin", auth_registry.address, input=PASSWORD + "\n")
    assert "Login Succeeded" in r.stdout
    private = f"{auth_registry.address}/d3/cli-private:1"  # the CLI sends its stored credentials
    tags.append(private)
    docker_cli("tag", "busybox", private)
    docker_cli("push", private)
    docker_cli("rmi", private)
    assert f"Status: Downloaded newer image for {private}" in docker_cli("pull", private).stdout
    docker_cli("logout", auth_registry.address)
    docker_cli("rmi", private)
    r = docker_cli("pull", private, check=False)  # a 500 as Docker's (a 401 would make the CLI prompt)
    assert r.returncode == 1 and "Error response from daemon" in r.stderr and "credentials" in r.stderr
    r = docker_cli("login", "-u", USER, "--password-stdin", auth_registry.address, input="nope\n", check=False)
    assert r.returncode == 1


def test_push_without_a_tag_pushes_every_local_tag(api, registry, tags):
    repo = f"{registry.address}/d3/every"
    for t in ("1", "2"):
        api.tag("busybox", repo, t)
        tags.append(f"{repo}:{t}")
    out = list(api.push(repo, stream=True, decode=True))  # the SDK sends no tag
    assert [m for m in out if "status" in m and m["status"].startswith("The push refers")] == \
        [{"status": f"The push refers to repository [{repo}]"}]
    assert sorted(m["aux"]["Tag"] for m in out if "aux" in m) == ["1", "2"]
    assert not any("error" in m for m in out)
    out = list(api.push(f"{registry.address}/d3/none-here", stream=True, decode=True))
    assert out[-1]["error"].startswith("An image does not exist locally with the tag:")


def test_tag_parameter_replaces_the_names_tag(api, registry, tags):
    repo = f"{registry.address}/d3/retag"
    tags += [f"{repo}:2"]
    api.tag("busybox", repo, "2")
    r = api._post(api._url("/images/{0}/push", f"{repo}:1"), params={"tag": "2"}, headers={"X-Registry-Auth": "e30="})
    assert r.status_code == 200 and '"Tag":"2"' in r.text
    api.remove_image(f"{repo}:2")
    r = api._post(api._url("/images/create"), params={"fromImage": f"{repo}:1", "tag": "2"})
    assert r.status_code == 200 and f"Status: Downloaded newer image for {repo}:2" in r.text
