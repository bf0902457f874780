"""Generates the Python gRPC stubs from protos/ into the doca package.

    python tools/genproto.py [OUTPUT_DIR]

The default output is the repository root (doca/<service>/v1/*_pb2*.py). The
suite regenerates into a temporary directory and compares, so stale stubs fail.
"""
import pathlib
import sys

from grpc_tools import protoc

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"


def generate(out: pathlib.Path) -> list[pathlib.Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(PROTOS.rglob("*.proto"))
    include = pathlib.Path(protoc.__file__).parent / "_proto"
    args = ["protoc", f"-I{PROTOS}", f"-I{include}", f"--python_out={out}",
            f"--pyi_out={out}", f"--grpc_python_out={out}"]
    args += [str(f.relative_to(PROTOS)) for f in files]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    # Packages for every generated directory, so imports need no path tricks.
    for d in {p.parent for p in out.rglob("*_pb2.py")}:
        while d != out:
            (d / "__init__.py").touch()
            d = d.parent
    return sorted(out.rglob("*_pb2*.py*"))


if __name__ == "__main__":
    generate(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
