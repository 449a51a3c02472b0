"""A kept file is its digest: equal digests are the same content, and it is a value."""

from __future__ import annotations

import dataclasses

import pytest

from manifold.core.kept import KeptFile


def test_kept_files_compare_by_digest() -> None:
    assert KeptFile("ab" * 16) == KeptFile("ab" * 16)
    assert KeptFile("ab" * 16) != KeptFile("cd" * 16)
    assert len({KeptFile("ab" * 16), KeptFile("ab" * 16)}) == 1


def test_a_kept_file_cannot_change() -> None:
    kept = KeptFile("ab" * 16)
    with pytest.raises(dataclasses.FrozenInstanceError):
        kept.digest = "cd" * 16  # type: ignore[misc]
