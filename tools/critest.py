"""`make critest`: the CRI conformance suite (cri-tools' critest, through
/work/shared/cri/critest.sh) against a private doca stack of its own.

    .venv/bin/python tools/critest.py [CRITEST-ARGS...]   e.g. -ginkgo.focus='Image'

The stack mirrors the registries critest pulls from (registry.k8s.io,
gcr.io, k8s.gcr.io) to the script's local registry, keeping the repository
path; the script serves critest's images there. The stack is destroyed
afterwards, whatever happened; the exit code is the script's (0: no spec
failed) and its figure line (`critest: P passed, F failed, S skipped of N
specs`) is the last one printed. Environment: DOCA_CRI_KIT (the kit's
folder, default /work/shared/cri), CRITEST_REGISTRY_PORT (default 5310),
and every knob of critest.sh.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.stack import Stack  # noqa: E402 (after the path above)

KIT = pathlib.Path(os.environ.get("DOCA_CRI_KIT", "/work/shared/cri"))
MIRRORED = ("registry.k8s.io", "gcr.io", "k8s.gcr.io")


def main(argv: list[str]) -> int:
    script = KIT / "critest.sh"
    if not script.exists():
        sys.stderr.write(f"critest: no {script} (the CRI conformance kit)\n")
        return 2
    port = os.environ.get("CRITEST_REGISTRY_PORT", "5310")
    mirrors = ",".join(f"{name}=http://127.0.0.1:{port}" for name in MIRRORED)
    base = pathlib.Path(tempfile.mkdtemp(prefix="doca-critest-"))
    stack = Stack(base, "critest", daemon_env={"DOCA_REGISTRY_MIRRORS": mirrors})
    try:
        stack.start()
        env = dict(os.environ, CRI_ENDPOINT=stack.cri_endpoint)
        return subprocess.run([str(script), *argv], env=env).returncode
    finally:
        stack.destroy()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
