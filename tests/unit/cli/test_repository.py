"""The commands that create or change the repository's own files (`manifold.cli.repository`):
`schemas generate`, `schemas import`, `init` and `import`, each turning its arguments into
one options object; conflicting or missing arguments are a usage error (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manifold.commands import scaffold
from manifold.commands.importing import command as importing
from manifold.core.options import (
    ImportOptions,
    InitOptions,
    ObjectImportOptions,
    SchemasOptions,
)
from manifold.core.outcome import Outcome
from manifold.pipeline import commands as pipeline
from manifold.schemas import crd_import
from tests.conftest import run_cli


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The options each command was called with, instead of running it."""
    made: list[Any] = []

    def recorder(options: Any) -> Outcome:
        made.append(options)
        return Outcome("done")

    for module, name in (
        (pipeline, "generate_schemas"),
        (crd_import, "import_schemas"),
        (scaffold, "init"),
        (importing, "import_objects"),
    ):
        monkeypatch.setattr(module, name, recorder)
    return made


def _cases(root: Path) -> list[tuple[list[str], Any]]:
    where = ["-C", str(root)]
    crd = Path("crd.yaml")
    return [
        (["schemas", "generate", *where], SchemasOptions(root)),
        (["schemas", "import", "crd.yaml", *where], ImportOptions(root, (crd,))),
        (
            ["schemas", "import", "crd.yaml", "-e", "dev", "--deny-root-additional-properties"],
            ImportOptions(Path(), (crd,), None, True, "dev"),
        ),
        (
            ["schemas", "import", "crd.yaml", "-C", "nowhere", "-o", "out"],
            ImportOptions(Path("nowhere"), (crd,), Path("out")),
        ),
        (["init", "new-repo"], InitOptions(Path("new-repo"))),
        (
            ["import", "objects/", "--to", "platform/ome.yaml", "--force", *where],
            ObjectImportOptions(root, (Path("objects/"),), Path("platform/ome.yaml"), True),
        ),
    ]


@pytest.mark.parametrize("index", range(6))
def test_arguments_become_one_options_object(
    tmp_path: Path, calls: list[Any], monkeypatch: pytest.MonkeyPatch, index: int
) -> None:
    monkeypatch.chdir(tmp_path)
    arguments, expected = _cases(tmp_path)[index]
    result = run_cli(*arguments)
    assert (result.exit_code, calls) == (0, [expected]), result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["schemas", "import", "c.yaml", "-e", "dev", "-o", "out"], "--env imports into the"),
        (["schemas", "import"], "Missing argument 'FILES...'"),
        (["schemas", "import", "c.yaml", "-C", "missing"], "is not a folder"),
        (["import", "objects/"], "Missing option '--to'"),
        (["import", "objects/", "--to", "x.yaml", "-C", "missing"], "is not a folder"),
        (["schemas", "generate", "-C", "missing"], "is not a folder"),
    ],
)
def test_arguments_that_do_not_go_together_are_a_usage_error(
    tmp_path: Path,
    calls: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli(*arguments)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert calls == []
