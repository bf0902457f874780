"""Helpers for the save/load tests: image archives built by hand in the
formats other tools write (OCI image layout, docker save before and after
Docker 25), with plain, gzip or zstd layers. (Named test_images_* because
only such files belong to the images suite; it holds no tests itself.)"""
import gzip
import hashlib
import io
import json
import pathlib
import tarfile

import zstandard

from services.images import builtin
from tests.support.tarkit import reg, tar_bytes


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def compress(data: bytes, kind: str) -> bytes:
    if kind == "gzip":
        return gzip.compress(data, compresslevel=1)
    if kind == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    return data


LAYER_TYPES = {"none": "application/vnd.oci.image.layer.v1.tar",
               "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
               "zstd": "application/vnd.oci.image.layer.v1.tar+zstd"}


class Image:
    """An image as plain layer tars and a config; blobs in any compression."""

    def __init__(self, layers: list[bytes], cmd=("sh",), compression="none", config_extra=None):
        self.plain = list(layers)
        self.compression = compression if isinstance(compression, list) else [compression] * len(layers)
        self.blobs = [compress(p, k) for p, k in zip(self.plain, self.compression)]
        config = {"architecture": "amd64", "os": "linux", "created": "2025-01-01T00:00:00Z",
                  "config": {"Env": [builtin.PATH_ENV], "Cmd": list(cmd)},
                  "rootfs": {"type": "layers", "diff_ids": [sha(p) for p in self.plain]},
                  "history": [{"created": "2025-01-01T00:00:00Z", "created_by": f"layer {i}"}
                              for i in range(len(layers))]}
        config.update(config_extra or {})
        self.config = json.dumps(config).encode()
        self.id = sha(self.config)
        self.manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": self.id,
                       "size": len(self.config)},
            "layers": [{"mediaType": LAYER_TYPES[k], "digest": sha(b), "size": len(b)}
                       for b, k in zip(self.blobs, self.compression)]}).encode()


def busybox_layer() -> bytes:
    return builtin.rootfs_tar()[0]


def file_layer(name: str, data: bytes) -> bytes:
    return tar_bytes([reg(name, data)])


def write_oci_layout(root, images: list[tuple[Image, str]]) -> pathlib.Path:
    """An OCI image layout directory; each image named by ref (a tag such
    as "1" or a full name) in org.opencontainers.image.ref.name."""
    root = pathlib.Path(root)
    blobs = root / "blobs" / "sha256"
    blobs.mkdir(parents=True, exist_ok=True)
    manifests = []
    for img, ref in images:
        for data in [img.config, img.manifest, *img.blobs]:
            (blobs / sha(data)[7:]).write_bytes(data)
        desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(img.manifest),
                "size": len(img.manifest)}
        if ref:
            desc["annotations"] = {"org.opencontainers.image.ref.name": ref}
        manifests.append(desc)
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": manifests}))
    return root


def tar_of_dir(root) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for p in sorted(pathlib.Path(root).rglob("*")):
            tar.add(p, arcname=str(p.relative_to(root)), recursive=False)
    return buf.getvalue()


def docker_archive(images: list[tuple[Image, list[str]]], legacy_links: bool = True) -> bytes:
    """`docker save` as Docker before 25 and podman write it: <hex>.json
    configs, <hex>.tar layers, manifest.json, and legacy <id>/layer.tar
    links to the layers."""
    members: dict[str, bytes | str] = {}
    entries = []
    for img, tags in images:
        members[img.id[7:] + ".json"] = img.config
        layer_paths = []
        for i, blob in enumerate(img.blobs):
            name = sha(blob)[7:] + ".tar"
            members[name] = blob
            if legacy_links:
                members[f"{hashlib.sha256(f'{img.id}{i}'.encode()).hexdigest()}/layer.tar"] = "../" + name
            layer_paths.append(name)
        entries.append({"Config": img.id[7:] + ".json", "RepoTags": tags, "Layers": layer_paths})
    members["manifest.json"] = json.dumps(entries).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in members.items():
            ti = tarfile.TarInfo(name)
            if isinstance(data, str):
                ti.type, ti.linkname = tarfile.SYMTYPE, data
                tar.addfile(ti)
            else:
                ti.size = len(data)
                tar.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def members_of(archive: bytes) -> dict[str, bytes]:
    out = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for m in tar:
            if m.isreg():
                out[m.name] = tar.extractfile(m).read()
    return out
