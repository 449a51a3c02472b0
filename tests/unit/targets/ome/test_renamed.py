"""References to objects an environment's patch renames or moves, or to names nothing has
(`manifold.targets.ome.renamed`), with the namespaces the pipeline gives objects: OME finds
a runtime or model from the service's namespace first, then the cluster's
(runtimeselector/fetcher.go:62-95, inferenceservice/utils/reconciliation.go:17-36), and a
BenchmarkJob's service by the name and namespace it gives (benchmark/utils/utils.go:17-32).
The rules as `dependency_refusals` applies them to compiled projects: as_patched.yaml."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from manifold.core.diagnostics import Position
from manifold.core.jsonpath import format_json_path
from manifold.core.manifest import Manifest
from manifold.targets.ome.renamed import renamed_refusals, unresolved_refusals
from tests.unit.helpers import (
    catalog_with_platform,
    lone_catalog,
    platform_text,
    project_instance,
)

FORMAT = "{format: {name: safetensors}, framework: {name: transformers}}"
INSTANCE = project_instance(
    "ome",
    f"runtimes: [{{name: own, supports: [{FORMAT}], engine: {{image: i}}}}]\n"
    f"models: [{{name: m, source: 'hf://a/b', {FORMAT[1:-1]}}}]",
)
PATCH = ("environments/dev.yaml", Position(9, 7))


def _object(kind: str, name: str, namespace: str | None, spec: dict[str, Any]) -> Manifest:
    metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
    body = {"apiVersion": "ome.io/v1beta1", "kind": kind, "metadata": metadata, "spec": spec}
    return Manifest(body, namespace is not None, "demo", ("projects/demo.yaml",))


def _patched(manifest: Manifest, **metadata: str) -> tuple[Manifest, Manifest]:
    body = {**manifest.body, "metadata": {**manifest.metadata, **metadata}}
    return manifest, manifest.with_body(body, PATCH)


SERVICE = _object(
    "InferenceService",
    "chat",
    "team",
    {
        "runtime": {"name": "rt"},
        "model": {"name": "base", "kind": "ClusterBaseModel", "fineTunedWeights": ["lora"]},
    },
)
RUNTIME = _object("ServingRuntime", "rt", "team", {})
SHARED = _object("ClusterServingRuntime", "rt", None, {})
MODEL = _object("ClusterBaseModel", "base", None, {})
WEIGHT = _object("FineTunedWeight", "lora", None, {})
BENCHMARK = _object(
    "BenchmarkJob",
    "load",
    "team",
    {"endpoint": {"inferenceService": {"name": "chat", "namespace": "team"}}},
)


@pytest.mark.parametrize(
    ("referrer", "patched", "path", "starts"),
    [
        pytest.param(
            SERVICE,
            _patched(RUNTIME, namespace="other"),
            "spec.runtime.name",
            "this patch moves ServingRuntime 'rt' from namespace 'team' to 'other', the runtime",
            id="a namespaced runtime moved out of the service's namespace",
        ),
        pytest.param(
            SERVICE,
            _patched(SHARED, name="rt-2"),
            "spec.runtime.name",
            "this patch renames ClusterServingRuntime 'rt' to 'rt-2', the runtime",
            id="a cluster runtime renamed",
        ),
        pytest.param(
            SERVICE,
            _patched(MODEL, name="base-2"),
            "spec.model.name",
            "this patch renames ClusterBaseModel 'base' to 'base-2', the model",
            id="a cluster model renamed",
        ),
        pytest.param(
            SERVICE,
            _patched(WEIGHT, name="lora-2"),
            "spec.model.fineTunedWeights[0]",
            "this patch renames FineTunedWeight 'lora' to 'lora-2', the fine-tuned weight",
            id="a fine-tuned weight renamed",
        ),
        pytest.param(
            BENCHMARK,
            _patched(SERVICE, name="chat-2"),
            "spec.endpoint.inferenceService.name",
            "this patch renames InferenceService 'chat' to 'chat-2', the InferenceService "
            "this BenchmarkJob names",
            id="a benchmark's service renamed",
        ),
        pytest.param(
            BENCHMARK,
            _patched(SERVICE, namespace="other"),
            "spec.endpoint.inferenceService.name",
            "this patch moves InferenceService 'chat' from namespace 'team' to 'other'",
            id="a benchmark's service moved",
        ),
    ],
)
def test_refused(
    referrer: Manifest, patched: tuple[Manifest, Manifest], path: str, starts: str
) -> None:
    catalog = replace(lone_catalog(INSTANCE), patched={("any", "key"): patched})
    [refusal] = renamed_refusals(INSTANCE, catalog, referrer)
    assert format_json_path(refusal.path) == path
    assert refusal.message.startswith(starts), refusal.message
    assert refusal.owed_to is patched[1]


@pytest.mark.parametrize(
    ("referrer", "patched"),
    [
        pytest.param(
            SERVICE, _patched(RUNTIME, labels="x"), id="a patch that keeps name and namespace"
        ),
        pytest.param(
            SERVICE,
            _patched(_object("ServingRuntime", "rt", "elsewhere", {}), name="rt-2"),
            id="a namespaced runtime the service never found (another namespace)",
        ),
        pytest.param(
            SERVICE,
            _patched(_object("ClusterServingRuntime", "own", None, {}), name="own-2"),
            id="a cluster runtime hidden by the project's own namespaced one of its name",
        ),
        pytest.param(
            SERVICE.with_body({**SERVICE.body, "spec": {"runtime": {"name": "rt-2"}}}),
            _patched(SHARED, name="rt-2"),
            id="the service also pointed at the new name",
        ),
        pytest.param(
            SERVICE, _patched(MODEL, namespace="team"), id="a cluster model seen from anywhere"
        ),
    ],
)
def test_silent(referrer: Manifest, patched: tuple[Manifest, Manifest]) -> None:
    catalog = replace(lone_catalog(INSTANCE), patched={("any", "key"): patched})
    assert renamed_refusals(INSTANCE, catalog, referrer) == []


# --------------------------------------------------------------------------- unresolved

PLATFORM = platform_text(
    f"servingRuntimes: [{{name: shared, supports: [{FORMAT}], engine: {{image: i}}}}]\n"
    f"models: [{{name: base, source: 'hf://c/d', {FORMAT[1:-1]}}}]"
)
FINE_TUNED = project_instance(
    "ome",
    f"runtimes: [{{name: own, supports: [{FORMAT}], engine: {{image: i}}}}]\n"
    f"models: [{{name: m, source: 'hf://a/b', {FORMAT[1:-1]}}}]\n"
    "fineTunes: [{name: lora, baseModel: m, type: LoRA, source: 's3://w/lora'}]",
)


def _service(runtime: str, model: str = "m", weights: tuple[str, ...] = ()) -> Manifest:
    named = {"name": model, "kind": "BaseModel", "fineTunedWeights": list(weights)}
    return _object(
        "InferenceService", "chat", "team", {"runtime": {"name": runtime}, "model": named}
    )


@pytest.mark.parametrize(
    ("service", "path", "says"),
    [
        pytest.param(
            _service("onw"),
            "spec.runtime.name",
            "runtime 'onw', which neither the project nor the platform file defines "
            "(did you mean 'own'?)",
            id="a runtime no one defines",
        ),
        pytest.param(
            _service("own", "nope"),
            "spec.model.name",
            "model 'nope', which",
            id="a model no one defines",
        ),
        pytest.param(
            _service("own", "m", ("lora", "lora-x")),
            "spec.model.fineTunedWeights[1]",
            "fine-tuned weight 'lora-x', which",
            id="a fine-tuned weight no one defines",
        ),
    ],
)
def test_a_name_nothing_defines_is_refused(service: Manifest, path: str, says: str) -> None:
    catalog = catalog_with_platform(FINE_TUNED, PLATFORM)
    [refusal] = unresolved_refusals(FINE_TUNED, catalog, service)
    assert format_json_path(refusal.path) == path
    assert says in refusal.message, refusal.message
    assert refusal.owed_to is None  # the service's own patch


@pytest.mark.parametrize(
    "service",
    [
        pytest.param(_service("own", "m", ("lora",)), id="the project's own"),
        pytest.param(_service("shared", "base"), id="the platform file's"),
        pytest.param(_service("given"), id="a name a patch gives an object"),
        pytest.param(_service("rt"), id="a name a patch takes away (renamed_refusals says so)"),
    ],
)
def test_a_name_something_has_is_silent(service: Manifest) -> None:
    given = _patched(_object("ServingRuntime", "rt", "team", {}), name="given")
    catalog = replace(catalog_with_platform(FINE_TUNED, PLATFORM), patched={("k", "n"): given})
    assert unresolved_refusals(FINE_TUNED, catalog, service) == []


def test_without_a_platform_file_a_name_may_be_installed_by_other_means() -> None:
    assert unresolved_refusals(FINE_TUNED, lone_catalog(FINE_TUNED), _service("onw")) == []


# --------------------------------------------------------------------------- other projects
