"""The registry: each platform name to its target package (imported on first use), its settings
model and its merge rules. A platform is one package and one registry entry: a toy fourth
platform, written as a package outside manifold, renders after nothing but its entry in the
registry's table."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from manifold.cli.main import main
from manifold.compile.blocks import block_problems
from manifold.core import platform_names
from manifold.models.blocks import PlatformBlock
from manifold.schemas.generate import model_schema
from manifold.targets import registry

TOY_PACKAGE = '''
"""A toy platform: one Widget per service, saying which model it serves."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from manifold.core.diagnostics import Problem
from manifold.core.manifest import Manifest, OutputKind
from manifold.targets.base import Target
from manifold.targets.checked import platform_compiled, project_compiled

API_VERSION = "toy.example/v1"


def _schema():
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"spec": {"type": "object", "required": ["model"]}},
    }


def _kinds():
    yield OutputKind(API_VERSION, "Widget", True, _schema)


def _own(instance):
    for index, notebook in enumerate(instance.spec.notebooks):
        yield Problem(("notebooks", index), "the toy platform has no notebooks")


def _widgets(instance):
    return [
        Manifest(
            {
                "apiVersion": API_VERSION,
                "kind": "Widget",
                "metadata": {"name": service.name},
                "spec": {"model": service.model},
            },
            True,
            instance.name,
            instance.sources,
            "service",
            ("services", index),
        )
        for index, service in enumerate(instance.spec.services)
    ]


def _compile(instance, catalog):
    return project_compiled(instance, catalog, lambda: _own(instance), lambda: _widgets(instance))


def _compile_platform(instance, catalog):
    return platform_compiled(instance, list, list)


class ToyService(BaseModel):
    model_config = ConfigDict(extra="forbid")

    colour: Literal["red", "blue"] = Field(description="The widget's colour.")


TARGET = Target(
    name="toy",
    accelerators="acceleratorClasses",
    output_kinds=_kinds,
    compile=_compile,
    compile_platform=_compile_platform,
    options={"service": ToyService},
)
'''

PROJECT = """\
apiVersion: manifold.dev/v1alpha1
kind: Project
metadata:
  name: demo
  team: platform
spec:
  platform: toy
  models:
    - name: tiny-llm
      source: hf://example/tiny-llm
  services:
    - name: chat
      model: tiny-llm
"""

ENVIRONMENT = """\
apiVersion: manifold.dev/v1alpha1
kind: Environment
metadata:
  name: dev
spec:
  namespace: "{{ project }}-dev"
"""


@pytest.fixture
def toy_platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The toy package on sys.path and its one registry entry; nothing else."""
    package = tmp_path / "packages" / "toy_platform"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(TOY_PACKAGE))
    monkeypatch.syspath_prepend(str(tmp_path / "packages"))
    monkeypatch.setitem(platform_names.PLATFORMS, "toy", "toy_platform")
    yield
    sys.modules.pop("toy_platform", None)
    registry.get_target.cache_clear()


def _repository(root: Path) -> Path:
    (root / "projects").mkdir(parents=True)
    (root / "environments").mkdir()
    (root / "projects" / "demo.yaml").write_text(PROJECT)
    (root / "environments" / "dev.yaml").write_text(ENVIRONMENT)
    return root


@pytest.mark.usefixtures("toy_platform")
def test_a_fourth_platform_renders_after_one_registry_entry(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo")
    result = CliRunner().invoke(main, ["render", "-C", str(root)])
    assert result.exit_code == 0, result.output + result.stderr
    texts = {
        path.relative_to(root / "rendered").as_posix(): path.read_text()
        for path in (root / "rendered").rglob("*.yaml")
    }
    (widget,) = [text for text in texts.values() if "kind: Widget" in text]
    assert "name: chat" in widget and "model: tiny-llm" in widget
    assert "namespace: demo-dev" in widget


@pytest.mark.usefixtures("toy_platform")
def test_the_toy_platforms_own_rules_are_reported_and_nothing_is_written(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo")
    project = root / "projects" / "demo.yaml"
    project.write_text(PROJECT + "  notebooks:\n    - name: lab\n      model: tiny-llm\n")
    result = CliRunner().invoke(main, ["render", "-C", str(root)])
    assert result.exit_code == 1
    assert "the toy platform has no notebooks" in result.stderr
    assert not (root / "rendered").exists()


class _WithToyBlock(BaseModel):
    """Where a block of the toy platform would sit in the project language."""

    toy: Annotated[dict[str, Any], PlatformBlock("toy", "service")] | None = None


@pytest.mark.usefixtures("toy_platform")
def test_the_toy_platform_checks_its_own_block_and_gives_its_schema() -> None:
    problems = block_problems(_WithToyBlock, {"toy": {"colour": "green"}})
    assert [problem.path for problem in problems] == [("toy", "colour")]
    assert "'green' is not allowed; expected 'red' or 'blue'" in problems[0].message
    assert block_problems(_WithToyBlock, {"toy": {"colour": "red"}}) == []
    schema = model_schema(_WithToyBlock, registry.option_model)
    assert schema["properties"]["toy"]["anyOf"][0] == {"$ref": "#/definitions/ToyService"}
    assert schema["definitions"]["ToyService"]["properties"]["colour"]["enum"] == ["red", "blue"]


def test_without_its_entry_the_name_is_refused_as_before(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo")
    result = CliRunner().invoke(main, ["render", "-C", str(root)])
    assert result.exit_code == 1
    assert "'toy' is not allowed; expected 'ome', 'runai' or 'substratus'" in result.stderr


def test_the_registry_knows_exactly_the_platform_names() -> None:
    assert registry.platform_names() == tuple(platform_names.PLATFORMS)
    assert [target.name for target in registry.all_targets()] == list(registry.platform_names())


@pytest.mark.parametrize("name", registry.platform_names())
def test_each_platform_has_a_target_settings_and_merge_rules(name: str) -> None:
    target = registry.get_target(name)
    assert target is registry.get_target(name)  # one instance
    assert target.name == name
    model = registry.settings_model(name)
    assert model is None or issubclass(model, BaseModel)
    assert callable(registry.effective_rules(name).workloads)


def test_settings_models_lists_the_platforms_with_settings() -> None:
    models = registry.settings_models()
    assert set(models) <= set(registry.platform_names())
    assert {"runai", "substratus"} <= set(models)


def test_an_unknown_platform_is_not_a_target() -> None:
    with pytest.raises(KeyError):
        registry.get_target("kserve")
    assert registry.settings_model("kserve") is None


def test_targets_are_imported_on_first_use() -> None:
    code = (
        "import sys; import manifold.targets.registry; "
        "print(any(m.startswith('manifold.targets.ome') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
