"""Stage 4 for platform files: the file's own spec, then its `spec.environments.<env>`
overrides along the environment's chain, root first; problems traced to the layer that set
the value; an override for an environment outside the chain ignored."""

from __future__ import annotations

from manifold.compile.instances import PlatformFile, PlatformInstance
from manifold.compile.platform_files import expand_platform
from manifold.core.diagnostics import Diagnostic, Position
from manifold.inputs.decode import decode
from manifold.inputs.resolved import ResolvedEnvironment
from tests.unit.helpers import document, env_text, environments

ENVIRONMENTS = environments(
    staging=env_text("staging"),
    prod=env_text("prod", "extends: staging\n"),
    dev=env_text("dev"),
)

PLATFORM = """\
apiVersion: manifold.dev/v1alpha1
kind: Platform
metadata: {name: shared, team: platform}
spec:
  platform: ome
  models:
    - {name: base, source: "hf://a/base"}
  environments:
    staging:
      namespace: shared-staging
      models:
        - {name: base, source: "hf://a/staging"}
    prod:
      models:
        - {name: base, source: %s}
"""


def _expand(
    environment: ResolvedEnvironment, prod_source: str = '"hf://a/prod"'
) -> tuple[PlatformInstance | None, list[Diagnostic]]:
    doc = document("platform/shared.yaml", PLATFORM % prod_source)
    platform, problems = decode(doc, "Platform")
    assert platform is not None, problems
    return expand_platform(PlatformFile(doc, platform), environment)


def _source(instance: PlatformInstance | None) -> str:
    assert instance is not None
    return str(instance.spec.models[0].source)


def test_overrides_apply_along_the_chain_root_first() -> None:
    prod, _ = _expand(ENVIRONMENTS["prod"])
    staging, _ = _expand(ENVIRONMENTS["staging"])
    dev, _ = _expand(ENVIRONMENTS["dev"])
    assert (_source(prod), _source(staging), _source(dev)) == (
        "hf://a/prod",
        "hf://a/staging",
        "hf://a/base",
    )
    assert prod is not None and dev is not None
    assert prod.namespace == "shared-staging"  # inherited from staging's override
    assert dev.namespace == "shared"  # the platform's name when none is set
    assert prod.sources == (
        "platform/shared.yaml",
        "environments/prod.yaml",
        "environments/staging.yaml",
    )
    assert "environments" not in prod.data


def test_a_problem_in_an_override_points_at_the_override() -> None:
    instance, [diagnostic] = _expand(ENVIRONMENTS["prod"], "42")
    assert instance is None
    assert diagnostic.file == "platform/shared.yaml"
    assert diagnostic.path == ("spec", "environments", "prod", "models", 0, "source")
    assert diagnostic.position == Position(15, 32)


def test_an_override_outside_the_chain_is_not_checked_here() -> None:
    instance, diagnostics = _expand(ENVIRONMENTS["dev"], "42")
    assert diagnostics == [] and instance is not None


def test_a_platform_block_set_in_an_override_is_checked_by_its_platform() -> None:
    source = '"hf://a/prod", substratus: {parameterBits: 0}'
    instance, [diagnostic] = _expand(ENVIRONMENTS["prod"], source)
    assert instance is None
    assert diagnostic.path == (
        "spec", "environments", "prod", "models", 0, "substratus", "parameterBits"
    )  # fmt: skip
    assert diagnostic.message == "must be at least 1, got 0"
    assert diagnostic.position == Position(15, 75)
