"""The registry: each platform name to its target package (imported on first use), its
settings model, and its merge rules; a platform's package names itself."""

from __future__ import annotations

import subprocess
import sys
from typing import get_args

import pytest
from pydantic import BaseModel

from manifold.core.platform_names import PlatformName
from manifold.targets import registry


def test_the_registry_knows_exactly_the_platform_names() -> None:
    assert set(registry.platform_names()) == set(get_args(PlatformName))
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
