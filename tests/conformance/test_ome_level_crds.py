"""Each environment's OME objects validate against the real CRDs of the API level it names
(issue 18 §1): level v0.1 against released OME's (`crds/main`), level full against those and
the kinds only pull request #5 defines (`crds/pr5-unmerged`).

One definition per kind and level: `crds/pr5-unmerged` defines none of the eight released
kinds, so at both levels they are checked against `crds/main`; PR #5's own, older copies of
seven of them (sgl-project/ome e2866745, config/crd/full) are what only a cluster installed
from PR #5 itself runs (see `manifold.targets.ome.settings`). manifold's schema of a
released kind lists no field that `crds/main` lacks, so no field those older copies alone
have can be rendered at all.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from manifold.core.diagnostics import Diagnostics
from manifold.pipeline.commands import load_inputs
from manifold.schemas.crd import crd_schemas, read_crd_documents
from manifold.schemas.generate import typed_dict_schema
from manifold.targets.ome import KINDS
from manifold.targets.ome.settings import RELEASED_KINDS, OmeSettings
from tests.conformance.crds import crd_validators, failures, rendered_objects, repositories
from tests.conftest import SHARED, SHARED_MISSING

OME_CRDS = SHARED / "reference" / "ome" / "crds"
LEVEL_FOLDERS = {"v0.1": ("main",), "full": ("main", "pr5-unmerged")}


def _real_files(folder: Path) -> list[Path]:
    """A folder's CRDs as OME ships them: each pruned copy has its gzipped original beside it."""
    return [f for f in sorted(folder.glob("*.yaml*")) if ".pruned." not in f.name]


@functools.cache
def _level_validators(level: str) -> dict[tuple[str, str], Any]:
    files = [f for name in LEVEL_FOLDERS[level] for f in _real_files(OME_CRDS / name / "full")]
    return crd_validators(files)


def _levels(root: Path) -> dict[str, str]:
    """Each environment's OME API level, as manifold resolves it (along `extends`)."""
    inputs = load_inputs(root, Diagnostics())
    return {
        name: (environment.settings("ome", OmeSettings) or OmeSettings()).api_level
        for name, environment in inputs.environments.items()
    }


@pytest.fixture(scope="module")
def by_level(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, dict[str, Any]]]:
    """(where, level, object) for every ome.io object the tests' repositories render."""
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    found = []
    for label, root in repositories(tmp_path_factory).items():
        levels = _levels(root)
        for path, body in rendered_objects(root):
            if str(body.get("apiVersion", "")).startswith("ome.io/"):
                level = levels[path.split("/", 1)[0]]
                found.append((f"{label}: {path} (level {level})", level, body))
    return found


def test_every_object_validates_against_the_crds_of_its_environments_level(
    by_level: list[tuple[str, str, dict[str, Any]]],
) -> None:
    problems = []
    for where, level, body in by_level:
        validator = _level_validators(level).get((body["apiVersion"], body["kind"]))
        if validator is None:
            problems.append(f"{where}: no {body['kind']} CRD at this level")
        else:
            problems.extend(failures(validator, body, where))
    assert not problems, "\n".join(problems)


def test_both_levels_are_rendered_and_v0_1_only_writes_released_kinds(
    by_level: list[tuple[str, str, dict[str, Any]]],
) -> None:
    kinds = {
        level: {body["kind"] for _, lv, body in by_level if lv == level} for level in LEVEL_FOLDERS
    }
    assert kinds["v0.1"] and kinds["v0.1"] <= RELEASED_KINDS
    assert kinds["full"] - RELEASED_KINDS, "no environment at level full renders a PR #5 kind"


def _crd_schema(kind: str) -> dict[str, Any]:
    for file in _real_files(OME_CRDS / "main" / "full"):
        for document in read_crd_documents(file.read_bytes()):
            for schema in crd_schemas(document):
                if schema.kind == kind:
                    return schema.schema
    raise AssertionError(f"no {kind} in crds/main")


def _outside(mine: Any, real: Any, definitions: dict[str, Any], path: str) -> list[str]:
    """Fields `mine` (a manifold schema) lists where `real` (a CRD schema) has none."""
    if not isinstance(mine, dict) or not isinstance(real, dict):
        return []
    while "$ref" in mine:
        mine = definitions[mine["$ref"].rsplit("/", 1)[-1]]
    if real.get("x-kubernetes-preserve-unknown-fields"):
        return []
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for member in mine.get(key, []):
            found.extend(_outside(member, real, definitions, path))
    known = real.get("properties")
    for name, sub in (mine.get("properties") or {}).items():
        if known is None:
            extra = real.get("additionalProperties")
            if isinstance(extra, dict):
                found.extend(_outside(sub, extra, definitions, f"{path}.{name}"))
        elif name not in known:
            found.append(f"{path}.{name}")
        else:
            found.extend(_outside(sub, known[name], definitions, f"{path}.{name}"))
    if "items" in mine:
        found.extend(_outside(mine["items"], real.get("items"), definitions, f"{path}[]"))
    extra = mine.get("additionalProperties")
    if isinstance(extra, dict) and isinstance(real.get("additionalProperties"), dict):
        found.extend(_outside(extra, real["additionalProperties"], definitions, f"{path}{{}}"))
    return found


@pytest.mark.parametrize("kind", sorted(RELEASED_KINDS))
def test_manifolds_schema_of_a_released_kind_has_no_field_released_ome_lacks(
    shared: Path, kind: str
) -> None:
    shape = next(shape for shape in KINDS if shape.__name__ == kind)
    mine = typed_dict_schema(shape)()
    assert _outside(mine, _crd_schema(kind), mine.get("definitions", {}), kind) == []
