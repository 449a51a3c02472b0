"""Every OME object manifold renders validates against OME's real CRD (the full one).

The CRDs are read from ../shared/reference/ome/crds/*/full at test time and converted with
`manifold schemas import` into a temporary folder (strict, the root included), and every
ome.io object of the repositories the tests render (`tests.conformance.crds.repositories`)
is checked.
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from manifold.targets.registry import get_target
from tests.conformance.crds import failures, rendered_objects, repositories
from tests.conftest import SHARED, SHARED_MISSING, run_cli

OME_CRDS = SHARED / "reference" / "ome" / "crds"


@functools.cache
def ome_crd_validators(level: str = "*") -> dict[tuple[str, str], Any]:
    """By (apiVersion, lower-case kind), as kubeconform's layout names the files; `level`
    is a folder of crds/ (main, pr5-unmerged) or all of them."""
    files = sorted(OME_CRDS.glob(f"{level}/full/*.yaml*"))
    full = {f.name.removesuffix(".gz") for f in files if f.name.endswith(".yaml.gz")}
    # Where the gzipped original is there, use the real thing rather than the pruned copy.
    real = [
        str(f)
        for f in files
        if not (f.name.endswith(".pruned.yaml") and f.name.replace(".pruned", "") in full)
    ]
    with tempfile.TemporaryDirectory() as folder:
        result = run_cli(
            "schemas", "import", *real, "-o", folder, "--deny-root-additional-properties"
        )
        assert result.exit_code == 0, result.stderr
        validators = {}
        for path in sorted(Path(folder).rglob("*.json")):
            kind, _, version = path.stem.partition("_")
            schema = json.loads(path.read_text())
            key = (f"{path.parent.name}/{version}", kind)
            validators[key] = jsonschema_rs.validator_for(schema)
    return validators


@pytest.fixture(scope="module")
def ome_objects(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any]]]:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    objects: list[tuple[str, dict[str, Any]]] = []
    for label, root in repositories(tmp_path_factory).items():
        objects.extend(
            (f"{label}: {path}", body)
            for path, body in rendered_objects(root)
            if str(body.get("apiVersion", "")).startswith("ome.io/")
        )
    return objects


def test_every_kind_manifold_emits_has_a_real_crd() -> None:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    emitted = {(kind.api_version, kind.kind.lower()) for kind in get_target("ome").output_kinds()}
    assert emitted <= set(ome_crd_validators()), emitted - set(ome_crd_validators())


def test_the_example_and_cases_render_every_ome_kind(
    ome_objects: list[tuple[str, dict[str, Any]]],
) -> None:
    rendered = {(body["apiVersion"], body["kind"]) for _, body in ome_objects}
    emitted = {(kind.api_version, kind.kind) for kind in get_target("ome").output_kinds()}
    assert emitted <= rendered, f"never rendered in a test: {emitted - rendered}"


def test_rendered_ome_objects_validate_against_the_real_crds(
    ome_objects: list[tuple[str, dict[str, Any]]],
) -> None:
    validators = ome_crd_validators()
    found: list[str] = []
    for where, body in ome_objects:
        validator = validators[(body["apiVersion"], body["kind"].lower())]
        found.extend(failures(validator, body, where))
    assert not found, "\n".join(found)
