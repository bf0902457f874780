"""OCI image documents: building and reading manifests and configs.

Documents are serialised canonically (sorted keys, no spaces) so the same
content always has the same digest: an image id is stable.
"""
import datetime
import json

from common.errors import FailedPrecondition

MEDIA_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_INDEX = "application/vnd.oci.image.index.v1+json"
MEDIA_CONFIG = "application/vnd.oci.image.config.v1+json"
MEDIA_LAYER = "application/vnd.oci.image.layer.v1.tar"
MEDIA_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
MEDIA_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
# Docker's own names for the same things (docker save, Docker Hub).
MEDIA_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MEDIA_DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
MEDIA_DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar"
MEDIA_DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
MEDIA_DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_TYPES = (MEDIA_MANIFEST, MEDIA_DOCKER_MANIFEST)
INDEX_TYPES = (MEDIA_INDEX, MEDIA_DOCKER_MANIFEST_LIST)
# Annotations on index.json's manifest descriptors: the image's full name
# (containerd, Docker 25+) and its tag (OCI image layout).
ANNOTATION_IMAGE_NAME = "io.containerd.image.name"
ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name"

ARCH = "amd64"
OS = "linux"


def canonical(doc: dict) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def rfc3339(seconds: float) -> str:
    dt = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


def parse_time(text: str) -> float:
    """RFC 3339 as written by doca, Docker (nanoseconds) or buildah."""
    if not text:
        return 0.0
    text = text.strip().replace("Z", "+00:00")
    if "." in text:  # Python reads at most 6 fraction digits
        head, _, tail = text.partition(".")
        digits = "".join(c for c in tail if c.isdigit())
        zone = tail[len(digits):]
        text = f"{head}.{digits[:6]}{zone}"
    try:
        return datetime.datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0


def descriptor(media_type: str, digest: str, size: int) -> dict:
    return {"mediaType": media_type, "digest": digest, "size": size}


def image_config(*, created: float, diff_ids: list[str], history: list[dict],
                 config: dict | None = None) -> dict:
    """An image config; `config` holds the runnable part (Env, Cmd, ...)."""
    return {
        "architecture": ARCH,
        "os": OS,
        "created": rfc3339(created),
        "config": {k: v for k, v in (config or {}).items() if v not in (None, "", [], {})},
        "rootfs": {"type": "layers", "diff_ids": list(diff_ids)},
        "history": history,
    }


def manifest(config_desc: dict, layer_descs: list[dict]) -> dict:
    return {
        "schemaVersion": 2,
        "mediaType": MEDIA_MANIFEST,
        "config": config_desc,
        "layers": layer_descs,
    }


def load(data: bytes, what: str) -> dict:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise FailedPrecondition(f"the stored {what} is not valid JSON ({exc}); remove the image "
                                 "and import or pull it again") from None
    if not isinstance(doc, dict):
        raise FailedPrecondition(f"the stored {what} is not a JSON object; remove the image "
                                 "and import or pull it again")
    return doc


def diff_ids(config: dict) -> list[str]:
    return list((config.get("rootfs") or {}).get("diff_ids") or [])


def runnable(config: dict) -> dict:
    """The config's runnable part, shaped for the API's ImageConfig."""
    c = config.get("config") or {}
    return {
        "env": list(c.get("Env") or []),
        "cmd": list(c.get("Cmd") or []),
        "entrypoint": list(c.get("Entrypoint") or []),
        "working_dir": c.get("WorkingDir") or "",
        "user": c.get("User") or "",
        "labels": dict(c.get("Labels") or {}),
        "exposed_ports": sorted(c.get("ExposedPorts") or {}),
        "volumes": sorted(c.get("Volumes") or {}),
        "stop_signal": c.get("StopSignal") or "",
        "healthcheck": healthcheck(c.get("Healthcheck")),
        "on_build": list(c.get("OnBuild") or []),
        "shell": list(c.get("Shell") or []),
    }


def healthcheck(hc) -> dict | None:
    """Docker's Healthcheck (Test, Interval... in nanoseconds) for the API."""
    if not isinstance(hc, dict) or not hc:
        return None
    return {"test": list(hc.get("Test") or []), "interval": int(hc.get("Interval") or 0),
            "timeout": int(hc.get("Timeout") or 0), "start_period": int(hc.get("StartPeriod") or 0),
            "retries": int(hc.get("Retries") or 0), "start_interval": int(hc.get("StartInterval") or 0)}


def comment(config: dict) -> str:
    """The comment of the newest history entry that has one (docker import -m)."""
    for h in reversed(config.get("history") or []):
        if h.get("comment"):
            return h["comment"]
    return ""
