"""FineTunedWeight and BenchmarkJob -> a project's `fineTunes` and `benchmarks` entries: the
inverse of `manifold.targets.ome.jobs` for the objects it renders.

Both renderers look beyond the entry (a fine-tune's base model may be the project's own
BaseModel, which its reference then names with the namespace; a benchmark of another
project's service names that project's namespace), so each entry is rendered back against
stand-ins holding exactly what those renderers read: the project named after the objects'
namespace (as `manifold import` names it), and, for a fine-tune, its base model as a
BaseModel of that namespace when the reference names the namespace.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from manifold.compile.catalog import Catalog
from manifold.compile.instances import ProjectInstance
from manifold.core.jsonpath import JsonPath
from manifold.models.benchmarks import Benchmark
from manifold.models.lifecycle import Dataset, FineTune
from manifold.models.project import Model
from manifold.targets.ome.importing.components import Unsupported, pod_fields, validated
from manifold.targets.ome.jobs import benchmark_spec, fine_tuned_weight_spec

STORAGE_OPTIONS = {
    "path": "path",
    "key": "credentialsSecret",
    "parameters": "parameters",
    "nodeSelector": "nodeSelector",
    "downloadPolicy": "downloadPolicy",
}
"""OME's StorageSpec fields beside storageUri, by the name manifold's storage options give
them (`manifold.targets.ome.objects.storage`)."""


def storage_options(storage: dict[str, Any], path: JsonPath) -> dict[str, Any]:
    """A StorageSpec without its storageUri, as manifold's storage options."""
    unknown = sorted(set(storage) - set(STORAGE_OPTIONS))
    if unknown:
        raise Unsupported((*path, unknown[0]), "a storage field manifold lacks")
    return {STORAGE_OPTIONS[key]: value for key, value in storage.items()}


def _located(storage: Any, path: JsonPath, uri_field: str) -> dict[str, Any]:
    if not isinstance(storage, dict) or "storageUri" not in storage:
        raise Unsupported(path, "a location without storageUri")
    rest = dict(storage)
    return {uri_field: rest.pop("storageUri"), **storage_options(rest, path)}


def _copied(spec: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """OME's own fields that manifold keeps under the entry's `ome`, with OME's names."""
    return {key: spec[key] for key in keys if key in spec}


def _stand_ins(namespace: str, models: list[Model]) -> tuple[ProjectInstance, Catalog]:
    """The project (named after its namespace, as the import names it) and a catalogue whose
    every other project is named after its namespace too, and which has no platform."""
    spec = SimpleNamespace(models=models, platform="ome")
    instance = SimpleNamespace(name=namespace, namespace=namespace, spec=spec)
    return cast(ProjectInstance, instance), cast(Catalog, _StandInCatalog())


class _StandInCatalog:
    """The two look-ups the renderers make of a catalogue, answered from names alone."""

    def project(self, name: str) -> Any:
        return SimpleNamespace(namespace=name)

    def platform(self, _platform: str) -> None:
        return None


# --------------------------------------------------------------------------- FineTunedWeight

_WEIGHT_AS_IS = {
    "modelType": "type",
    "hyperParameters": "hyperParameters",
    "configuration": "configuration",
    "displayName": "displayName",
    "version": "version",
    "vendor": "vendor",
    "disabled": "disabled",
}


def fine_tune_entry(name: str, namespace: str, spec: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name}
    reference = spec.get("baseModelRef")
    if not isinstance(reference, dict) or set(reference) - {"name", "namespace"}:
        where = ("spec", "baseModelRef")
        raise Unsupported(where, "a base model reference beyond {name, namespace}")
    if reference.get("namespace", namespace) != namespace:
        raise Unsupported(
            ("spec", "baseModelRef", "namespace"),
            "a base model of another namespace (manifold refers to its project's own models "
            "and the platform's)",
        )
    entry["baseModel"] = reference.get("name")
    for key, field in _WEIGHT_AS_IS.items():
        if key in spec:
            entry[field] = spec[key]
    storage = spec.get("storage")
    located = _located(storage, ("spec", "storage"), "source")
    entry["source"] = located.pop("source")
    if located:
        entry["storage"] = located
    ome = _copied(spec, ("trainingJobRef", "compartmentID"))
    if ome:
        entry["ome"] = ome
    known = {"baseModelRef", "storage", "trainingJobRef", "compartmentID", *_WEIGHT_AS_IS}
    for key in spec:
        if key not in known:
            raise Unsupported(("spec", key), f"the FineTunedWeight field {key!r}")
    return entry


def render_fine_tune(entry: dict[str, Any], namespace: str, spec: dict[str, Any]) -> Any:
    fine_tune = validated(FineTune, entry)
    reference = spec.get("baseModelRef") or {}
    models = []
    if "namespace" in reference:  # the project's own BaseModel
        models.append(Model(name=fine_tune.base_model, source="hf://stand/in", scope="namespace"))
    instance, catalog = _stand_ins(namespace, models)
    return fine_tuned_weight_spec(instance, catalog, fine_tune, fine_tune.source)


# --------------------------------------------------------------------------- BenchmarkJob

BENCHMARK_AS_IS = {
    "task": "task",
    "trafficScenarios": "trafficScenarios",
    "numConcurrency": "concurrency",
    "maxTimePerIteration": "maxTimePerIteration",
    "maxRequestsPerIteration": "maxRequestsPerIteration",
    "additionalRequestParams": "requestParams",
}
_OVERRIDE_AS_IS = ("image", "nodeSelector", "tolerations", "affinity", "volumes", "volumeMounts")


def _target(endpoint: Any, namespace: str) -> dict[str, Any]:
    path: JsonPath = ("spec", "endpoint")
    if not isinstance(endpoint, dict) or len(endpoint) != 1:
        raise Unsupported(path, "an endpoint that is not one inferenceService or one endpoint")
    if "inferenceService" in endpoint:
        service = endpoint["inferenceService"]
        if not isinstance(service, dict) or set(service) - {"name", "namespace"}:
            raise Unsupported((*path, "inferenceService"), "a service beyond {name, namespace}")
        target = {"service": service.get("name")}
        if service.get("namespace", namespace) != namespace:
            target["project"] = service["namespace"]  # that project, named after it too
        return target
    url = endpoint.get("endpoint")
    if not isinstance(url, dict) or set(url) - {"url", "apiFormat", "modelName"}:
        raise Unsupported(path, "an endpoint beyond {url, apiFormat, modelName}")
    return dict(url)


def _override(override: Any) -> dict[str, Any]:
    path: JsonPath = ("spec", "podOverride")
    if not isinstance(override, dict):
        raise Unsupported(path, "a podOverride that is not a mapping")
    return pod_fields(override, _OVERRIDE_AS_IS, path, "podOverride")


def benchmark_entry(name: str, namespace: str, spec: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "target": _target(spec.get("endpoint"), namespace)}
    for key, field in BENCHMARK_AS_IS.items():
        if key in spec:
            entry[field] = spec[key]
    entry["output"] = _located(spec.get("outputLocation"), ("spec", "outputLocation"), "uri")
    if "podOverride" in spec:
        entry.update(_override(spec["podOverride"]))
    ome: dict[str, Any] = {}
    if "huggingFaceSecretReference" in spec:
        secret = spec["huggingFaceSecretReference"]
        if not isinstance(secret, dict) or set(secret) != {"name"}:
            where = ("spec", "huggingFaceSecretReference")
            raise Unsupported(where, "a secret reference beyond {name}")
        ome["huggingFaceSecret"] = secret["name"]
    ome |= _copied(spec, ("serviceMetadata", "resultFolderName"))
    if ome:
        entry["ome"] = ome
    if "dataset" in spec:
        entry["dataset"] = name  # the project's dataset, `benchmark_dataset`
    known = {
        "dataset",
        "endpoint",
        "outputLocation",
        "podOverride",
        "huggingFaceSecretReference",
        "serviceMetadata",
        "resultFolderName",
        *BENCHMARK_AS_IS,
    }
    for key in spec:
        if key not in known:
            raise Unsupported(("spec", key), f"the BenchmarkJob field {key!r}")
    return entry


def benchmark_dataset(name: str, spec: dict[str, Any]) -> dict[str, Any] | None:
    """The project dataset a BenchmarkJob's `dataset` (a StorageSpec) becomes, named after the
    benchmark (benchmark names are unique in a project, so these are too), which the
    benchmark's `dataset` names; OME renders it back through `storage`
    (targets.ome.jobs.benchmark_spec)."""
    if "dataset" not in spec:
        return None
    located = _located(spec["dataset"], ("spec", "dataset"), "source")
    dataset = {"name": name, "source": located.pop("source")}
    return {**dataset, "storage": located} if located else dataset


def render_benchmark(
    entry: dict[str, Any], namespace: str, dataset: dict[str, Any] | None = None
) -> Any:
    benchmark = validated(Benchmark, entry)
    instance, catalog = _stand_ins(namespace, [])
    datasets = {} if dataset is None else {benchmark.name: validated(Dataset, dataset)}
    return benchmark_spec(catalog, instance, benchmark, datasets)
