"""Registries for the suite, all on 127.0.0.1 and all stopped after use.

`Registry`: Debian's docker-registry (CNCF distribution 2.8) with a config of
our own in a temporary directory (the packaged one binds every interface and
turns on htpasswd): without auth, or with htpasswd basic auth. Its access log
(one line per request, combined log format on stdout) says what it received,
so a test can count the uploads of a push.
"""
import base64
import json
import os
import pathlib
import re
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt  # bcrypt hashes for htpasswd, from libxcrypt (the module leaves Python in 3.13)

from tests.support.stack import free_port

BINARY = "/usr/bin/docker-registry"
USER, PASSWORD = "doca", "s3cret-pass"

_ACCESS_RE = re.compile(r'"(?P<method>[A-Z]+) (?P<uri>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) ')


class Registry:
    def __init__(self, auth: bool = False, tls: bool = False):
        self.auth = auth
        self.tls = tls
        self.base = pathlib.Path(tempfile.mkdtemp(prefix="doca-registry-"))
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def _config(self) -> str:
        lines = [
            "version: 0.1",
            "log:",
            "  level: warn",
            "storage:",
            "  filesystem:",
            f"    rootdirectory: {self.base / 'data'}",
            "  delete:",
            "    enabled: true",
            "http:",
            f"  addr: {self.address}",
            f"  secret: {os.urandom(16).hex()}",
        ]
        if self.tls:
            self.cert = self.base / "cert.pem"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                            "-keyout", str(self.base / "key.pem"), "-out", str(self.cert)],
                           check=True, capture_output=True)
            lines += ["  tls:", f"    certificate: {self.cert}", f"    key: {self.base / 'key.pem'}"]
        if self.auth:
            hashed = crypt.crypt(PASSWORD, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 5))
            (self.base / "htpasswd").write_text(f"{USER}:{hashed}\n")
            lines += ["auth:", "  htpasswd:", "    realm: doca-test", f"    path: {self.base / 'htpasswd'}"]
        return "\n".join(lines) + "\n"

    def start(self) -> "Registry":
        cfg = self.base / "config.yml"
        cfg.write_text(self._config())
        self.access = open(self.base / "access.log", "wb")
        self.errlog = open(self.base / "registry.log", "wb")
        # env -i: the registry reads REGISTRY_* variables as overrides.
        self.proc = subprocess.Popen(["env", "-i", BINARY, "serve", str(cfg)], cwd="/",
                                     stdout=self.access, stderr=self.errlog, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"docker-registry exited: {self.log_text()}")
            if self.status("/v2/") in (200, 401):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"docker-registry did not answer: {self.log_text()}")

    def log_text(self) -> str:
        return (self.base / "registry.log").read_text(errors="replace")[-3000:]

    def _headers(self) -> dict:
        if not self.auth:
            return {}
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def status(self, path: str, method: str = "GET") -> int:
        scheme = "https" if self.tls else "http"
        req = urllib.request.Request(f"{scheme}://{self.address}{path}", method=method, headers=self._headers())
        context = ssl._create_unverified_context() if self.tls else None
        try:
            with urllib.request.urlopen(req, timeout=5, context=context) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return 0

    def get_json(self, path: str, accept: str = "") -> dict:
        headers = self._headers()
        if accept:
            headers["Accept"] = accept
        req = urllib.request.Request(f"http://{self.address}{path}", headers=headers)
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def requests(self) -> list[tuple[str, str, int]]:
        """(method, uri, status) of every request received so far."""
        self.access.flush()
        out = []
        for line in (self.base / "access.log").read_text(errors="replace").splitlines():
            m = _ACCESS_RE.search(line)
            if m:
                out.append((m["method"], m["uri"], int(m["status"])))
        return out

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
            self.access.close()
            self.errlog.close()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def stored(stack) -> dict:
    """What a stack's images service holds: blobs, ingest and temp files."""
    root = stack.root / "images"
    return {"blobs": sorted(p.name for p in (root / "blobs" / "sha256").iterdir()),
            "ingest": sorted(p.name for p in (root / "ingest").iterdir()),
            "tmp": sorted(p.name for p in (root / "tmp").iterdir()),
            "layers": sorted(p.name for p in (root / "layers").iterdir())}
