"""The generated gRPC stubs and the CLI codec's tables match protos/:
regenerate and compare."""
import filecmp
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
LITE = pathlib.Path("gateway/cli/rpc/doca_v1.py")


def test_generated_stubs_are_current(tmp_path):
    subprocess.run([sys.executable, str(REPO / "tools" / "genproto.py"), str(tmp_path)], check=True)
    fresh = _generated(tmp_path, tmp_path)
    committed = _generated(REPO / "doca", REPO)
    assert fresh == committed, "run `make proto`: the set of generated files differs"
    stale = [str(p) for p in fresh + [LITE] if not filecmp.cmp(tmp_path / p, REPO / p, shallow=False)]
    assert not stale, f"stale generated code, run `make proto`: {stale}"


def _generated(where, base):
    return sorted(p.relative_to(base) for p in where.rglob("*_pb2*") if p.suffix in (".py", ".pyi"))
