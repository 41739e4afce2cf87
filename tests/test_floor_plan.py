"""The floor plan of layers/: each subpackage imports only from the packages below it, and no
module imports itself back through others (function-level imports included), so the plan in
docs/decisions/0014 cannot rot silently."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "layers"
# Lower number = lower in the plan. A package may import from its own modules and from any
# package with a strictly lower number; settings and i18n are leaves everyone may use.
LEVELS = {"settings": 0, "i18n": 0, "model": 1, "geo": 1, "checks": 2, "io": 3, "plans": 4,
          "editing": 5, "web": 5, "printing": 5, "cli": 6, "__main__": 7, "__init__": 7}


def _modules() -> dict[str, Path]:
    return {".".join(("layers", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): p
            for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, known: set[str]) -> list[tuple[str, int]]:
    """Our modules this file imports, anywhere in it, with the line."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "layers":
            assert node.level == 0, f"{path}: relative import; the plan test reads absolute ones"
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                out.append((target if target in known else node.module, node.lineno))
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "layers"]
    return out


def _package(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def test_every_module_sits_in_a_known_place():
    assert {_package(m) for m in _modules()} <= set(LEVELS)
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py", "cli.py", "i18n.py",
                                                            "settings.py"]


def test_imports_point_down_the_plan():
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        mine = _package(name)
        for target, line in _imports(path, set(modules)):
            theirs = _package(target)
            if theirs != mine and LEVELS[theirs] >= LEVELS[mine]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} {mine} → {theirs}")
    assert wrong == []


def test_no_import_circle_between_modules():
    modules = _modules()
    graph = {name: {t for t, _ in _imports(path, set(modules)) if t in modules and t != name}
             for name, path in modules.items()}
    circles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                circles.append(" → ".join(trail[trail.index(nxt):] + [node, nxt]) if nxt in trail else f"{node} → {nxt}")
            elif nxt not in state:
                visit(nxt, trail + [node])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert circles == []


def test_the_checker_sees_a_wrong_direction(tmp_path):
    """The check itself can fail: a model module importing the web map is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from layers.web.webmap import build_map\n", encoding="utf-8")
    found = _imports(bad, set(_modules()))
    assert found and _package(found[0][0]) == "web" and LEVELS["web"] > LEVELS["model"]


SCRIPTS = PACKAGE.parent / "scripts"
SCRIPT_MAX_LINES = 330  # "no script over ~300 lines": a build script is its source's rules, not a library


def test_build_scripts_are_short_and_write_through_the_one_library():
    """Every script stays small; the build scripts write our layers only through
    scripts/buildlib/output.py (canonical, atomic, --out or --write), never on their own."""
    too_long = {str(p.relative_to(SCRIPTS)): n for p in sorted(SCRIPTS.rglob("*.py"))
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > SCRIPT_MAX_LINES}
    assert too_long == {}
    builders = sorted(SCRIPTS.glob("build_*.py"))
    assert len(builders) >= 5
    own_writers = [p.name for p in builders if "atomic_write_text(" in p.read_text(encoding="utf-8")]
    assert own_writers == []
    on_library = [p.name for p in builders if "scripts.buildlib" in p.read_text(encoding="utf-8")]
    assert {"build_rail_osm.py", "build_places.py", "build_water_roads_osm.py", "build_towns.py"} <= set(on_library)
