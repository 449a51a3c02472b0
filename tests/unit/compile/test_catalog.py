"""The catalog: projects looked up by name through explicit methods, expanded on first use,
each lookup told to the recorder (what the project cache tracks as dependencies)."""

from __future__ import annotations

from manifold.compile.catalog import EVERY_PROJECT, Catalog
from manifold.compile.instances import ProjectInstance
from tests.unit.helpers import project_instance

DEMO = project_instance("ome", "services: []")


class Recorder:
    def __init__(self) -> None:
        self.names: list[str] = []

    def note(self, name: str) -> None:
        self.names.append(name)


def _lazy(expanded: list[str], recorder: Recorder | None = None) -> Catalog:
    """An environment of `demo` (expands) and `gone` (fails to), plus a broken `bad`."""

    def expand(name: str) -> ProjectInstance | None:
        expanded.append(name)
        return DEMO if name == "demo" else None

    return Catalog(
        DEMO.environment,
        broken=frozenset({"bad"}),
        declared=frozenset({"demo", "gone", "bad", "elsewhere"}),
        selected=frozenset({"demo", "gone"}),
        expand=expand,
        recorder=recorder,
    )


def test_a_project_is_expanded_once_when_first_looked_up() -> None:
    expanded: list[str] = []
    catalog = _lazy(expanded)
    assert expanded == []
    assert catalog.project("demo") is DEMO
    assert catalog.project("demo") is DEMO
    assert expanded == ["demo"]


def test_projects_not_here_or_not_expanding() -> None:
    expanded: list[str] = []
    catalog = _lazy(expanded)
    assert catalog.project("gone") is None
    assert catalog.project("gone") is None
    assert catalog.project("elsewhere") is None
    assert expanded == ["gone"]


def test_broken_is_a_project_with_errors_here_or_anywhere() -> None:
    catalog = _lazy([])
    assert [catalog.is_broken(n) for n in ("demo", "gone", "bad", "elsewhere")] == [
        False,
        True,
        True,
        False,
    ]


def test_every_lookup_is_recorded() -> None:
    recorder = Recorder()
    catalog = _lazy([], recorder)
    catalog.project("demo")
    catalog.is_broken("bad")
    catalog.is_declared("elsewhere")
    assert catalog.all_projects() == [DEMO]
    assert catalog.declared_names() == ["bad", "demo", "elsewhere", "gone"]
    assert recorder.names == ["demo", "bad", "elsewhere", EVERY_PROJECT, EVERY_PROJECT]


def test_a_catalog_of_given_projects_needs_no_expansion() -> None:
    catalog = Catalog(DEMO.environment, {"demo": DEMO})
    assert catalog.project("demo") is DEMO
    assert catalog.all_projects() == [DEMO]
    assert not catalog.is_broken("demo")
