"""The gateway's TCP listener: off by default, mutual TLS only when on.
Certificates are made with openssl for each run: a CA that signs the
gateway (for 127.0.0.1) and one client, and a second CA whose client the
gateway must refuse. The CLI (its own HTTP/2 over ssl) and grpcurl call
through it; a client without a certificate, with a stranger's, or in
plaintext gets nothing."""
import json
import os
import subprocess

import pytest

from tests.support import grpcurl
from tests.support.stack import DOCA, Stack, free_port


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _ca(d, name):
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{name}-key.pem", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN={name}", cwd=d)


def _signed(d, ca, name, ext):
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{name}-key.pem", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
    (d / f"{name}.ext").write_text(ext)
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}-key.pem",
             "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext", cwd=d)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    _ca(d, "ca")
    _signed(d, "ca", "server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    _signed(d, "ca", "client", "extendedKeyUsage=clientAuth\n")
    _ca(d, "stranger-ca")
    _signed(d, "stranger-ca", "stranger", "extendedKeyUsage=clientAuth\n")
    for name in ("server-key", "client-key", "stranger-key"):
        os.chmod(d / f"{name}.pem", 0o600)
    return d


@pytest.fixture(scope="module")
def tls_stack(certs, tmp_path_factory):
    addr = f"127.0.0.1:{free_port()}"
    s = Stack(tmp_path_factory.mktemp("tls-stack"), "tls", daemon_env={
        "DOCA_TCP_ADDR": addr, "DOCA_TLS_CA": str(certs / "ca.pem"),
        "DOCA_TLS_CERT": str(certs / "server.pem"), "DOCA_TLS_KEY": str(certs / "server-key.pem")})
    s.tcp_addr = addr
    s.start()
    try:
        yield s
    finally:
        s.destroy()


def _doca(stack, *args, env=None, check=True):
    e = {k: v for k, v in os.environ.items() if k != "DOCA_HOST"}
    e.update(env or {})
    r = subprocess.run([DOCA, *args], env=e, capture_output=True, text=True, timeout=60)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def _client_flags(certs, who="client", ca="ca"):
    return ["--tlscacert", str(certs / f"{ca}.pem"), "--tlscert", str(certs / f"{who}.pem"),
            "--tlskey", str(certs / f"{who}-key.pem")]


def test_cli_over_mutual_tls(tls_stack, certs):
    host = f"tcp://{tls_stack.tcp_addr}"
    r = _doca(tls_stack, "-H", host, *_client_flags(certs), "run", "--rm", "busybox", "echo", "over tls")
    assert r.stdout == "over tls\n"
    # the same files found in DOCA_CERT_PATH, as Docker's DOCKER_CERT_PATH
    path = certs / "cert-path"
    path.mkdir(exist_ok=True)
    for src, dst in (("ca.pem", "ca.pem"), ("client.pem", "cert.pem"), ("client-key.pem", "key.pem")):
        (path / dst).write_bytes((certs / src).read_bytes())
    r = _doca(tls_stack, "ps", "-a", "--format", "json", env={"DOCA_HOST": host, "DOCA_CERT_PATH": str(path)})
    assert r.returncode == 0
    # interactive stdin through the bidi stream over TLS
    r = subprocess.run([DOCA, "-H", host, *_client_flags(certs), "run", "--rm", "-i", "busybox", "wc", "-c"],
                       input="x" * 200000, capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "200000"


def test_clients_without_the_right_certificate_get_nothing(tls_stack, certs):
    host = f"tcp://{tls_stack.tcp_addr}"
    # no files at all: one line saying what is missing
    r = _doca(tls_stack, "-H", host, "ps", env={"DOCA_CERT_PATH": str(certs / "nowhere")}, check=False)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "needs mutual TLS" in r.stderr and "DOCA_CERT_PATH" in r.stderr
    # a client certificate from another CA: refused by the gateway
    r = _doca(tls_stack, "-H", host, *_client_flags(certs, "stranger"), "ps", check=False)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "TLS" in r.stderr, r.stderr
    # the gateway's certificate checked against a CA that did not sign it
    r = _doca(tls_stack, "-H", host, *_client_flags(certs, "client", ca="stranger-ca"), "ps", check=False)
    assert r.returncode == 1 and "TLS" in r.stderr and "CERTIFICATE_VERIFY_FAILED" in r.stderr, r.stderr
    # plaintext HTTP/2 on the TLS port
    r = subprocess.run([grpcurl.GRPCURL, "-plaintext", tls_stack.tcp_addr, "list"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0


def test_grpcurl_with_client_certificate(tls_stack, certs):
    r = subprocess.run([grpcurl.GRPCURL, "-cacert", str(certs / "ca.pem"), "-cert", str(certs / "client.pem"),
                        "-key", str(certs / "client-key.pem"), tls_stack.tcp_addr, "list"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "doca.v1.Containers" in r.stdout.split()
    r = subprocess.run([grpcurl.GRPCURL, "-cacert", str(certs / "ca.pem"), tls_stack.tcp_addr, "list"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0  # no client certificate


def test_tcp_is_off_by_default_and_never_without_tls(stack, certs, tmp_path):
    # the default stack listens on its unix sockets and the metrics port only
    out = subprocess.run(["ss", "-Htlnp"], capture_output=True, text=True).stdout
    gateway_pids = subprocess.run(["pgrep", "-f", "--", f"-m gateway --root {stack.root} "], capture_output=True,
                                  text=True).stdout.split()
    listening = [line for line in out.splitlines() if any(f"pid={p}," in line for p in gateway_pids)]
    assert [line.split()[3] for line in listening] == [stack.metrics_addr]
    # --tcp-addr without the TLS files: the daemon refuses to start, one line
    s = Stack(tmp_path, "notls")
    r = subprocess.run([DOCA, "daemon", *s.flags, "--tcp-addr", f"127.0.0.1:{free_port()}"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        f"doca daemon: --tcp-addr 127.0.0.1:{r.stderr.split('127.0.0.1:')[1].split()[0]} needs "
        "--tls-ca, --tls-cert, --tls-key: the TCP listener serves mutual TLS only"]
    r = subprocess.run([DOCA, "daemon", *s.flags, "--tcp-addr", "127.0.0.1:1", "--tls-ca", str(certs / "ca.pem"),
                        "--tls-cert", str(certs / "server.pem"), "--tls-key", str(tmp_path / "missing.pem")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "cannot read the key" in r.stderr and r.stderr.count("\n") == 1
    assert not s.root.exists() or not any(s.run_dir.glob("*.sock"))


def test_inspect_over_tls_matches_the_socket(tls_stack, certs):
    cid = tls_stack.doca("run", "-d", "busybox", "sleep", "30").stdout.strip()
    try:
        over_tls = _doca(tls_stack, "-H", f"tcp://{tls_stack.tcp_addr}", *_client_flags(certs), "inspect", cid)
        local = tls_stack.doca("inspect", cid)
        assert json.loads(over_tls.stdout)[0]["Id"] == json.loads(local.stdout)[0]["Id"] == cid
    finally:
        tls_stack.doca("rm", "-f", cid)
