"""The forms of the project cache's files: what a render writes is accepted, and a file from
another environment, another format, or naming a path outside its environment is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from manifold.compile.layout import PlacedFile
from manifold.core.kept import KeptFile
from manifold.core.options import RenderOptions
from manifold.pipeline import commands
from manifold.reuse import cacheforms, incremental
from manifold.reuse.workdir import WORK_DIR
from tests.cachefiles import unsealed
from tests.conftest import EXAMPLE_FOLDERS, REPO_ROOT, copy_tree

FORMAT = 2


@pytest.fixture(scope="module")
def cache_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache a render of the example writes (rendered once for the module)."""
    root = tmp_path_factory.mktemp("example")
    for folder in EXAMPLE_FOLDERS:
        copy_tree(REPO_ROOT / folder, root / folder)
    commands.render(RenderOptions(root), lambda _: None, None)
    return root / WORK_DIR / incremental.CACHE_DIR


def _read(folder: Path, name: str) -> Any:
    """A cache file's body, its seal checked."""
    body = unsealed((folder / name).read_bytes())
    assert body is not None, f"{name} is not sealed as the cache writes it"
    return body


def test_a_seal_that_does_not_match_the_body_is_refused(cache_files: Path) -> None:
    raw = (cache_files / "names.json").read_bytes()
    assert unsealed(raw) is not None
    assert json.loads(raw)["body"] == unsealed(raw)  # still one JSON document
    changed = raw.replace(b'"format":', b'"format" :', 1)  # the same data, other bytes
    assert unsealed(changed) is None
    for broken in (raw[:-1], raw[1:], b"", raw.replace(b'"body":', b'"data":', 1)):
        assert unsealed(broken) is None


def test_what_a_render_writes_is_accepted(cache_files: Path) -> None:
    names = _read(cache_files, "names.json")
    assert cacheforms.names_schema(names["format"]).accepts(names)
    for environment in ("dev", "prod", "staging"):
        data = _read(cache_files, f"env-{environment}.json")
        assert data["projects"], environment
        assert cacheforms.environment_schema(environment, data["format"]).accepts(data)


def test_another_environments_file_is_refused(cache_files: Path) -> None:
    data = _read(cache_files, "env-dev.json")
    assert not cacheforms.environment_schema("prod", data["format"]).accepts(data)


def test_another_format_is_refused(cache_files: Path) -> None:
    names = _read(cache_files, "names.json")
    assert not cacheforms.names_schema(names["format"] + 1).accepts(names)


@pytest.mark.parametrize(
    "placed",
    ["prod/x.yaml", "dev/../prod/x.yaml", "dev/../../x.yaml", "/dev/x.yaml"],
)
def test_a_file_outside_its_environment_is_refused(cache_files: Path, placed: str) -> None:
    data = _read(cache_files, "env-dev.json")
    schema = cacheforms.environment_schema("dev", data["format"])
    assert schema.accepts(data)
    data["projects"][0]["files"][0][0] = placed
    assert not schema.accepts(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [("digest", 3), ("in_namespaces", "yes"), ("unknown", 1)],
)
def test_a_project_entry_of_the_wrong_form_is_refused(
    cache_files: Path, field: str, value: object
) -> None:
    data = _read(cache_files, "env-dev.json")
    data["projects"][0][field] = value
    assert not cacheforms.environment_schema("dev", data["format"]).accepts(data)


def test_every_project_entry_decodes_and_encodes_back(cache_files: Path) -> None:
    for environment in ("dev", "prod", "staging"):
        for entry in _read(cache_files, f"env-{environment}.json")["projects"]:
            decoded = cacheforms.decoded_project(entry)
            assert decoded is not None, entry["name"]
            result, digest, depends_on, _ = decoded
            assert result.name == entry["name"] and result.owner is None
            # Files are kept by digest, so encoding the decoded result gives the entry back.
            assert cacheforms.encoded_project(result, digest, depends_on) == entry


def _placed(path: str, text: str | KeptFile) -> PlacedFile:
    return PlacedFile(path, text, ("projects/p.yaml",), True)


@pytest.mark.parametrize(
    ("files", "written"),
    [
        ((_placed("a", KeptFile("1")), _placed("b", KeptFile("2"))), {"a": "1", "b": "2"}),
        ((), {}),
        ((_placed("a", KeptFile("1")), _placed("b", "text\n")), None),  # one not by digest
        ((_placed("a", KeptFile("1")), _placed("a", KeptFile("2"))), None),  # one path twice
    ],
)
def test_written_as_is_each_kept_file_by_path(
    files: tuple[PlacedFile, ...], written: dict[str, str] | None
) -> None:
    assert cacheforms.written_as(files) == written
