"""Reading the repository's inputs, and the names a project cache vouches for: a known file
is not parsed until needed, and when it is, it must be the project the cache named."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifold.core.diagnostics import Diagnostics
from manifold.inputs.filebytes import read_bytes
from manifold.pipeline import repository
from manifold.pipeline.repository import load_inputs
from manifold.reuse.fingerprints import InputRecord, input_digest
from manifold.reuse.incremental import CacheDisagrees
from tests.conftest import REPO_ROOT, copy_tree


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for folder in ("projects", "environments", "platform"):
        copy_tree(REPO_ROOT / folder, tmp_path / folder)
    return tmp_path


def _known(repo: Path, names: dict[str, str]) -> dict[str, tuple[str, str]]:
    """What a cache would say of these project files (path -> name)."""
    return {path: (input_digest((repo / path).read_bytes()), name) for path, name in names.items()}


def test_a_known_file_is_parsed_only_when_needed(repo: Path) -> None:
    known = _known(repo, {"projects/faq-answers.yaml": "faq-answers"})
    inputs = load_inputs(repo, Diagnostics(), known)
    assert "faq-answers" in inputs.unparsed
    assert "faq-answers" not in inputs.projects
    assert inputs.project_file("faq-answers").project.name == "faq-answers"
    assert "faq-answers" not in inputs.unparsed


def test_a_file_named_wrongly_by_the_cache_is_refused_when_read(repo: Path) -> None:
    known = _known(repo, {"projects/faq-answers.yaml": "faq answers"})
    inputs = load_inputs(repo, Diagnostics(), known)
    with pytest.raises(CacheDisagrees, match="is not project 'faq answers'"):
        inputs.project_file("faq answers")


def test_two_files_of_one_name_by_the_cache_are_refused(repo: Path) -> None:
    known = _known(repo, {"projects/faq-answers.yaml": "chat-assistant"})
    with pytest.raises(CacheDisagrees, match="are both 'chat-assistant'"):
        load_inputs(repo, Diagnostics(), known)


def test_without_a_cache_every_project_is_parsed(repo: Path) -> None:
    diagnostics = Diagnostics()
    inputs = load_inputs(repo, diagnostics)
    assert not inputs.unparsed
    assert set(inputs.digests) == set(inputs.projects)
    assert not diagnostics.has_errors


def _record(repo: Path, paths: list[str]) -> InputRecord:
    """What `reuse.fastpath` would hand over: each file's stat and digest, as just read."""
    entries = {}
    for path in paths:
        info = (repo / path).stat()
        key = (info.st_size, info.st_mtime_ns, info.st_ino)
        entries[path] = (key, input_digest((repo / path).read_bytes()))
    return InputRecord(entries=entries)


def test_a_file_the_record_and_the_cache_both_know_is_not_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = "projects/faq-answers.yaml"
    known, record = _known(repo, {path: "faq-answers"}), _record(repo, [path])
    reads: list[str] = []
    original = read_bytes

    def counted(root: Path, relative: str) -> object:
        reads.append(relative)
        return original(root, relative)

    monkeypatch.setattr(repository, "read_bytes", counted)
    inputs = load_inputs(repo, Diagnostics(), known, record)
    assert path not in reads
    assert inputs.unparsed["faq-answers"] == (path, None)
    assert inputs.digests["faq-answers"] == known[path][0]
    assert inputs.project_file("faq-answers").project.name == "faq-answers"  # read now
    assert reads.count(path) == 1


def test_a_vouched_file_changed_before_it_is_read_is_refused(repo: Path) -> None:
    path = "projects/faq-answers.yaml"
    known, record = _known(repo, {path: "faq-answers"}), _record(repo, [path])
    inputs = load_inputs(repo, Diagnostics(), known, record)
    (repo / path).write_text((repo / path).read_text() + "\n# edited\n")
    with pytest.raises(CacheDisagrees, match="changed while it was being rendered"):
        inputs.project_file("faq-answers")


def test_a_file_the_cache_does_not_know_is_read_whatever_the_record_says(repo: Path) -> None:
    path = "projects/faq-answers.yaml"
    inputs = load_inputs(repo, Diagnostics(), {}, _record(repo, [path]))
    assert "faq-answers" in inputs.projects
