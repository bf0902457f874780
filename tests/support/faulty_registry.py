"""A small registry of our own on 127.0.0.1 for what a real one will not do:
serve a blob whose bytes do not match its digest, cut a download short,
stall mid-blob, ask for bearer tokens from its own token endpoint, serve
an index with several platforms. It serves only what a test put in it
(`add_image`), and counts the requests it got.

Also `make_image`: an image (config, gzip layers, manifest) built in
memory from {path: bytes} dicts, one dict per layer."""
import base64
import gzip
import hashlib
import http.server
import io
import json
import pathlib
import re
import tarfile
import threading
import time

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def layer_tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size, info.mtime = len(data), 1700000000
            info.mode = 0o755 if path.startswith("bin/") else 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class Image:
    def __init__(self, layers: list[dict[str, bytes]], docker_types: bool = False, cmd=("sh",)):
        plain = [layer_tar(f) for f in layers]
        self.blobs: dict[str, bytes] = {}
        self.layer_digests = []
        descs = []
        layer_type = ("application/vnd.docker.image.rootfs.diff.tar.gzip" if docker_types
                      else "application/vnd.oci.image.layer.v1.tar+gzip")
        for p in plain:
            z = gzip.compress(p, compresslevel=1, mtime=0)
            self.blobs[digest(z)] = z
            self.layer_digests.append(digest(z))
            descs.append({"mediaType": layer_type, "digest": digest(z), "size": len(z)})
        config = {"architecture": "amd64", "os": "linux", "config": {"Cmd": list(cmd)},
                  "rootfs": {"type": "layers", "diff_ids": [digest(p) for p in plain]},
                  "history": [{"created_by": "test"} for _ in plain]}
        self.config = json.dumps(config).encode()
        self.id = digest(self.config)
        self.blobs[self.id] = self.config
        self.media_type = DOCKER_MANIFEST if docker_types else OCI_MANIFEST
        self.manifest = json.dumps({
            "schemaVersion": 2, "mediaType": self.media_type,
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json" if docker_types
                       else "application/vnd.oci.image.config.v1+json",
                       "digest": self.id, "size": len(self.config)},
            "layers": descs}).encode()
        self.manifest_digest = digest(self.manifest)

    def write_oci_layout(self, path, ref_name: str = "") -> None:
        """The image as an OCI image layout directory (what skopeo copies
        from with oci:PATH[:REF]); `ref_name`: its org.opencontainers.image.ref.name."""
        blobs = pathlib.Path(path) / "blobs" / "sha256"
        blobs.mkdir(parents=True)
        for d, data in list(self.blobs.items()) + [(self.manifest_digest, self.manifest)]:
            (blobs / d[7:]).write_bytes(data)
        desc = {"mediaType": self.media_type, "digest": self.manifest_digest, "size": len(self.manifest)}
        if ref_name:
            desc["annotations"] = {"org.opencontainers.image.ref.name": ref_name}
        (pathlib.Path(path) / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
        (pathlib.Path(path) / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [desc]}))


def make_index(entries: list[tuple[Image, str]], docker_types: bool = False) -> bytes:
    """An index of images, each with its "os/arch"."""
    media = DOCKER_LIST if docker_types else OCI_INDEX
    return json.dumps({"schemaVersion": 2, "mediaType": media, "manifests": [
        {"mediaType": img.media_type, "digest": img.manifest_digest, "size": len(img.manifest),
         "platform": {"os": plat.split("/")[0], "architecture": plat.split("/")[1]}}
        for img, plat in entries]}).encode()


_MANIFEST_RE = re.compile(r"^/v2/(?P<repo>.+)/manifests/(?P<ref>[^/]+)$")
_BLOB_RE = re.compile(r"^/v2/(?P<repo>.+)/blobs/(?P<digest>sha256:[0-9a-f]{64})$")


class FaultyRegistry:
    """faults: {blob digest: "bad-digest" | "truncate" | "truncate-once" |
    "stall"}; token_auth: (user, password) to require bearer tokens."""

    def __init__(self, token_auth: tuple[str, str] | None = None, throttle: float = 0.0):
        self.manifests: dict[tuple[str, str], tuple[str, bytes]] = {}
        self.blobs: dict[str, bytes] = {}
        self.faults: dict[str, str] = {}
        self.token_auth = token_auth
        self.throttle = throttle          # seconds per 64 KiB of blob, to make transfers overlap
        self.log: list[tuple[str, str]] = []
        self.stall = threading.Event()    # set to let stalled blobs go on
        self._served_once: set[str] = set()
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        handler = self._handler_class()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FaultyRegistry":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stall.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def add_image(self, repo: str, tag: str, img: Image) -> None:
        self.blobs.update(img.blobs)
        self.manifests[(repo, tag)] = (img.media_type, img.manifest)
        self.manifests[(repo, img.manifest_digest)] = (img.media_type, img.manifest)

    def add_index(self, repo: str, tag: str, index: bytes, images: list[Image]) -> str:
        for img in images:
            self.blobs.update(img.blobs)
            self.manifests[(repo, img.manifest_digest)] = (img.media_type, img.manifest)
        media = json.loads(index)["mediaType"]
        self.manifests[(repo, tag)] = (media, index)
        self.manifests[(repo, digest(index))] = (media, index)
        return digest(index)

    def count(self, method: str, path_prefix: str) -> int:
        with self._lock:
            return sum(1 for m, p in self.log if m == method and p.startswith(path_prefix))

    def _handler_class(self):
        reg = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, status, body=b"", headers=None):
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _authorized(self) -> bool:
                if reg.token_auth is None:
                    return True
                header = self.headers.get("Authorization", "")
                if header.startswith("Bearer ") and header[7:] in reg._tokens:
                    return True
                realm = f"http://{reg.address}/token"
                self._send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                           {"WWW-Authenticate": f'Bearer realm="{realm}",service="faulty",scope="x"',
                            "Content-Type": "application/json"})
                return False

            def _token(self):
                user, password = reg.token_auth
                expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self._send(401, b'{"details":"incorrect username or password"}')
                    return
                token = hashlib.sha256(str(time.time()).encode()).hexdigest()
                reg._tokens.add(token)
                self._send(200, json.dumps({"token": token, "expires_in": 300}).encode(),
                           {"Content-Type": "application/json"})

            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                with reg._lock:
                    reg.log.append((self.command, path))
                if path == "/token":
                    return self._token()
                if not self._authorized():
                    return
                if path == "/v2/":
                    return self._send(200, b"{}")
                m = _MANIFEST_RE.match(path)
                if m:
                    found = reg.manifests.get((m["repo"], m["ref"]))
                    if found is None:
                        return self._send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')
                    return self._send(200, found[1], {"Content-Type": found[0],
                                                      "Docker-Content-Digest": digest(found[1])})
                m = _BLOB_RE.match(path)
                if m and m["digest"] in reg.blobs:
                    return self._blob(m["digest"])
                self._send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}')

            def _blob(self, d):
                data = reg.blobs[d]
                fault = reg.faults.get(d)
                if fault == "bad-digest":
                    data = bytes([data[0] ^ 0xFF]) + data[1:]
                start = 0
                rng = self.headers.get("Range", "")
                if rng.startswith("bytes=") and fault != "truncate":
                    start = int(rng[6:].split("-")[0])
                body = data[start:]
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Content-Type", "application/octet-stream")
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if self.command == "HEAD":
                    return
                cut = len(body)
                with reg._lock:
                    first = d not in reg._served_once
                    reg._served_once.add(d)
                if fault == "truncate" or (fault == "truncate-once" and first):
                    cut = len(body) // 2
                step = 1 << 16
                for i in range(0, cut, step):
                    if fault == "stall" and i >= cut // 2:
                        reg.stall.wait(60)
                    self.wfile.write(body[i:min(i + step, cut)])
                    if reg.throttle:
                        time.sleep(reg.throttle)
                if cut < len(body):
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)

        return Handler
