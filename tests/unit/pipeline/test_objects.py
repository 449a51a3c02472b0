"""Where an object's problem is reported: at the last patch that changed it, else at what it
was rendered from."""

from __future__ import annotations

from manifold.core.diagnostics import Position, Problem
from manifold.core.manifest import Manifest
from manifold.pipeline.objects import object_diagnostic

BODY = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}


def test_a_patched_object_is_reported_at_its_last_patch() -> None:
    patched = (
        ("environments/dev.yaml", Position(3, 5)),
        ("environments/prod.yaml", Position(9, 7)),
    )
    manifest = Manifest(BODY, True, None, ("projects/x.yaml",), patched_by=patched)
    found = object_diagnostic(manifest, {}, Problem(("spec",), "is invalid"))
    assert (found.file, found.position, found.hint) == (
        "environments/prod.yaml",
        Position(9, 7),
        "changed by this patch",
    )


def test_an_object_of_no_known_owner_is_reported_at_its_first_source() -> None:
    manifest = Manifest(BODY, True, "gone", ("platform/ome.yaml", "environments/dev.yaml"))
    found = object_diagnostic(manifest, {}, Problem(("spec",), "is invalid"))
    assert (found.file, found.message) == ("platform/ome.yaml", "is invalid")
