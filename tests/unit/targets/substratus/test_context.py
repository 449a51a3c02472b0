"""What one Substratus rendering collects (`Context`): objects in the group and version of
every level, named for the environment's level, in the platform's namespace when the
platform file owns them; and what each level module must provide (`Level`)."""

from __future__ import annotations

import pytest

from manifold.targets.substratus.context import Level
from manifold.targets.substratus.render import LEVEL_MODULES, context_of
from tests.unit.helpers import lone_catalog
from tests.unit.targets.substratus.inputs import dev, instance, platform, platform_catalog

PLATFORM = (
    "apiVersion: manifold.dev/v1alpha1\nkind: Platform\n"
    "metadata: {name: ml-platform, team: ml}\nspec:\n  platform: substratus\n  namespace: shared\n"
)


def test_a_projects_objects_take_their_namespace_from_the_project() -> None:
    given = instance("models: []", "v0.3")
    context = context_of(given, lone_catalog(given), given)
    context.add("Model", "m", {"a": 1}, "model", ("models", 0))
    [manifest] = context.manifests
    assert manifest.body == {
        "apiVersion": "substratus.ai/v1",
        "kind": "Model",
        "metadata": {"name": "m"},
        "spec": {"a": 1},
    }
    assert (manifest.namespaced, manifest.project, manifest.sources) == (
        True,
        given.name,
        given.sources,
    )
    assert (manifest.component, manifest.spec_path, manifest.schema_variant) == (
        "model",
        ("models", 0),
        "v0.3",
    )


def test_a_platform_files_objects_go_into_its_namespace() -> None:
    shared = platform(PLATFORM, dev())
    context = context_of(shared, platform_catalog(shared))
    assert context.project is None
    context.add("Model", "m", {}, "model", ("models", 0))
    assert context.manifests[0].body["metadata"] == {"name": "m", "namespace": "shared"}
    assert context.manifests[0].schema_variant == "v0.10"


def test_contexts_collect_separately() -> None:
    given = instance("models: []")
    first, second = (context_of(given, lone_catalog(given), given) for _ in range(2))
    first.add("Model", "m", {}, "model", ())
    assert (len(first.manifests), second.manifests, second.problems) == (1, [], [])


LEVEL_MEMBERS = sorted(name for name in vars(Level) if not name.startswith("_"))


@pytest.mark.parametrize("level", sorted(LEVEL_MODULES))
def test_every_level_module_provides_what_a_level_is(level: str) -> None:
    module = LEVEL_MODULES[level]
    assert {"SERVER_KIND", "dataset", "model", "fine_tune", "server", "notebook"} <= set(
        LEVEL_MEMBERS
    )
    missing = [name for name in LEVEL_MEMBERS if not hasattr(module, name)]
    assert missing == [], f"{level} lacks {missing}"
    assert module.SERVER_KIND in ("Server", "ModelServer")
