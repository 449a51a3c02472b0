"""manifold's import graph has no cycle between modules: not at run time, not through type-only
(`TYPE_CHECKING`) imports, not through imports inside functions. A cycle means a name lives in
the wrong module; the layer contracts (`[tool.importlinter]` in pyproject.toml, run by
`make lint`) say which package may import which, this says that no module reaches itself.

The graph is grimp's (the library import-linter builds its graph with), which sees every import
statement, wherever it is."""

from __future__ import annotations

import grimp

PACKAGE = "manifold"


def _a_cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One cycle of the graph (its modules in import order, the first repeated at the end), or
    None. Depth-first, iterative, in sorted order so that a failure names the same cycle
    every time."""
    done: set[str] = set()
    for start in sorted(graph.modules):
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        pending = [iter(sorted(graph.find_modules_directly_imported_by(start)))]
        while pending:
            following = next(pending[-1], None)
            if following is None:
                pending.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if following in on_path:
                return [*path[path.index(following) :], following]
            if following in done:
                continue
            path.append(following)
            on_path.add(following)
            pending.append(iter(sorted(graph.find_modules_directly_imported_by(following))))
    return None


def test_the_import_graph_has_no_cycle() -> None:
    graph = grimp.build_graph(PACKAGE, include_external_packages=False)
    cycle = _a_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_a_cycle_is_found_when_there_is_one() -> None:
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    assert _a_cycle(graph) is None
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _a_cycle(graph) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
