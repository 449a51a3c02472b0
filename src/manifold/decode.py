"""Stage 2: `Document` -> `Project`, `Environment` or `Platform`, or the diagnostics that say
why not."""

from __future__ import annotations

from typing import Literal, overload

from manifold import modelcheck
from manifold.diagnostics import Diagnostic, Position, Problem
from manifold.models import INPUT_KINDS, Environment, Platform, Project
from manifold.models.common import API_VERSION
from manifold.overlay import without_nulls
from manifold.sources import ENVIRONMENTS_DIR, PLATFORM_DIR, PROJECTS_DIR, Document

Kind = Literal["Project", "Environment", "Platform"]
_FOLDERS = {"Project": PROJECTS_DIR, "Environment": ENVIRONMENTS_DIR, "Platform": PLATFORM_DIR}


def _article(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def problem_diagnostic(document: Document, problem: Problem) -> Diagnostic:
    return Diagnostic(
        problem.message,
        file=document.path,
        position=document.locate(problem.path, key=problem.at_key),
        path=problem.path,
        severity=problem.severity,
        hint=problem.hint,
    )


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
    model, problems = modelcheck.validate(INPUT_KINDS[kind], without_nulls(data))
    return model, [problem_diagnostic(document, problem) for problem in problems]
