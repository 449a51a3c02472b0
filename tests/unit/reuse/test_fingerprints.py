"""The code fingerprint covers all of manifold's package, not only the folder it lives in; the
inputs are hashed by content, and a file the record of the last run vouches for by stat is not
read (a record in doubt, or a stat that changed, only costs a read)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import manifold
from manifold.core.diagnostics import Diagnostic
from manifold.inputs.filebytes import read_bytes
from manifold.reuse import fingerprints
from manifold.reuse.fingerprints import (
    InputRecord,
    code_fingerprint,
    hash_folders,
    load_inputs_record,
    save_inputs_record,
)

PACKAGE = Path(manifold.__file__).parent


def test_the_code_fingerprint_names_modules_of_every_package() -> None:
    fingerprint = code_fingerprint().decode()
    for module in ("core/diagnostics.py", "compile/expand.py", "targets/ome/render.py"):
        assert f"{PACKAGE / Path(module).parent}/{Path(module).name}:" in fingerprint, module


FOLDERS = ("projects",)


def _aged(path: Path) -> None:
    """Back-date a file past the racy window, so that its stat can be trusted."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10_000_000_000))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "projects").mkdir()
    for name in ("a", "b"):
        (tmp_path / "projects" / f"{name}.yaml").write_text(f"name: {name}\n")
        _aged(tmp_path / "projects" / f"{name}.yaml")
    return tmp_path


def _digest(root: Path, record: InputRecord | None = None) -> tuple[str, InputRecord]:
    hasher = hashlib.blake2b(digest_size=20)
    fresh = hash_folders(hasher, root, FOLDERS, record)
    return hasher.hexdigest(), fresh


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []

    def counted(root: Path, relative: str) -> bytes | Diagnostic:
        reads.append(relative)
        return read_bytes(root, relative)

    monkeypatch.setattr(fingerprints, "read_bytes", counted)
    return reads


def test_files_the_record_vouches_for_are_not_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, record = _digest(repo)
    assert record.read == 2
    reads = _count_reads(monkeypatch)
    again, fresh = _digest(repo, record)
    assert (again, reads, fresh.read) == (first, [], 0)
    assert fresh.entries == record.entries


@pytest.mark.parametrize("change", ["edited", "checked out again", "too recent", "added"])
def test_a_file_the_record_cannot_vouch_for_is_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    target = repo / "projects" / "a.yaml"
    _, record = _digest(repo)
    if change == "edited":
        target.write_text("name: c\n")  # same size, new time
    elif change == "checked out again":
        target.unlink()
        target.write_text("name: a\n")  # same bytes, new inode and time, as `git checkout`
    elif change == "too recent":  # same stat, but within the racy window of the record
        os.utime(target, ns=(record.written_ns, record.written_ns))
        key, digest = record.entries["projects/a.yaml"]
        record.entries["projects/a.yaml"] = ((key[0], record.written_ns, key[2]), digest)
    else:
        (repo / "projects" / "c.yaml").write_text("name: c\n")
    reads = _count_reads(monkeypatch)
    with_record, _ = _digest(repo, record)
    assert reads == ["projects/c.yaml" if change == "added" else "projects/a.yaml"]
    assert with_record == _digest(repo)[0]  # the answer of reading everything


def test_a_wrong_digest_in_the_record_never_changes_the_answer_of_a_changed_file(
    repo: Path,
) -> None:
    _, record = _digest(repo)
    (repo / "projects" / "a.yaml").write_text("name: z\n")
    key, _ = record.entries["projects/a.yaml"]
    record.entries["projects/a.yaml"] = (key, "0" * 32)
    assert _digest(repo, record)[0] == _digest(repo)[0]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'{"format": 1, "written_ns": 5, "entries": {"../etc/passwd": [1, 2, 3, "'
        + b"0" * 32
        + b'"]}}',
        b'{"format": 1, "written_ns": 5, "entries": {"projects/a.yaml": [1, 2, 3, "xyz"]}}',
        b'{"format": 2, "written_ns": 5, "entries": {}}',
    ],
    ids=["not JSON", "a path outside", "not a digest", "another format"],
)
def test_a_record_in_doubt_is_discarded(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "inputs.json").write_bytes(content)
    assert load_inputs_record(tmp_path) == InputRecord()


def test_the_record_survives_a_round_trip(repo: Path, tmp_path: Path) -> None:
    _, record = _digest(repo)
    work = tmp_path / "work"
    work.mkdir()
    save_inputs_record(work, record)
    loaded = load_inputs_record(work)
    assert (loaded.written_ns, loaded.entries) == (record.written_ns, record.entries)
