"""A resolved environment as the later stages see it: its own file last in the chain and first
in its sources, the default namespace template, the file layout, and a platform's settings
handed out only as the model asked for."""

from __future__ import annotations

from pydantic import BaseModel

from manifold.models.environment import DEFAULT_NAMESPACE_TEMPLATE
from manifold.targets.runai.settings import RunaiSettings
from manifold.targets.substratus.settings import SubstratusSettings
from tests.unit.helpers import env_text, environments

RESOLVED = environments(
    base=env_text("base", "kubernetesVersion: '1.30'\n"),
    dev=env_text(
        "dev", "extends: base\nfiles: perProject\nplatforms:\n  substratus: {apiLevel: v0.3}\n"
    ),
)


def test_the_chain_and_sources_of_an_environment() -> None:
    dev = RESOLVED["dev"]
    assert dev.name == "dev"
    assert [link.name for link in dev.chain] == ["base", "dev"]
    assert dev.chain[-1].raw_spec["files"] == "perProject"
    assert dev.source_paths == ("environments/dev.yaml", "environments/base.yaml")


def test_settings_inherited_and_defaults() -> None:
    dev, base = RESOLVED["dev"], RESOLVED["base"]
    assert dev.kubernetes_version == base.kubernetes_version == "1.30"
    assert dev.file_per_project and not base.file_per_project
    assert dev.namespace_template == DEFAULT_NAMESPACE_TEMPLATE
    assert dev.patches == ()


def test_a_platforms_settings_come_only_in_the_model_asked_for() -> None:
    dev = RESOLVED["dev"]
    settings = dev.settings("substratus", SubstratusSettings)
    assert isinstance(settings, SubstratusSettings)
    assert dev.settings("substratus", RunaiSettings) is None
    assert dev.settings("runai", RunaiSettings) is None

    class Other(BaseModel):
        pass

    assert dev.settings("substratus", Other) is None
