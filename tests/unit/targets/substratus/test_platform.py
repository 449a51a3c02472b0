"""A Substratus platform file: its models as Models in the platform's namespace (unless
external), and, one row a rule, what Substratus has nothing for (serving runtimes, tenancy,
capacity) and which accelerator classes it can name."""

from __future__ import annotations

import pytest

from manifold.targets.substratus.platform import platform as compile_platform
from tests.unit.targets.substratus.inputs import dev, messages, platform, platform_catalog

HEAD = """\
apiVersion: manifold.dev/v1alpha1
kind: Platform
metadata: {name: ml-platform, team: ml}
spec:
  platform: substratus
  namespace: shared
"""


def _compiled(spec: str, level: str | None = None) -> tuple[list[str], list[tuple[str, ...]]]:
    shared = platform(HEAD + spec, dev(level))
    context = compile_platform(shared, platform_catalog(shared))
    objects = [(m.kind, m.name, m.namespace or "") for m in context.manifests]
    return messages(context.problems), objects  # type: ignore[return-value]


def test_the_platform_files_models_go_to_its_namespace_unless_external() -> None:
    found, objects = _compiled(
        """\
  models:
  - {name: llama, source: "hf://meta-llama/Llama-2-7b-hf"}
  - {name: installed, source: "hf://a/b", external: true}
"""
    )
    assert found == []
    assert objects == [("Model", "llama", "shared")]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "  servingRuntimes: [{name: r,"
            " supports: [{format: {name: gguf}, framework: {name: llama}}],"
            " engine: {image: i}}]\n",
            "servingRuntimes[0]: Substratus has no serving runtimes (a server runs its own "
            "image): this cannot be rendered",
        ),
        (
            "  tenancy: {organizations: [{name: o, vendor: openai, organizationId: x}]}\n",
            "tenancy.organizations[0]: Substratus has no tenancy (organizations): this cannot "
            "be rendered",
        ),
        (
            "  acceleratorClasses: [{name: nvidia-a100}]\n",
            "acceleratorClasses[0]: Substratus's GPU types are built into its controller: "
            "accelerator class 'nvidia-a100' names one the cluster has and is not rendered",
        ),
        (
            "  acceleratorClasses: [{name: h100, external: true}]\n",
            "acceleratorClasses[0].name: accelerator class 'h100' is not a GPU type of "
            "Substratus, which knows nvidia-a100, nvidia-l4, nvidia-t4",
        ),
        (
            "  models: [{name: m, source: 'hf://a/b', storage: {path: /d}}]\n",
            "models[0].storage: Substratus cannot express storage options (Substratus keeps "
            "artifacts in its own bucket), which model 'm' asks for",
        ),
    ],
)
def test_what_a_platform_file_cannot_hold(spec: str, expected: str) -> None:
    assert _compiled(spec)[0] == [expected]


def test_at_v0_3_no_accelerator_class_is_a_gpu_type() -> None:
    found, _ = _compiled("  acceleratorClasses: [{name: nvidia-a100, external: true}]\n", "v0.3")
    assert found == [
        "acceleratorClasses[0].name: accelerator class 'nvidia-a100' is not a GPU type of "
        "Substratus, which knows no GPU types (a Model's compute is CPU or GPU)"
    ]


def test_an_external_gpu_type_asks_for_nothing() -> None:
    assert _compiled("  acceleratorClasses: [{name: nvidia-t4, external: true}]\n") == ([], [])
