"""An environment's patches, applied to the objects rendered for it.

Patches run in the order their environments extend each other (root first) and, within a
file, top to bottom. A patch selects objects by kind, name, project and labels (every given
selector must match; names and projects take fnmatch patterns). A patch that selects nothing
is reported as a warning: it usually means a typo or an object that no longer exists.
"""

from __future__ import annotations

import fnmatch

from manifold.compile.overlay import JsonPatchError, json_patch, merge_patch
from manifold.core import secrets
from manifold.core.diagnostics import Diagnostic, Problem, Severity, problem_diagnostic, shown
from manifold.core.jsonpath import format_json_path
from manifold.core.manifest import Manifest
from manifold.inputs.resolved import ResolvedEnvironment, SourcedPatch
from manifold.models.environment import JsonPatch, MergePatch, PatchTarget


def selects(target: PatchTarget, manifest: Manifest) -> bool:
    if target.kind is not None and target.kind != manifest.kind:
        return False
    if target.name is not None and not fnmatch.fnmatchcase(manifest.name, target.name):
        return False
    if target.project is not None and not (
        manifest.project is not None and fnmatch.fnmatchcase(manifest.project, target.project)
    ):
        return False
    if target.labels:
        labels = manifest.labels
        return all(labels.get(key) == value for key, value in target.labels.items())
    return True


def apply_patches(
    manifests: list[Manifest], environment: ResolvedEnvironment, *, report_unused: bool = True
) -> tuple[list[Manifest], list[Diagnostic]]:
    patched, diagnostics, selecting = patch_objects(manifests, environment)
    if report_unused:
        diagnostics.extend(unused_patches(environment, selecting))
    return patched, diagnostics


def patch_objects(
    manifests: list[Manifest], environment: ResolvedEnvironment
) -> tuple[list[Manifest], list[Diagnostic], set[int]]:
    """The objects patched, what went wrong, and which of the environment's patches (by
    position) selected at least one of them."""
    diagnostics: list[Diagnostic] = []
    patched = list(manifests)
    selecting: set[int] = set()
    for number, sourced in enumerate(environment.patches):
        label = (sourced.document.path, sourced.document.locate(sourced.path))
        for index, manifest in enumerate(patched):
            if not selects(sourced.patch.target, manifest):
                continue
            selecting.add(number)
            patch = sourced.patch
            if isinstance(patch, MergePatch):
                body = merge_patch(manifest.body, patch.merge_patch)
            else:
                try:
                    body = json_patch(manifest.body, _operations(patch))
                except JsonPatchError as error:
                    diagnostics.append(_failed(sourced, manifest, error))
                    continue
            refusal = _refusal(manifest, body)
            if refusal is not None:
                message, hint = refusal
                problem = Problem(sourced.path, message, hint=hint)
                diagnostics.append(problem_diagnostic(sourced.document, problem))
                continue
            patched[index] = manifest.with_body(body, patched_by=label)
    return patched, diagnostics, selecting


def unused_patches(environment: ResolvedEnvironment, selecting: set[int]) -> list[Diagnostic]:
    """A warning for each of the environment's patches that selected nothing."""
    return [
        problem_diagnostic(
            sourced.document,
            Problem(
                (*sourced.path, "target"),
                f"patch selects no rendered object in environment {environment.name!r}",
                severity=Severity.WARNING,
            ),
        )
        for number, sourced in enumerate(environment.patches)
        if number not in selecting
    ]


def _operations(patch: JsonPatch) -> list[dict[str, object]]:
    operations = []
    for operation in patch.json_patch:
        step: dict[str, object] = {"op": operation.op, "path": operation.path}
        if "value" in operation.model_fields_set:
            step["value"] = operation.value
        if operation.from_ is not None:
            step["from"] = operation.from_
        operations.append(step)
    return operations


def _refusal(manifest: Manifest, body: object) -> tuple[str, str] | None:
    """Why the patched `body` may not replace `manifest`'s (a message and a hint), if it may not.

    An object stays in the namespace manifold gave it: a patch that moved it (into
    kube-system, or another team's namespace) would escape what the environment's namespace
    template and the project's owners decide, and Argo CD or Flux would apply it there."""
    if not isinstance(body, dict):
        return f"patch turns {_name(manifest)} into a non-object", "patch fields of the object"
    credential = next(secrets.added_secret_values(body, manifest.body), None)
    if credential is not None:
        # Inputs are checked as written; a patch can assemble a credential where no input
        # had one (a JSON patch's value lands under a key only its path names). What the
        # patch left as it was is not scanned again.
        return (
            f"patch puts a credential into {_name(manifest)} at "
            f"{format_json_path(credential.path)}: the value {credential.why}",
            "rendered/ is committed to git: reference a Secret instead (valueFrom.secretKeyRef)",
        )
    metadata = body.get("metadata")
    moved = metadata.get("namespace") if isinstance(metadata, dict) else None
    if moved != manifest.namespace:
        where = f"namespace {manifest.namespace!r}" if manifest.namespace else "no namespace"
        return (
            f"patch moves {_name(manifest)} of project {manifest.project} from {where} to "
            f"{shown(moved)}; a patch may not change an object's namespace",
            "set namespaces with the environment's spec.namespace template",
        )
    return None


def _name(manifest: Manifest) -> str:
    return f"{manifest.kind}/{manifest.name}"


def _failed(sourced: SourcedPatch, manifest: Manifest, error: JsonPatchError) -> Diagnostic:
    return problem_diagnostic(
        sourced.document,
        Problem(
            (*sourced.path, "jsonPatch", error.index),
            f"cannot apply to {_name(manifest)} of project {manifest.project}: {error.message}",
        ),
    )
