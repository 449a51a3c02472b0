"""The gate every target's compile goes through: references first, then the platform's own
rules, objects only when no problem is an error and nothing referred to is broken."""

from __future__ import annotations

from manifold.core.diagnostics import Problem, Severity
from manifold.core.manifest import Manifest
from manifold.targets.checked import check_then_render, project_compiled
from tests.unit.helpers import lone_catalog, project_instance

GOOD = "models: [{name: m, source: 'hf://a/b'}]\nservices: [{name: s, model: m}]"
DANGLING = "models: [{name: m, source: 'hf://a/b'}]\nservices: [{name: s, model: other}]"


def _render_nothing_expected() -> list[Manifest]:
    raise AssertionError("rendered although it may not be")


def test_objects_when_no_problem_is_an_error() -> None:
    instance = project_instance("ome", GOOD)
    warning = Problem(("services", 0), "only a warning", severity=Severity.WARNING)
    problems, objects = project_compiled(
        instance, lone_catalog(instance), lambda: [warning], lambda: []
    )
    assert problems == [warning] and objects == []


def test_a_platform_error_stops_rendering() -> None:
    instance = project_instance("ome", GOOD)
    error = Problem(("services", 0), "the platform refuses this")
    problems, objects = project_compiled(
        instance, lone_catalog(instance), lambda: [error], _render_nothing_expected
    )
    assert problems == [error] and objects is None


def test_references_come_first_and_their_errors_stop_rendering_too() -> None:
    instance = project_instance("ome", DANGLING)
    own = Problem(("services", 0), "the platform's own")
    problems, objects = project_compiled(
        instance, lone_catalog(instance), lambda: [own], _render_nothing_expected
    )
    assert objects is None
    assert problems[-1] == own
    assert "serves model 'other'" in problems[0].message


def test_check_then_render_is_a_compile_from_rules_and_renderer() -> None:
    instance = project_instance("ome", GOOD)
    compile_project = check_then_render(lambda i, c: [], lambda i, c: [])
    assert compile_project(instance, lone_catalog(instance)) == ([], [])
