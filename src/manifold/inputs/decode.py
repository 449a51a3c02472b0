"""`Document` -> `Project`, `Environment` or `Platform`, or the diagnostics that say
why not."""

from __future__ import annotations

from typing import Any, Literal, overload

from manifold.core import modelcheck, secrets
from manifold.core.diagnostics import Diagnostic, Position, Problem, problem_diagnostic
from manifold.inputs.sources import ENVIRONMENTS_DIR, PLATFORM_DIR, PROJECTS_DIR, Document
from manifold.models import INPUT_KINDS, Environment, Platform, Project
from manifold.models.common import API_VERSION

Kind = Literal["Project", "Environment", "Platform"]
_FOLDERS = {"Project": PROJECTS_DIR, "Environment": ENVIRONMENTS_DIR, "Platform": PLATFORM_DIR}


def _article(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


@overload
def decode(
    document: Document, kind: Literal["Project"]
) -> tuple[Project | None, list[Diagnostic]]: ...
@overload
def decode(
    document: Document, kind: Literal["Environment"]
) -> tuple[Environment | None, list[Diagnostic]]: ...
@overload
def decode(
    document: Document, kind: Literal["Platform"]
) -> tuple[Platform | None, list[Diagnostic]]: ...
def decode(
    document: Document, kind: Kind
) -> tuple[Project | Environment | Platform | None, list[Diagnostic]]:
    data = document.data
    if data is None:
        return None, [
            Diagnostic(
                f"file is empty; it should hold one {kind} (apiVersion: {API_VERSION})",
                file=document.path,
                position=Position(1, 1),
            )
        ]
    if not isinstance(data, dict):
        return None, [
            Diagnostic(
                f"the top level must be a mapping with apiVersion, kind, metadata and spec, "
                f"not {modelcheck.describe_type(data)}",
                file=document.path,
                position=Position(1, 1),
            )
        ]
    found = data.get("kind")
    if found != kind and found in INPUT_KINDS:
        folder = f"{_FOLDERS[kind]}/"
        return None, [
            problem_diagnostic(
                document,
                Problem(("kind",), f"files under {folder} hold a {kind}, not {_article(found)}"),
            )
        ]
    # A file is a layer over what it extends: `null` there removes an inherited value, so the
    # file on its own is checked without its nulls.
    model, problems = modelcheck.validate(INPUT_KINDS[kind], document.layer)
    credentials = [] if document.credential_free else credential_problems(data)
    if credentials:
        # Other problems at the same place could quote the credential: only its own is told.
        places = {problem.path for problem in credentials}
        problems = [*credentials, *(p for p in problems if p.path not in places)]
        model = None
    return model, [problem_diagnostic(document, problem) for problem in problems]


def credential_problems(data: Any) -> list[Problem]:
    """The input rule: a credential where a plain value is expected is an error."""
    problems = []
    for value in secrets.secret_values(data):
        subject = "key" if value.at_key else "value"
        message = (
            f"{subject} {value.why}: manifold files are committed to git and rendered in "
            "clear, so they must not hold credentials"
        )
        problems.append(Problem(value.path, message, at_key=value.at_key, hint=_advice(value)))
    return problems


def _advice(value: secrets.SecretValue) -> str:
    if value.env:
        return (
            "put the value in a Kubernetes Secret and reference it: "
            "`secret: {name: SECRET, key: KEY}` instead of `value:`"
        )
    if {"args", "command"} & set(value.path):
        return (
            "pass it in an environment variable that references a Secret "
            "(`secret: {name: SECRET, key: KEY}`) and write `$(VARIABLE)` in the argument"
        )
    if value.path[-1:] == ("source",) or "storage" in value.path:
        return (
            "put the credentials in a Secret and name it in the model's storage.credentialsSecret"
        )
    return "keep credentials in a Kubernetes Secret and reference the Secret by name"
