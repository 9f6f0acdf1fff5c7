"""kpilib's packages follow the flow of the data: every import points down the flow, and none is circular.

The layers, lowest first (docs/architecture.md draws them):

    foundation (exceptions, _checks, _docstrings, _style, _safe, _i18n)
    data ← importing, synth ← kpis ← chains ← days ← workshop ← report ← widgets
    ← kpilib (the public API in kpilib/__init__.py) ← exercises, cli

A module may import its own package and any lower layer, never a higher one, nor a sibling on its
own layer. Imports inside functions count as much as those at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kpilib"

FOUNDATION = ("kpilib.exceptions", "kpilib._checks", "kpilib._docstrings", "kpilib._style", "kpilib._safe", "kpilib._i18n",
              "kpilib._codes", "kpilib._axes")
LAYERS = [
    ("foundation",),
    ("kpilib.data",),
    ("kpilib.importing", "kpilib.synth"),
    ("kpilib.kpis",),
    ("kpilib.chains",),
    ("kpilib.days",),
    ("kpilib.workshop",),
    ("kpilib.report",),
    ("kpilib.widgets",),
    ("kpilib",),  # the public API: kpilib/__init__.py
    ("kpilib.exercises", "kpilib.cli"),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _room(module: str) -> str:
    """The layer entry a module belongs to: its package under kpilib, the foundation, or the root."""
    if module in FOUNDATION:
        return "foundation"
    for rooms in reversed(LAYERS):
        for room in rooms:
            if room != "kpilib" and (module == room or module.startswith(room + ".")):
                return room
    return "kpilib"


def _layer(module: str) -> int:
    room = _room(module)
    return next(i for i, rooms in enumerate(LAYERS) if room in rooms)


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported kpilib module) for every import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "kpilib"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] != "kpilib":
                continue
            submodules = [f"{name}.{a.name}" for a in node.names if f"{name}.{a.name}" in MODULES]
            # `from kpilib.pkg import sub` depends on the submodule; `from kpilib.mod import name` on the module
            out += [(node.lineno, s) for s in submodules] or [(node.lineno, name)]
    return out


def _edges() -> dict[str, set[str]]:
    return {m: {target for _, target in _imports(m, p) if target in MODULES and target != m}
            for m, p in MODULES.items()}


def test_every_module_is_in_a_room():
    unknown = [m for m in MODULES if _room(m) == "kpilib" and m not in ("kpilib",)]
    assert not unknown, f"modules at the package root outside the foundation: {unknown}; give each a package"


def test_imports_point_down_the_flow():
    wrong = []
    for module, path in MODULES.items():
        for line, target in _imports(module, path):
            if target not in MODULES or _room(target) == _room(module):
                continue
            if _layer(target) >= _layer(module):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} {module} imports {target} "
                             f"({_room(target)} is not below {_room(module)})")
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_no_import_circle():
    edges = _edges()
    circles, state = [], {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                circles.append(" → ".join(trail[trail.index(target):] + [target]) if target in trail
                               else f"{module} → {target}")
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not circles, "import circles:\n" + "\n".join(circles)


@pytest.mark.parametrize("package", sorted(m for m, p in MODULES.items() if p.name == "__init__.py"))
def test_every_package_says_what_lives_there_and_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8")))
    assert doc, f"{package}: its __init__ has no docstring"
    if package != "kpilib":
        assert "May import" in doc, f"{package}: the docstring does not say what the package may import"


def test_the_checker_sees_an_import_against_the_flow(tmp_path):
    # A module of kpilib.data that imports kpilib.days: the check must name it.
    path = tmp_path / "bad.py"
    path.write_text("def f():\n    from kpilib.days.norms import kpi_histories\n")
    found = _imports("kpilib.data.bad", path)
    assert found == [(2, "kpilib.days.norms")]
    assert _layer("kpilib.days.norms") > _layer("kpilib.data.bad")
