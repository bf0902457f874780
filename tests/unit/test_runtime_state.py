"""The runtime's shared state is declared in one place
(services/runtime/state.py, RuntimeState) and made in one place
(Runtime.__init__): no verb (mixin) assigns an attribute of its own or
reaches into the instance's __dict__; every attribute made is declared,
every one declared is made. Checked by parsing the code (no root)."""
import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "services" / "runtime"


def _classes() -> dict[str, tuple[pathlib.Path, ast.ClassDef]]:
    """Every class of services/runtime/*.py whose bases name RuntimeState, and Runtime."""
    found = {}
    for path in sorted(RUNTIME.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                if "RuntimeState" in bases or node.name in ("Runtime", "RuntimeState"):
                    found[node.name] = (path, node)
    return found


def _assigned_to_self(fn: ast.AST) -> list[tuple[str, int]]:
    attrs = []
    for node in ast.walk(fn):
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
        for t in targets:
            for sub in ast.walk(t):
                if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "self":
                    attrs.append((sub.attr, node.lineno))
    return attrs


def _methods(cls: ast.ClassDef):
    return [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_every_verb_shares_the_declared_state():
    classes = _classes()
    assert {"Runtime", "RuntimeState", "CreateMixin", "StartMixin", "StopMixin", "StatsMixin"} <= set(classes)
    _, runtime = classes["Runtime"]
    mixins = [b.id for b in runtime.bases if isinstance(b, ast.Name)]
    assert not [m for m in mixins if m not in classes], "a verb of Runtime does not inherit RuntimeState"


def test_only_runtime_init_assigns_state():
    bad = []
    for name, (path, cls) in _classes().items():
        for fn in _methods(cls):
            if (name, fn.name) == ("Runtime", "__init__"):
                continue
            bad += [f"{path.name}:{line} {name}.{fn.name} sets self.{attr}" for attr, line in _assigned_to_self(fn)]
            bad += [f"{path.name}:{n.lineno} {name}.{fn.name} uses self.__dict__" for n in ast.walk(fn)
                    if isinstance(n, ast.Attribute) and n.attr == "__dict__"]
            bad += [f"{path.name}:{n.lineno} {name}.{fn.name} calls setattr(self, ...)" for n in ast.walk(fn)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "setattr"
                    and n.args and isinstance(n.args[0], ast.Name) and n.args[0].id == "self"]
    assert not bad, bad


def test_what_init_makes_is_what_state_declares():
    classes = _classes()
    _, state = classes["RuntimeState"]
    declared = {n.target.id for n in state.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
    init = next(fn for fn in _methods(classes["Runtime"][1]) if fn.name == "__init__")
    made = {attr for attr, _ in _assigned_to_self(init)}
    assert made == declared, (f"made, not declared: {sorted(made - declared)}; "
                              f"declared, never made: {sorted(declared - made)}")
