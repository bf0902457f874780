"""The registry client's pieces that need no server: WWW-Authenticate
parsing, the insecure-registries rule, credentials in config.json, the
reference's registry as the CLI reads it, Docker Hub's names."""
import json
import os
import stat

import pytest

from gateway.cli import credentials
from services.images.registry import auth, hosts, login


def test_challenges():
    cs = auth.parse_challenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
                               'scope="repository:samalba/my-app:pull,push"')
    assert len(cs) == 1 and cs[0].scheme == "bearer"
    assert cs[0].params == {"realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                            "scope": "repository:samalba/my-app:pull,push"}
    cs = auth.parse_challenges('Basic realm="Registry Realm", Bearer realm="https://x/token",service=x')
    assert [c.scheme for c in cs] == ["basic", "bearer"]
    assert auth.pick(cs).scheme == "bearer" and cs[1].params["service"] == "x"
    assert auth.parse_challenges('Basic realm="a \\"quoted\\" realm"')[0].params["realm"] == 'a "quoted" realm'
    assert auth.pick(auth.parse_challenges("")) is None


def test_insecure_policy():
    p = hosts.InsecurePolicy(["registry.local:5000", "10.9.0.0/16"])
    for host in ("127.0.0.1:5000", "127.3.4.5", "localhost:5000", "[::1]:5000", "registry.local:5000",
                 "10.9.1.1:443"):
        assert p.allows(host), host
    for host in ("registry.local:6000", "example.com", "10.8.0.1:5000", "192.168.1.1"):
        assert not p.allows(host), host
    assert hosts.server("docker.io") == "registry-1.docker.io"


def test_login_server_names():
    assert login.domain_of("") == "docker.io"
    assert login.domain_of("https://index.docker.io/v1/") == "docker.io"
    assert login.domain_of("http://127.0.0.1:5000/") == "127.0.0.1:5000"


@pytest.mark.parametrize("ref,domain", [
    ("busybox", "docker.io"), ("library/busybox:1", "docker.io"), ("user/app", "docker.io"),
    ("127.0.0.1:5000/app", "127.0.0.1:5000"), ("localhost/app@sha256:" + "a" * 64, "localhost"),
    ("registry.example.com/a/b:c", "registry.example.com"), ("index.docker.io/library/x", "docker.io"),
])
def test_cli_reads_the_registry_of_a_reference(ref, domain):
    assert credentials.domain_of_reference(ref) == domain


def test_credentials_file(docker_config):
    assert credentials.get("127.0.0.1:5000") == ("", "", "")
    credentials.store("127.0.0.1:5000", "ana", "pw:with:colons")
    credentials.store("docker.io", "bob", "hub")
    path = docker_config / "config.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    doc = json.loads(path.read_text())
    assert set(doc["auths"]) == {"127.0.0.1:5000", "https://index.docker.io/v1/"}
    assert credentials.get("127.0.0.1:5000") == ("ana", "pw:with:colons", "")
    assert credentials.get("docker.io") == ("bob", "hub", "")
    # Other settings in the file are kept; entries written as URLs are found.
    doc["auths"]["https://other.example.com/"] = {"auth": "Y2FybDp4", "identitytoken": "tok"}
    doc["detachKeys"] = "ctrl-x"
    path.write_text(json.dumps(doc))
    assert credentials.get("other.example.com") == ("carl", "x", "tok")
    assert credentials.erase("127.0.0.1:5000") and not credentials.erase("127.0.0.1:5000")
    assert json.loads(path.read_text())["detachKeys"] == "ctrl-x"


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_https_with_the_system_cas_and_insecure_registries(monkeypatch):
    """distribution with TLS on 127.0.0.1: an insecure registry (loopback,
    by default) is spoken to over HTTPS without checks; otherwise the
    certificate must chain to the system's CAs (here: SSL_CERT_FILE)."""
    from common.errors import FailedPrecondition
    from services.images.registry.client import RegistryClient
    from tests.support.registry import Registry
    r = Registry(tls=True).start()
    try:
        assert RegistryClient(r.address).connect().base == f"https://{r.address}"
        strict = hosts.InsecurePolicy([], defaults=False)
        with pytest.raises(FailedPrecondition, match="not trusted"):
            RegistryClient(r.address, policy=strict).connect()
        monkeypatch.setenv("SSL_CERT_FILE", str(r.cert))  # read by OpenSSL's default verify paths
        assert RegistryClient(r.address, policy=strict).connect().base == f"https://{r.address}"
    finally:
        r.destroy()
