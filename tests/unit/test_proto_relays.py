"""Every message the gateway relays as bytes between doca.v1 and a service
is wire-compatible with its twin.

The gateway passes some messages on without rebuilding them, e.g.
``ipb.PullRequest.FromString(request.SerializeToString())`` (doca.v1 ->
images service) or ``_relay(self.c.runtime.Top(...), pb.TopResponse)``
(runtime -> doca.v1). Such a relay only works while both declarations
agree field for field: a field number with another type is garbled, and a
field the sender sets that the receiver does not declare is silently lost.

The pairs are found by reading the gateway's source (``ast``), not listed by
hand, so a new relay is checked as soon as it is written:

* ``X.FromString(Y.SerializeToString())`` where X is a generated class
  (``alias.Message``, the alias resolved through the module's imports) and
  Y's type is inferred: the servicer method's ``request`` /
  ``request_iterator`` (the doca.v1 method's input), a service call
  ``self.c.<service>.<Method>(...)`` (its output; ``Clients``' annotations
  name the stubs), through ``upstream(context, call)``, ``for`` loops,
  comprehensions, assignments and lambdas;
* helpers doing it with a parameter as the target type (``_relay(msg,
  message_type)``, ``_relay_as(start, message_type, context)``): every call
  of the helper is a relay, resolved at the call site.

A relay the scan sees but cannot resolve fails the test (resolve it or add
it to EXPLICIT_RELAYS), and a textual count of ``.FromString(`` in the
gateway's source must match what the scan accounted for, so the scanner
cannot silently miss a site.

The check, for each (sender, receiver) pair, recursively through nested
messages, map entries and enums:

* a field number on both sides: same type, same repeated-ness, same
  map-ness, same presence (proto3 ``optional``), same oneof grouping, same
  name (a swap of two same-typed fields is wire-compatible but wrong), and
  compatible message/enum types (checked as a pair in turn);
* a field only the sender declares: silently lost -> failure, unless in
  ALLOWED (with the reason);
* a field only the receiver declares: harmless (stays at its default);
* enums: a value number on both sides must have the same name; a value only
  the sender has is a failure unless in ALLOWED.
"""
import ast
import importlib
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
GATEWAY = ROOT / "gateway"
PUBLIC = "doca.v1"  # the gateway's own API package

# Relays the scan cannot see (bytes passed on some other way than
# FromString(...SerializeToString()) in gateway/): (sender, receiver, where,
# why). None today: the services never relay to each other by bytes, and the
# CLI's codec (gateway/cli/rpc) encodes doca.v1 only.
EXPLICIT_RELAYS: list[tuple[str, str, str, str]] = []

# Known, accepted differences: {(sender, receiver, "field" or "enum value"):
# reason}. Field/value given by number as "#N" (message or enum full name in
# the key). Keep each entry commented with why it is harmless.
ALLOWED: dict[tuple[str, str, str], str] = {}


# --------------------------------------------------------------- the scan --

def _gateway_sources() -> list[pathlib.Path]:
    """gateway/*.py and gateway/api/*.py (wherever the server modules live
    today), not the CLI (which speaks doca.v1 only)."""
    return sorted(p for p in GATEWAY.rglob("*.py")
                  if "cli" not in p.relative_to(GATEWAY).parts[:1] and "__pycache__" not in p.parts)


def _imports(tree) -> dict[str, str]:
    """Module aliases: name -> dotted module of the generated code."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("doca."):
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("doca."):
                    out[a.asname or a.name] = a.name
    return out


def _message(module: str, name: str):
    mod = importlib.import_module(module)
    cls = getattr(mod, name, None)
    return getattr(cls, "DESCRIPTOR", None) if cls is not None else None


def _service(grpc_module: str, stub_or_servicer: str):
    name = re.sub(r"(Servicer|Stub)$", "", stub_or_servicer)
    pb2 = importlib.import_module(re.sub(r"_grpc$", "", grpc_module))
    return pb2.DESCRIPTOR.services_by_name.get(name)


def _clients() -> dict[str, object]:
    """``self.c.<attr>`` -> the service descriptor, from the Clients class's
    annotations (``images: images_pb2_grpc.ImagesStub``)."""
    out = {}
    for path in _gateway_sources():
        tree = ast.parse(path.read_text())
        aliases = _imports(tree)
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "Clients"):
            for st in cls.body:
                if (isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name)
                        and isinstance(st.annotation, ast.Attribute)
                        and isinstance(st.annotation.value, ast.Name)
                        and st.annotation.value.id in aliases):
                    svc = _service(aliases[st.annotation.value.id], st.annotation.attr)
                    if svc is not None:
                        out[st.target.id] = svc
    return out


def _is_relay(node) -> bool:
    """X.FromString(Y.SerializeToString())"""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "FromString" and len(node.args) == 1
            and isinstance(node.args[0], ast.Call) and isinstance(node.args[0].func, ast.Attribute)
            and node.args[0].func.attr == "SerializeToString")


class _Module:
    def __init__(self, path: pathlib.Path, clients):
        self.path = path
        self.tree = ast.parse(path.read_text())
        self.aliases = _imports(self.tree)
        self.clients = clients
        self.parent = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node

    def where(self, node) -> str:
        path = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{path}:{node.lineno}"

    def enclosing(self, node, kinds):
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, kinds):
                return node
        return None

    def function(self, node):
        return self.enclosing(node, (ast.FunctionDef, ast.AsyncFunctionDef))

    def gateway_method(self, func):
        """The doca.v1 method a servicer's method implements, or None."""
        cls = self.parent.get(func)
        if not isinstance(cls, ast.ClassDef):
            return None
        for base in cls.bases:
            if (isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name)
                    and base.value.id in self.aliases):
                svc = _service(self.aliases[base.value.id], base.attr)
                if svc is not None and func.name in svc.methods_by_name:
                    return svc.methods_by_name[func.name]
        return None

    def message_class(self, node):
        """alias.Message -> its descriptor."""
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in self.aliases):
            return _message(self.aliases[node.value.id], node.attr)
        return None

    def binding(self, name: str, at):
        """What the name is bound to in the scopes around ``at``:
        ("param", function, index) or ("expr", node) or None."""
        scope = at
        while True:
            scope = self.enclosing(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                           ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp))
            if scope is None:
                return None
            if isinstance(scope, (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
                for gen in scope.generators:
                    if isinstance(gen.target, ast.Name) and gen.target.id == name:
                        return ("iter", gen.iter)
                continue
            args = [a.arg for a in scope.args.posonlyargs + scope.args.args]
            if name in args:
                return ("param", scope, args.index(name))
            if isinstance(scope, ast.Lambda):
                continue
            found = []
            for node in ast.walk(scope):
                if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name) \
                        and node.target.id == name:
                    found.append(("iter", node.iter))
                elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                        and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name:
                    found.append(("expr", node.value))
                elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name) \
                        and node.optional_vars.id == name:
                    found.append(("expr", node.context_expr))
            if len(found) == 1:
                return found[0]
            return None

    def source(self, expr, stream_element=False):
        """The message type an expression yields: ("msg", descriptor), or
        ("param", function, index, via_call) for a helper's parameter, or None.
        stream_element: the expression is iterated (a stream's messages)."""
        if isinstance(expr, ast.Lambda):
            return self.source(expr.body, stream_element)
        if isinstance(expr, ast.Call):
            f = expr.func
            # self.c.<service>.<Method>(...): the service method's output
            if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Attribute)
                    and f.value.attr in self.clients and isinstance(f.value.value, ast.Attribute)
                    and f.value.value.attr == "c"):
                m = self.clients[f.value.attr].methods_by_name.get(f.attr)
                return ("msg", m.output_type) if m is not None else None
            # upstream(context, call): the call's stream
            if isinstance(f, ast.Name) and f.id == "upstream" and len(expr.args) == 2:
                return self.source(expr.args[1], stream_element)
            # start(): a helper's callable parameter
            if isinstance(f, ast.Name) and not expr.args:
                b = self.binding(f.id, expr)
                if b and b[0] == "param":
                    return ("param", b[1], b[2])
            return None
        if isinstance(expr, ast.Name):
            b = self.binding(expr.id, expr)
            if b is None:
                return None
            if b[0] == "param":
                method = self.gateway_method(b[1])
                if method is not None and b[2] == 1:  # (self, request|request_iterator, context)
                    return ("msg", method.input_type)
                return ("param", b[1], b[2])
            if b[0] == "iter":
                return self.source(b[1], True)
            return self.source(b[1], stream_element)
        return None


def _arg(call, func, index):
    """The argument a call passes for parameter ``index`` of ``func``."""
    params = [a.arg for a in func.args.posonlyargs + func.args.args]
    if index < len(call.args):
        return call.args[index]
    for kw in call.keywords:
        if kw.arg == params[index]:
            return kw.value
    return None


def scan():
    """-> (pairs, unresolved, sites): pairs {(sender, receiver): [where]}
    with full message names; unresolved [where: why]; sites the number of
    FromString(...SerializeToString()) expressions accounted for."""
    clients = _clients()
    pairs: dict[tuple[str, str], list[str]] = {}
    descriptors = {}
    unresolved = []
    sites = 0

    def add(src, dst, where):
        descriptors[src.full_name], descriptors[dst.full_name] = src, dst
        pairs.setdefault((src.full_name, dst.full_name), []).append(where)

    for path in _gateway_sources():
        mod = _Module(path, clients)
        for node in ast.walk(mod.tree):
            if not _is_relay(node):
                continue
            sites += 1
            target_expr, source_expr = node.func.value, node.args[0].func.value
            dst = mod.message_class(target_expr)
            src = mod.source(source_expr)
            if dst is not None:
                if src is not None and src[0] == "msg":
                    add(src[1], dst, mod.where(node))
                else:
                    unresolved.append(f"{mod.where(node)}: the type of {ast.unparse(source_expr)!r}")
                continue
            # A helper: the target type is one of its parameters.
            tb = mod.binding(target_expr.id, node) if isinstance(target_expr, ast.Name) else None
            if not tb or tb[0] != "param" or src is None or src[0] != "param" or src[1] is not tb[1]:
                unresolved.append(f"{mod.where(node)}: {ast.unparse(node)!r}")
                continue
            helper, t_index, s_index = tb[1], tb[2], src[2]
            calls = [c for c in ast.walk(mod.tree) if isinstance(c, ast.Call)
                     and isinstance(c.func, ast.Name) and c.func.id == helper.name]
            if not calls:
                unresolved.append(f"{mod.where(node)}: helper {helper.name} never called directly")
            for call in calls:
                t_arg, s_arg = _arg(call, helper, t_index), _arg(call, helper, s_index)
                dst = mod.message_class(t_arg) if t_arg is not None else None
                s = mod.source(s_arg) if s_arg is not None else None
                if dst is None or s is None or s[0] != "msg":
                    unresolved.append(f"{mod.where(call)}: {ast.unparse(call)[:120]!r}")
                else:
                    add(s[1], dst, mod.where(call))
    return pairs, descriptors, unresolved, sites


def _explicit():
    out = {}
    for src, dst, _where, _why in EXPLICIT_RELAYS:
        out[(src, dst)] = (_find(src), _find(dst))
    return out


def _find(full_name):
    package, _, name = full_name.rpartition(".")
    for mod in _generated_modules():
        if mod.DESCRIPTOR.package == package and name in mod.DESCRIPTOR.message_types_by_name:
            return mod.DESCRIPTOR.message_types_by_name[name]
    raise LookupError(full_name)


def _generated_modules():
    return [importlib.import_module(".".join(p.relative_to(ROOT).with_suffix("").parts))
            for p in sorted((ROOT / "doca").rglob("*_pb2.py"))]


# -------------------------------------------------------------- the check --

def _is_map(f) -> bool:
    return f.message_type is not None and f.message_type.GetOptions().map_entry


def _oneof(f):
    """The real (not proto3-optional) oneof's name, or None."""
    o = f.containing_oneof
    if o is None or (len(o.fields) == 1 and o.name == "_" + f.name):
        return None
    return o.name


def _type_name(f) -> str:
    names = {v: k for k, v in vars(type(f)).items() if k.startswith("TYPE_")}
    return names.get(f.type, str(f.type))


def compare(src, dst, problems: list, notes: list, seen=None):
    """Sender src, receiver dst (message descriptors)."""
    seen = set() if seen is None else seen
    key = (src.full_name, dst.full_name)
    if key in seen or src is dst:
        return
    seen.add(key)
    here = f"{src.full_name} -> {dst.full_name}"
    a_by, b_by = src.fields_by_number, dst.fields_by_number
    for n in sorted(set(a_by) - set(b_by)):
        if (src.full_name, dst.full_name, f"#{n}") not in ALLOWED:
            problems.append(f"{here}: field {a_by[n].name} = {n} only on the sender (silently lost)")
    for n in sorted(set(b_by) - set(a_by)):
        notes.append(f"{here}: field {b_by[n].name} = {n} only on the receiver (stays default)")
    oneof_groups = {}
    for n in sorted(set(a_by) & set(b_by)):
        a, b = a_by[n], b_by[n]
        what = f"{here}: field {n} ({a.name} / {b.name})"
        if a.name != b.name:
            problems.append(f"{what}: names differ")
        if _is_map(a) != _is_map(b):
            problems.append(f"{what}: map on one side only")
        if a.is_repeated != b.is_repeated:
            problems.append(f"{what}: repeated {a.is_repeated} / {b.is_repeated}")
        if a.type != b.type:
            problems.append(f"{what}: type {_type_name(a)} / {_type_name(b)}")
            continue
        if not a.is_repeated and a.has_presence != b.has_presence and a.message_type is None:
            problems.append(f"{what}: presence (optional) {a.has_presence} / {b.has_presence}")
        oneof_groups.setdefault((_oneof(a), _oneof(b)), []).append(n)
        if a.type == a.TYPE_MESSAGE:
            compare(a.message_type, b.message_type, problems, notes, seen)
        elif a.type == a.TYPE_ENUM:
            compare_enum(a.enum_type, b.enum_type, problems)
    # Fields sharing a oneof on one side share one on the other, and the reverse.
    by_a, by_b = {}, {}
    for (oa, ob), numbers in oneof_groups.items():
        if (oa is None) != (ob is None):
            problems.append(f"{here}: fields {numbers} in oneof {oa} / {ob}")
        if oa is not None:
            by_a.setdefault(oa, set()).add(ob)
        if ob is not None:
            by_b.setdefault(ob, set()).add(oa)
    for name, others in list(by_a.items()) + list(by_b.items()):
        if len(others) > 1:
            problems.append(f"{here}: oneof {name} split on the other side: {sorted(map(str, others))}")


def compare_enum(src, dst, problems: list):
    if src is dst:
        return
    here = f"{src.full_name} -> {dst.full_name}"
    a_by, b_by = src.values_by_number, dst.values_by_number
    for n in sorted(set(a_by) - set(b_by)):
        if (src.full_name, dst.full_name, f"#{n}") not in ALLOWED:
            problems.append(f"{here}: enum value {a_by[n].name} = {n} only on the sender")
    for n in sorted(set(a_by) & set(b_by)):
        if a_by[n].name != b_by[n].name:
            problems.append(f"{here}: enum value {n} named {a_by[n].name} / {b_by[n].name}")


def check(pairs) -> tuple[list, list]:
    problems, notes, seen = [], [], set()
    for src, dst in pairs:
        compare(src, dst, problems, notes, seen)
    return problems, notes


# ------------------------------------------------------------------ tests --

def _all_pairs():
    pairs, descriptors, unresolved, sites = scan()
    out = {k: (descriptors[k[0]], descriptors[k[1]]) for k in pairs}
    out.update(_explicit())
    return out, pairs, unresolved, sites


def test_every_relay_in_the_gateway_is_found_and_resolved():
    _, pairs, unresolved, sites = _all_pairs()
    assert not unresolved, "relays the scan cannot type (resolve them or list them in EXPLICIT_RELAYS):\n" + \
        "\n".join(unresolved)
    # The scanner cannot skip a site: every textual .FromString( in the
    # gateway's server code is one it accounted for.
    text = sum(len(re.findall(r"\.FromString\(", p.read_text())) for p in _gateway_sources())
    assert sites == text, f"{text} .FromString( in gateway/, the scan understood {sites}"
    assert pairs, "no relay found: the scan is broken"
    for src, dst in pairs:
        # Each relay crosses between the gateway's API and a service.
        assert (src.startswith(PUBLIC + ".")) != (dst.startswith(PUBLIC + ".")), (src, dst)


def test_relayed_messages_are_wire_compatible():
    all_pairs, _, _, _ = _all_pairs()
    problems, _notes = check(all_pairs.values())
    assert not problems, "relayed messages differ:\n" + "\n".join(problems)


def test_allow_list_entries_are_still_needed():
    """An ALLOWED entry whose difference is gone is removed, not kept."""
    global ALLOWED
    all_pairs, _, _, _ = _all_pairs()
    kept = ALLOWED
    try:
        ALLOWED = {}
        problems, _ = check(all_pairs.values())
    finally:
        ALLOWED = kept
    for (src, dst, what), _why in kept.items():
        assert any(f"{src} -> {dst}" in p and f"= {what[1:]} only" in p for p in problems), (src, dst, what)
