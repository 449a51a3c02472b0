"""The file `manifold import` writes (`manifold.commands.importing.files`): a commented
platform or project file that reads back as manifold input, written whole or not at all,
never over an existing file unless asked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from manifold.commands.importing.files import Entries, platform_text, project_text, write
from manifold.commands.importing.reading import read
from manifold.core import yaml as yamlio
from manifold.core.errors import UsageProblem
from manifold.targets.ome.importing.entries import Imported

FIELDS = {"ClusterBaseModel": "models", "ClusterServingRuntime": "servingRuntimes"}


def _entries(tmp_path: Path) -> Entries:
    source = tmp_path / "objects.yaml"
    source.write_text("kind: A\n---\nkind: B\nmetadata:\n  name: b\n")
    first, second = read(tmp_path, (source,))
    return [
        (first, Imported("ClusterBaseModel", "llama", {"name": "llama"}, ())),
        (second, Imported("ClusterBaseModel", "qwen", {"name": "qwen"}, ("extra", "more"))),
    ]


def test_a_platform_file_lists_each_entry_with_where_it_came_from(tmp_path: Path) -> None:
    text = platform_text(_entries(tmp_path), FIELDS, "imported")
    assert text.startswith(
        "# Imported by `manifold import` from OME objects: 2 ClusterBaseModel.\n"
    )
    assert "  # ClusterBaseModel llama, from objects.yaml:1\n" in text
    assert "  # ClusterBaseModel qwen, from objects.yaml:3\n" in text
    assert "  # kept verbatim under omeSpec: extra, more\n" in text
    assert "servingRuntimes" not in text  # no entry of that kind: no empty list
    data = yamlio.load_one(text)
    assert data["kind"] == "Platform" and data["metadata"]["name"] == "imported"
    assert data["spec"] == {"platform": "ome", "models": [{"name": "llama"}, {"name": "qwen"}]}


def test_a_project_file_is_named_after_the_namespace(tmp_path: Path) -> None:
    text = project_text(_entries(tmp_path), FIELDS, "chat")
    data = yamlio.load_one(text)
    assert (data["kind"], data["metadata"]) == ("Project", {"name": "chat", "team": "chat"})
    assert "They were in namespace chat" in text


def test_a_new_file_is_written_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    to = tmp_path / "platform" / "imported.yaml"
    write("a: 1\n", to, force=False, shown=Path("platform/imported.yaml"))
    assert to.read_text() == "a: 1\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert to.stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in to.parent.iterdir()) == ["imported.yaml"]


@pytest.mark.parametrize("force", [False, True])
def test_an_existing_file_is_replaced_only_when_forced(tmp_path: Path, force: bool) -> None:
    to = tmp_path / "imported.yaml"
    to.write_text("mine\n")
    if force:
        write("new\n", to, force=True, shown=Path("imported.yaml"))
    else:
        with pytest.raises(UsageProblem, match=r"imported\.yaml exists; give --force"):
            write("new\n", to, force=False, shown=Path("imported.yaml"))
    assert to.read_text() == ("new\n" if force else "mine\n")
    assert [p.name for p in tmp_path.iterdir()] == ["imported.yaml"]  # no temporary left
