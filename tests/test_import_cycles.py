"""No import cycles: the Python of the studio and the engine, and the browser's ES modules.

Imports inside functions count (a cycle hidden in a function is still a cycle, only later), relative
imports are resolved, and `if TYPE_CHECKING:` blocks are skipped (they never run). Importing
``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first, so those count too, except the importer's
own packages (already being imported when it runs). Static reading, no imports: this takes well
under a second.
"""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON_PACKAGES = ("composer_ui", "engine", "studio", "deploy")
JS_ROOT = ROOT / "static" / "js"


# -- Python ------------------------------------------------------------------------------------

def python_modules() -> dict[str, Path]:
    modules = {}
    for package in PYTHON_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _imports(tree: ast.AST):
    """Every Import and ImportFrom in the tree, functions included, outside `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in _imports_of(child))
            continue
        yield from _imports_of(node)


def _imports_of(node: ast.AST):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    else:
        yield from _imports(node)


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def python_graph() -> dict[str, set[str]]:
    modules = python_modules()
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        own = set(_ancestors(name)) | {package}
        targets = []
        for node in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
                continue
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            base = ".".join(p for p in (base if node.level else "", node.module or "") if p)
            targets += [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        for target in targets:
            for module in (*_ancestors(target), target):
                if module in modules and module != name and module not in own:
                    graph[name].add(module)
    return graph


# -- JavaScript ----------------------------------------------------------------------------------

# `import ... from "x"`, `export ... from "x"` and `import "x"` start a line; `import("x")` may be anywhere.
SPECIFIER = re.compile(r"""^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']"""
                       r"""|\bimport\(\s*["']([^"']+)["']\s*\)""", re.M)
COMMENT_LINE = re.compile(r"^\s*(//|/\*|\*).*$", re.M)  # comments and JSDoc lines, which may quote code


def js_graph() -> dict[str, set[str]]:
    files = {path.relative_to(ROOT).as_posix(): path for path in sorted(JS_ROOT.rglob("*.js"))}
    graph = {name: set() for name in files}
    for name, path in files.items():
        for spec in (next(filter(None, m)) for m in SPECIFIER.findall(COMMENT_LINE.sub("", path.read_text()))):
            if spec.startswith("."):
                target = (path.parent / spec).resolve()
            elif spec.startswith("/static/js/"):
                target = JS_ROOT / spec.removeprefix("/static/js/")
            else:
                continue  # a bare name: a vendored library, resolved by the page's import map
            key = target.relative_to(ROOT).as_posix()
            assert key in files, f"{name} imports {spec}, which does not exist"
            graph[name].add(key)
    return graph


# -- cycles ----------------------------------------------------------------------------------------

def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per strongly connected component (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(_path_through(graph, set(component), min(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _path_through(graph, component: set, start: str) -> list[str]:
    """A shortest path from ``start`` back to itself inside the component."""
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for nxt in sorted(graph[path[-1]] & component):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                paths.append(path + [nxt])
    return [start]


def _report(found: list[list[str]]) -> str:
    return "import cycles:\n" + "\n".join("  " + " -> ".join(cycle) for cycle in found)


def test_the_walkers_see_what_they_should():
    graph = python_graph()
    assert "composer_ui.protocol" in graph["composer_ui.consumers"]
    assert "composer_ui.jobs" in graph["composer_ui.services.generation"]  # `from .. import jobs`
    assert "composer_ui.services" in graph["composer_ui.consumers"]  # a package's __init__ runs
    assert "composer_ui.services" not in graph["composer_ui.services.generation"]  # its own package
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    js = js_graph()
    assert "static/js/core/fold.js" in js["static/js/core/state.js"]


def test_no_cycles_in_the_python():
    found = cycles(python_graph())
    assert not found, _report(found)


def test_no_cycles_in_the_browser_modules():
    found = cycles(js_graph())
    assert not found, _report(found)
