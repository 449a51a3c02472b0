"""Counts in summaries: singular for exactly one, plural otherwise, objects and files apart."""

from __future__ import annotations

import pytest

from manifold.core.wording import counted, plural, rendered_tally


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("object", "objects"),
        ("file", "files"),
        ("environment", "environments"),
        ("schema", "schemas"),
        ("index", "indexes"),
        ("class", "classes"),
        ("patch", "patches"),
        ("push", "pushes"),
    ],
)
def test_plural(word: str, expected: str) -> None:
    assert plural(word) == expected


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "file", "0 files"),
        (1, "file", "1 file"),
        (2, "file", "2 files"),
        (1, "error", "1 error"),
        (11, "warning", "11 warnings"),
        (14469, "object", "14,469 objects"),
    ],
)
def test_counted(count: int, noun: str, expected: str) -> None:
    assert counted(count, noun) == expected


@pytest.mark.parametrize(
    ("environments", "objects", "files", "expected"),
    [
        (3, 90, 98, "3 environments, 90 objects in 98 files"),
        (1, 1, 2, "1 environment, 1 object in 2 files"),
        (1, 0, 1, "1 environment, 0 objects in 1 file"),
        (0, 0, 0, "0 environments, 0 objects in 0 files"),
    ],
)
def test_rendered_tally(environments: int, objects: int, files: int, expected: str) -> None:
    assert rendered_tally(environments, objects, files) == expected
