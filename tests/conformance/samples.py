"""Real upstream manifests reproduced by cases: each valid case lists under `reproduces:`
the files of ../shared/reference/ (for example `ome/samples/x.yaml`) whose objects it
renders, and the tests compare the rendered objects with them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manifold.core import yaml as yamlio
from manifold.pipeline.commands import build
from tests.casefolders import Case, cases
from tests.conftest import SHARED

REFERENCE = SHARED / "reference"


def cases_by_sample(folder: str) -> dict[str, Case]:
    """The cases reproducing files under reference/<folder>/, by path relative to it."""
    prefix = f"{folder}/"
    return {
        sample.removeprefix(prefix): case
        for case in cases("valid")
        for sample in case.spec.get("reproduces", ())
        if sample.startswith(prefix)
    }


def sample_objects(path: Path, group: str) -> list[dict[str, Any]]:
    """The objects of a sample file in an API group."""
    return [
        document
        for document in yamlio.load_all(path.read_text())
        if document and str(document.get("apiVersion", "")).startswith(f"{group}/")
    ]


class Rendered:
    """Each case materialized and built once, its objects of a group by (kind, name)."""

    def __init__(self, group: str) -> None:
        self.group = group
        self._objects: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}

    def of(
        self, case: Case, tmp_path_factory: pytest.TempPathFactory
    ) -> dict[tuple[str, str], dict[str, Any]]:
        if case.name not in self._objects:
            root = case.materialize(tmp_path_factory.mktemp(case.name))
            built, diagnostics = build(root)
            assert not diagnostics.has_errors, diagnostics.sorted()
            objects = {}
            for text in built.texts().values():
                for document in yamlio.load_all(text):
                    if str(document.get("apiVersion", "")).startswith(f"{self.group}/"):
                        objects[(document["kind"], document["metadata"]["name"])] = document
            self._objects[case.name] = objects
        return self._objects[case.name]


def assert_every_sample_is_reproduced(folder: Path, by_sample: dict[str, Case], count: int) -> None:
    samples = {path.relative_to(folder).as_posix() for path in folder.rglob("*.yaml")}
    assert len(samples) == count
    assert samples == set(by_sample), {
        "not reproduced": sorted(samples - set(by_sample)),
        "not a sample": sorted(set(by_sample) - samples),
    }


def assert_the_case_renders_the_sample(
    folder: Path,
    sample: str,
    case: Case,
    rendered: dict[tuple[str, str], dict[str, Any]],
    group: str,
    expected: Callable[[dict[str, Any]], dict[str, Any]] = lambda spec: spec,
) -> None:
    """For every object of the sample in `group`, the case renders one of that kind and name
    whose spec is `expected(the sample's spec)`."""
    documents = sample_objects(folder / sample, group)
    assert documents
    for document in documents:
        key = (document["kind"], document["metadata"]["name"])
        assert key in rendered, f"{case.name} renders no {key[0]} {key[1]!r}"
        assert rendered[key]["spec"] == expected(document["spec"])
