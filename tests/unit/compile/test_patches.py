from __future__ import annotations

from typing import Any

from manifold.compile.patches import apply_patches, selects
from manifold.core.diagnostics import Severity
from manifold.core.manifest import Manifest
from manifold.models.environment import PatchTarget
from tests.unit.helpers import env_text, environments


def _manifest(kind: str, name: str, project: str | None = "demo", **labels: str) -> Manifest:
    body: dict[str, Any] = {
        "apiVersion": "ome.io/v1beta1",
        "kind": kind,
        "metadata": {"name": name, "labels": labels},
        "spec": {"engine": {"minReplicas": 1}},
    }
    return Manifest(body, True, project, ("projects/demo.yaml",))


def test_selectors_must_all_match() -> None:
    isvc = _manifest("InferenceService", "chat-a", tier="gold")
    assert selects(PatchTarget(), isvc)
    assert selects(PatchTarget(kind="InferenceService", name="chat-*"), isvc)
    assert selects(PatchTarget(project="de*", labels={"tier": "gold"}), isvc)
    assert not selects(PatchTarget(kind="BaseModel"), isvc)
    assert not selects(PatchTarget(labels={"tier": "silver"}), isvc)
    assert not selects(PatchTarget(project="demo"), _manifest("Namespace", "x", project=None))


def test_patches_apply_in_order_and_record_where_they_came_from() -> None:
    envs = environments(
        base=env_text(
            "base",
            "patches:\n- target: {kind: InferenceService}\n"
            "  mergePatch: {spec: {engine: {minReplicas: 2, extra: true}}}\n",
        ),
        prod=env_text(
            "prod",
            "extends: base\npatches:\n- target: {name: chat}\n"
            "  jsonPatch:\n  - {op: replace, path: /spec/engine/minReplicas, value: 3}\n",
        ),
    )
    original = _manifest("InferenceService", "chat")
    patched, problems = apply_patches([original], envs["prod"])
    assert problems == []
    assert patched[0].body["spec"]["engine"] == {"minReplicas": 3, "extra": True}
    assert [file for file, _ in patched[0].patched_by] == [
        "environments/base.yaml",
        "environments/prod.yaml",
    ]
    assert original.body["spec"]["engine"] == {"minReplicas": 1}


def test_a_failing_json_patch_is_reported_at_its_operation() -> None:
    envs = environments(
        dev=env_text(
            "dev",
            "patches:\n- target: {kind: InferenceService}\n  jsonPatch:\n"
            "  - {op: add, path: /spec/x, value: 1}\n  - {op: remove, path: /spec/nope}\n",
        )
    )
    patched, problems = apply_patches([_manifest("InferenceService", "chat")], envs["dev"])
    assert patched[0].body["spec"] == {"engine": {"minReplicas": 1}}
    assert [p.json_path for p in problems] == ["spec.patches[0].jsonPatch[1]"]
    assert "cannot apply to InferenceService/chat" in problems[0].message


def test_a_patch_that_selects_nothing_is_a_warning_unless_told_otherwise() -> None:
    envs = environments(
        dev=env_text("dev", "patches:\n- target: {kind: Nothing}\n  mergePatch: {a: 1}\n")
    )
    _, problems = apply_patches([_manifest("InferenceService", "chat")], envs["dev"])
    assert [p.severity for p in problems] == [Severity.WARNING]
    _, quiet = apply_patches([_manifest("X", "y")], envs["dev"], report_unused=False)
    assert quiet == []
