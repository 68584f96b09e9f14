"""The shape of the package: the pipeline's core modules never import the
speed-ups (timeline/speedups/), and no module imports, however indirectly,
one that imports it back, counting imports inside functions too. Imports
under `if TYPE_CHECKING:` are left out: they never run."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "timeline"


def module_name(file: Path) -> str:
    parts = list(file.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(f): f for f in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(name: str, file: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports, anywhere in its code."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if _type_checking_only(node):
            skipped.update(id(n) for n in ast.walk(node) if n is not node)
            skipped.update(id(n) for n in node.body)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base_name = ".".join(base + ([node.module] if node.module else []))
            else:
                base_name = node.module or ""
            targets = [base_name] + [f"{base_name}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in known)
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    return {name: imports_of(name, file, known) for name, file in modules.items()}


def is_speedup(name: str) -> bool:
    return name == "timeline.speedups" or name.startswith("timeline.speedups.")


# The front that wires the speed-ups in: the one core module allowed to.
FRONT = {"timeline.cli"}


def test_the_two_sets_of_modules_are_as_documented():
    names = set(all_modules())
    speedups = {n for n in names if is_speedup(n)}
    assert speedups == {"timeline.speedups", "timeline.speedups.cache", "timeline.speedups.fastyaml",
                        "timeline.speedups.ical", "timeline.speedups.jinja", "timeline.speedups.parallel",
                        "timeline.speedups.patch", "timeline.speedups.quick",
                        "timeline.speedups.simplemd"}
    assert {"timeline.project", "timeline.engine", "timeline.model.assemble", "timeline.render.render",
            "timeline.write.output"} <= names - speedups


def test_the_core_does_not_import_a_speedup():
    offending = {(a, b) for a, targets in graph().items() if not is_speedup(a) and a not in FRONT
                 for b in targets if is_speedup(b)}
    assert not offending


def test_no_module_takes_part_in_an_import_cycle():
    edges = graph()
    cycles = []
    state: dict[str, int] = {}   # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert not cycles


def test_the_import_walk_sees_imports_inside_functions(tmp_path):
    # The walk itself: an import hidden in a function counts.
    file = tmp_path / "m.py"
    file.write_text("def f():\n    from .b import x\nif TYPE_CHECKING:\n    from .c import y\n", encoding="utf-8")
    known = {"timeline.b", "timeline.c"}
    assert imports_of("timeline.m", file, known) == {"timeline.b"}


# The pipeline's stages, in the order the data flows (docs/architecture.md).
STAGES = ("read", "check", "model", "render", "write")
# What every stage may use: no stage of its own, and they import none.
BASE = {"timeline.errors", "timeline.hashing"}
# What runs the pipeline: these may import any stage; no stage imports them.
RUNNERS = {"timeline", "timeline.__main__", "timeline.cli", "timeline.authoring", "timeline.invoked",
           "timeline.project", "timeline.engine", "timeline.memory"}
OUTSIDE = ("timeline.speedups", "timeline.commands", "timeline.serve")


def stage_of(name: str) -> int | None:
    parts = name.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_has_its_place():
    unplaced = sorted(n for n in all_modules() if stage_of(n) is None and n not in BASE | RUNNERS
                      and not n.startswith(OUTSIDE))
    assert not unplaced, "put each module in a stage's folder, or name it here with a reason"


def test_no_stage_imports_a_later_stage_or_what_runs_it():
    backwards = []
    for name, targets in graph().items():
        own = stage_of(name)
        if name in BASE:
            backwards += [(name, t) for t in targets if t not in BASE]
        if own is None:
            continue
        for target in targets:
            theirs = stage_of(target)
            if (theirs is not None and theirs > own) or (theirs is None and target not in BASE):
                backwards.append((name, target))
    assert not sorted(backwards)


def test_the_stage_rule_sees_a_backward_import(tmp_path):
    # The rule itself, on a made-up module of the read stage importing render.
    file = tmp_path / "m.py"
    file.write_text("from ..render.views import x\n", encoding="utf-8")
    found = imports_of("timeline.read.m", file, {"timeline.render.views"})
    assert found == {"timeline.render.views"}
    assert stage_of("timeline.render.views") > stage_of("timeline.read.m")
