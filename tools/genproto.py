"""Generates the Python gRPC stubs from protos/ into the doca package, and
the CLI codec's tables for the gateway API (doca.v1).

    python tools/genproto.py [OUTPUT_DIR]

The default output is the repository root (doca/<service>/v1/*_pb2*.py and
gateway/cli/rpc/doca_v1.py). The suite regenerates into a temporary
directory and compares, so stale stubs fail.
"""
import pathlib
import sys
import tempfile

from grpc_tools import protoc

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
# The package the CLI talks to, and where its codec tables go (see gateway/cli/rpc/codec.py).
LITE_PACKAGE = "doca.v1"
LITE_MODULE = pathlib.Path("gateway/cli/rpc/doca_v1.py")


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
    lite = out / LITE_MODULE
    lite.parent.mkdir(parents=True, exist_ok=True)
    lite.write_text(lite_module(_descriptors(files, include)))
    return sorted(out.rglob("*_pb2*.py*")) + [lite]


def _descriptors(files, include):
    from google.protobuf import descriptor_pb2
    with tempfile.NamedTemporaryFile(suffix=".pb") as f:
        args = ["protoc", f"-I{PROTOS}", f"-I{include}", f"--descriptor_set_out={f.name}", "--include_imports"]
        args += [str(p.relative_to(PROTOS)) for p in files]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed")
        return descriptor_pb2.FileDescriptorSet.FromString(pathlib.Path(f.name).read_bytes())


# -- the CLI codec's tables ---------------------------------------------------------

REPEATED, PACKED, PRESENCE, MAP = 1, 2, 4, 8
_PACKABLE = set(range(1, 19)) - {9, 10, 11, 12}  # every scalar but string, group, message, bytes


def lite_tables(fds, package: str) -> tuple[dict, dict, dict]:
    """(messages, enums, services) of `package` and of every file it imports."""
    by_name = {f.name: f for f in fds.file}
    wanted, todo = [], [f.name for f in fds.file if f.package == package]
    while todo:
        name = todo.pop(0)
        if name not in wanted:
            wanted.append(name)
            todo += list(by_name[name].dependency)
    map_entries = set()
    messages, enums, services = {}, {}, {}

    def walk(prefix, types, syntax):
        for m in types:
            full = f"{prefix}.{m.name}"
            if m.options.map_entry:
                map_entries.add(full)
            for e in m.enum_type:
                enums[f"{full}.{e.name}"] = {v.name: v.number for v in e.value}
            walk(full, m.nested_type, syntax)
            messages[full] = (m, syntax, [f"{full}.{n.name}" for n in m.nested_type] +
                              [f"{full}.{e.name}" for e in m.enum_type])

    for name in sorted(wanted):
        f = by_name[name]
        walk(f.package, f.message_type, f.syntax or "proto2")
        for e in f.enum_type:
            enums[f"{f.package}.{e.name}"] = {v.name: v.number for v in e.value}
        if f.package == package:
            for s in f.service:
                services[s.name] = {m.name: (f"/{f.package}.{s.name}/{m.name}", m.input_type.lstrip("."),
                                             m.output_type.lstrip("."), m.client_streaming, m.server_streaming)
                                    for m in s.method}
    tables = {}
    for full, (m, syntax, nested) in sorted(messages.items()):
        fields = []
        for fd in sorted(m.field, key=lambda fd: fd.number):
            flags = 0
            type_name = fd.type_name.lstrip(".")
            oneof = m.oneof_decl[fd.oneof_index].name if fd.HasField("oneof_index") else ""
            if fd.label == fd.LABEL_REPEATED:
                flags |= REPEATED
                if type_name in map_entries:
                    flags |= MAP
                elif fd.type in _PACKABLE and (fd.options.packed if fd.options.HasField("packed")
                                               else syntax == "proto3"):
                    flags |= PACKED
            elif fd.type == fd.TYPE_MESSAGE or oneof or fd.proto3_optional or syntax != "proto3":
                flags |= PRESENCE
            fields.append((fd.number, fd.name, fd.type, flags, type_name, oneof))
        tables[full] = (tuple(fields), tuple(nested))
    return tables, dict(sorted(enums.items())), services


def lite_module(fds, package: str = LITE_PACKAGE) -> str:
    messages, enums, services = lite_tables(fds, package)
    protos = sorted(f.name for f in fds.file if f.package == package)
    lines = [
        f'"""Generated by tools/genproto.py from {", ".join(protos)} and their imports: the',
        f"{package} messages, enums and services for the CLI's codec (gateway/cli/rpc/codec.py). Do not edit.",
        "",
        "Fields: (number, name, type, flags, type name, oneof); flags: 1 repeated, 2 packed,",
        '4 presence, 8 map."""',
        "from gateway.cli.rpc import codec",
        "",
        "MESSAGES = {",
    ]
    for full, (fields, nested) in messages.items():
        lines.append(f"    {full!r}: ((")
        lines += [f"        {f!r}," for f in fields]
        lines.append(f"    ), {nested!r}),")
    lines += ["}", "", "ENUMS = {"]
    lines += [f"    {name!r}: {values!r}," for name, values in enums.items()]
    lines += ["}", "", "# service -> method -> (path, request, response, client streaming, server streaming)",
              "SERVICES = {"]
    for service, methods in sorted(services.items()):
        lines.append(f"    {service!r}: {{")
        lines += [f"        {name!r}: {spec!r}," for name, spec in methods.items()]
        lines.append("    },")
    lines += ["}", "",
              f"_module = codec.Module(globals(), {package!r}, MESSAGES, ENUMS, SERVICES)",
              "__getattr__ = _module.getattr", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    generate(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
