"""The import rules of /work/shared/design.md ("Processes and what each owns"),
checked by parsing the tree with `ast` (no root, no stack, nothing imported):

(a) a service's package never imports another service's package (the
    generated stubs under doca/ are shared);
(b) the code that runs beside or inside a container (the shim, the inits and
    what they import within services/runtime) imports neither grpc, protobuf
    nor the doca.* stubs;
(c) inside gateway/, the CLI (gateway/cli/) and the doca.v1 server
    (gateway/api/, started by gateway/__main__.py) import nothing of each
    other: what both use is in common/; nothing else lies loose at
    gateway/'s top level (its entry points __init__.py and __main__.py, and
    one sub-package per program);
(d) common/ imports neither services nor gateway;
(e) the CLI has one codec (gateway/cli/rpc/codec.py): nothing under
    gateway/cli imports grpc, protobuf nor the doca.* stubs;
(f) the CLI's start-up machinery stays apart from its verbs: its RPC
    client (gateway/cli/rpc/) imports nothing of the CLI outside itself;
    its launchers (gateway/cli/launch/) reach the CLI only through its
    entry point, gateway.cli.main, and nothing else of the CLI imports them
    (the modules the fork server preloads by name, HOT, must exist).

Every import counts, a lazy one inside a function too. An exception is
listed below by name, with why; a rule broken anywhere else fails."""
import ast
import functools
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = ("common", "services", "gateway")

# The entry points of the code beside or inside a container (rule b).
CONTAINER_SIDE = ("services/runtime/shim*.py", "services/runtime/init_linux.py", "services/runtime/setns_init.py",
                  "services/runtime/copy_init.py", "services/runtime/rootfs_linux.py",
                  "services/runtime/console_linux.py", "services/runtime/shim_io.py",
                  "services/runtime/shim_zygote.py", "services/runtime/sealed_exe.py")
FORBIDDEN_BESIDE_CONTAINERS = ("grpc", "google.protobuf", "doca")

# Known exceptions: (importing module, imported module) -> why it stays.
KNOWN = {}


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def _files() -> dict[str, pathlib.Path]:
    """module name -> file, for every module of the three packages."""
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))
            if "__pycache__" not in p.parts}


@functools.cache
def imports(module: str) -> tuple[str, ...]:
    """The modules `module` imports (absolute names; `from P import x` gives
    P.x when that is a module of the tree, else P)."""
    path = _files()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            for a in node.names:
                sub = f"{base}.{a.name}"
                found.append(sub if sub in _files() else base)
    return tuple(dict.fromkeys(found))


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _broken(pairs) -> list[str]:
    return sorted(f"{a} imports {b}" for a, b in pairs if (a, b) not in KNOWN)


def _modules_under(prefix: str) -> list[str]:
    return [m for m in _files() if _within(m, prefix)]


def test_a_service_imports_no_other_service():
    bad = []
    for m in _modules_under("services"):
        own = ".".join(m.split(".")[:2])
        for i in imports(m):
            if _within(i, "services") and not _within(i, own) and i != "services":
                bad.append((m, i))
    assert not _broken(bad)


def container_side() -> set[str]:
    """The entry points and what they import, transitively, within
    services/runtime and common/ (a common module the shim imports runs
    beside the container as well)."""
    todo = [_module_name(p) for pattern in CONTAINER_SIDE for p in ROOT.glob(pattern)]
    assert len(todo) >= len(CONTAINER_SIDE), todo
    seen = set()
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo += [i for i in imports(m) if (_within(i, "services.runtime") or _within(i, "common")) and i in _files()]
    return seen


def test_code_beside_containers_imports_no_grpc_nor_stubs():
    bad = [(m, i) for m in container_side() for i in imports(m)
           if any(_within(i, f) for f in FORBIDDEN_BESIDE_CONTAINERS)]
    assert not _broken(bad)


# gateway's programs: module prefix -> the program it belongs to (the
# server's entry point, gateway/__main__.py, goes with the server).
GATEWAY_PROGRAMS = {"gateway.cli": "cli", "gateway.api": "api", "gateway.__main__": "api", "gateway.docker": "docker",
                    "gateway.cri": "cri"}


def _gateway_program(module: str) -> str | None:
    return next((p for prefix, p in GATEWAY_PROGRAMS.items() if _within(module, prefix)), None)


def test_gateway_programs_import_nothing_of_each_other():
    bad = []
    for m in _modules_under("gateway"):
        own = _gateway_program(m)
        for i in imports(m):
            other = _gateway_program(i)
            if own and other and other != own:
                bad.append((m, i))
    assert not _broken(bad)


def test_gateway_top_level_holds_only_entry_points_and_programs():
    """gateway/ holds its entry points and one sub-package per program, each
    of them known to the rule above; no module lies loose beside them."""
    top = ROOT / "gateway"
    loose = sorted(p.name for p in top.iterdir() if p.name != "__pycache__"
                   and not (p.is_dir() and (p / "__init__.py").exists())
                   and p.name not in ("__init__.py", "__main__.py"))
    assert not loose, f"loose at gateway/'s top level: {loose}"
    programs = sorted(f"gateway.{p.name}" for p in top.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert programs == sorted(p for p in GATEWAY_PROGRAMS if p != "gateway.__main__"), programs


def test_common_imports_no_service_nor_gateway():
    bad = [(m, i) for m in _modules_under("common") for i in imports(m)
           if _within(i, "services") or _within(i, "gateway")]
    assert not _broken(bad)


def test_the_cli_has_one_codec():
    # the same three as beside containers: grpc, protobuf, the generated stubs
    bad = [(m, i) for m in _modules_under("gateway.cli") for i in imports(m)
           if any(_within(i, f) for f in FORBIDDEN_BESIDE_CONTAINERS)]
    assert not _broken(bad)


def test_the_cli_rpc_client_and_launchers_stand_apart():
    rpc, launch = "gateway.cli.rpc", "gateway.cli.launch"
    bad = [(m, i) for m in _modules_under(rpc) for i in imports(m)
           if _within(i, "gateway") and not _within(i, rpc)]
    bad += [(m, i) for m in _modules_under(launch) for i in imports(m)
            if _within(i, "gateway") and not _within(i, launch) and i != "gateway.cli.main"]
    bad += [(m, i) for m in _modules_under("gateway") if not _within(m, launch) for i in imports(m)
            if _within(i, launch)]
    assert _modules_under(rpc) and _modules_under(launch)
    assert not _broken(bad)


def test_the_fork_server_preloads_modules_of_the_tree():
    """HOT (gateway/cli/launch/forkserver.py) names by string the modules
    the fork server imports for every worker, out of the rule above's
    sight: a module moved or renamed without it would stop the server."""
    path = ROOT / "gateway" / "cli" / "launch" / "forkserver.py"
    hot = next(ast.literal_eval(node.value) for node in ast.parse(path.read_bytes()).body
               if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["HOT"])
    ours = [m for m in hot if _within(m, "gateway")]
    assert ours and not [m for m in ours if m not in _files()]


def test_known_exceptions_are_still_needed():
    """An exception whose import has gone is taken off the list."""
    assert not [pair for pair in KNOWN if pair[1] not in imports(pair[0])]
