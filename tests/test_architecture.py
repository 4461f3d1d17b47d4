"""The shape of the code, checked from its source with `ast` (nothing is imported).

- The pure modules (the core, and the rules kept apart from their adapters) import nothing
  that does I/O, reads a clock or starts threads, and call no such thing: that is what lets
  the core be tested with a fake clock and replayed from a trace.
- The core imports nothing from outside `core/`: adapters depend on it, never the reverse.
- bench/ and rigs/ import nothing from tests/: what both need lives in rigs/.
- No import cycles between the package's modules, at module level or inside functions (an
  import inside a function runs later, but a cycle through it is still a tangle to undo).
  `if TYPE_CHECKING:` imports never run and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "accessible_companion"

PURE_OUTSIDE_CORE = {
    f"{PACKAGE}.voice.hearing",
    f"{PACKAGE}.audio.pcm",
    f"{PACKAGE}.caregiver.tuning",
    f"{PACKAGE}.caregiver.reach_time",
}
"""Pure rules that live next to their adapters; any module named `backoff` is pure too."""

PURE_STDLIB = {
    "__future__",
    "abc",
    "array",
    "bisect",
    "collections",
    "collections.abc",
    "dataclasses",
    "enum",
    "fractions",
    "functools",
    "heapq",
    "itertools",
    "json",  # for parsing text already in hand: json.load/json.dump (files) are forbidden below
    "math",
    "operator",
    "re",
    "statistics",
    "string",
    "textwrap",
    "typing",
    "unicodedata",
}
"""Standard library modules with no I/O, clocks, randomness or threads."""

IMPURE_MODULES = {
    "asyncio",
    "datetime",
    "io",
    "logging",
    "os",
    "pathlib",
    "random",
    "select",
    "shutil",
    "signal",
    "socket",
    "sqlite3",
    "subprocess",
    "sys",
    "threading",
    "time",
}
"""Names whose attributes a pure module must not touch (`time.monotonic`, `threading.Thread`, ...),
even when reached without an import statement of its own."""

FORBIDDEN_ATTRIBUTES = {"json.load", "json.dump"}
FORBIDDEN_BUILTINS = {"open", "print", "input", "breakpoint", "exec", "eval", "compile", "__import__"}

KNOWN_CYCLES: set[frozenset[str]] = set()
"""Cycles that are being removed elsewhere; a listed cycle that is gone fails too, so the entry is
dropped with it. (journal/chart.py imports journal/report.py only under TYPE_CHECKING, so that
pair is no cycle by these rules; the summary-module change removes even that import.)"""


@dataclass(frozen=True)
class Import:
    """One import statement's target module, where it is written, and whether it ever runs."""

    module: str
    line: int
    type_checking: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((SRC / PACKAGE).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, type_checking: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below `node`, with whether it sits in an `if TYPE_CHECKING:` block."""
    for child in ast.iter_child_nodes(node):
        inside = type_checking
        if isinstance(node, ast.If) and _is_type_checking(node.test) and child in node.body:
            inside = True
        yield child, inside
        yield from _walk(child, inside)


def imports(name: str, path: Path, known: dict[str, Path]) -> list[Import]:
    """What `name` imports: modules by full name (a `from package import module` names the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []
    for node, type_checking in _walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno, type_checking) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append(Import(sub if sub in known else base, node.lineno, type_checking))
    return found


def is_pure(name: str) -> bool:
    return (
        name.startswith(f"{PACKAGE}.core.")
        or name == f"{PACKAGE}.core"
        or name in PURE_OUTSIDE_CORE
        or name.rpartition(".")[2] == "backoff"
    )


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return None if inner is None else f"{inner}.{node.attr}"
    return None


def impure_uses(path: Path) -> list[str]:
    """Calls and attributes a pure module must not use, as 'line N: what'."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted is not None and (
                dotted.partition(".")[0] in IMPURE_MODULES or dotted in FORBIDDEN_ATTRIBUTES
            ):
                found.append(f"line {node.lineno}: {dotted}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FORBIDDEN_BUILTINS
        ):
            found.append(f"line {node.lineno}: {node.func.id}(...)")
    return found


def impure_imports(name: str, path: Path, known: dict[str, Path]) -> list[str]:
    """Imports of a pure module that are neither pure stdlib nor pure modules of the package."""
    bad: list[str] = []
    for imported in imports(name, path, known):
        ours = imported.module == PACKAGE or imported.module.startswith(f"{PACKAGE}.")
        allowed = is_pure(imported.module) if ours else imported.module in PURE_STDLIB
        if not allowed:
            bad.append(f"line {imported.line}: imports {imported.module}")
    return bad


def test_the_pure_modules_are_the_ones_meant() -> None:
    """A renamed pure module must not drop out of the check unnoticed."""
    known = modules()
    missing = PURE_OUTSIDE_CORE - set(known)
    assert not missing, missing
    assert sum(name.startswith(f"{PACKAGE}.core.") for name in known) >= 10


def test_pure_modules_import_and_call_no_io_clock_or_threads() -> None:
    known = modules()
    problems = [
        f"{name} ({path.relative_to(ROOT)}) {problem}"
        for name, path in known.items()
        if is_pure(name)
        for problem in impure_imports(name, path, known) + impure_uses(path)
    ]
    if problems:
        pytest.fail("pure modules must stay pure:\n  " + "\n  ".join(problems), pytrace=False)


def test_the_core_imports_nothing_from_outside_the_core() -> None:
    known = modules()
    core = f"{PACKAGE}.core"
    problems = [
        f"{name} line {imported.line}: imports {imported.module}"
        for name, path in known.items()
        if name == core or name.startswith(f"{core}.")
        for imported in imports(name, path, known)
        if imported.module.startswith(f"{PACKAGE}.") and not imported.module.startswith(f"{core}.")
    ]
    if problems:
        pytest.fail("the core depends on nothing outside it:\n  " + "\n  ".join(problems), pytrace=False)


def test_bench_and_rigs_import_nothing_from_tests() -> None:
    problems = [
        f"{path.relative_to(ROOT)} line {imported.line}: imports {imported.module}"
        for folder in ("bench", "rigs")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for imported in imports(".".join(path.relative_to(ROOT).with_suffix("").parts), path, {})
        if imported.module == "tests" or imported.module.startswith("tests.")
    ]
    if problems:
        pytest.fail(
            "tests/ is for tests only; move shared parts to rigs/:\n  " + "\n  ".join(problems), pytrace=False
        )


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports when it runs (TYPE_CHECKING imports left out)."""
    known = modules()
    return {
        name: {
            imported.module
            for imported in imports(name, path, known)
            if imported.module in known and imported.module != name and not imported.type_checking
        }
        for name, path in known.items()
    }


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of modules that reach each other (size > 1 means a cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def a_cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """One concrete cycle through a group, start module repeated at the end, for the failure message."""
    start = min(group)
    path = [start]
    seen = {start}
    while True:
        following = sorted(graph[path[-1]] & group)
        if start in following:
            return [*path, start]
        step = next((m for m in following if m not in seen), following[0])
        if step in seen:  # looped back inside the group: print the loop itself
            return [*path[path.index(step) :], step]
        path.append(step)
        seen.add(step)


def cycles() -> list[list[str]]:
    graph = import_graph()
    return [a_cycle(graph, group) for group in strongly_connected(graph) if len(group) > 1]


def test_no_import_cycles() -> None:
    found = cycles()
    unexpected = [cycle for cycle in found if frozenset(cycle) not in KNOWN_CYCLES]
    gone = KNOWN_CYCLES - {frozenset(cycle) for cycle in found}
    if unexpected:
        pytest.fail("import cycles:\n  " + "\n  ".join(" -> ".join(c) for c in unexpected), pytrace=False)
    if gone:
        pytest.fail(f"no longer cycles, remove them from KNOWN_CYCLES: {gone}", pytrace=False)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b", "a"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b", "d"}, "d": set()}, [["b", "c", "b"]]),
    ],
)
def test_cycles_are_found_and_printed(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    groups = [group for group in strongly_connected(graph) if len(group) > 1]
    assert [a_cycle(graph, group) for group in groups] == expected
