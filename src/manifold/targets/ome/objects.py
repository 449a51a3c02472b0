"""What every OME object rendering needs: the object envelope, storage specs, and the
`Manifest` that carries an object with where it came from."""

from __future__ import annotations

from typing import Any

from manifold.compile.instances import ProjectInstance
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest
from manifold.models.labels import ObjectMetadata
from manifold.models.storage import ModelStorage
from manifold.targets.ome import kinds

CLUSTER_SCOPED = frozenset(
    {
        "ClusterBaseModel",
        "ClusterServingRuntime",
        "ClusterTrainingRuntime",
        "FineTunedWeight",
        "AcceleratorClass",
        "Organization",
        "Project",
        "DedicatedAICluster",
        "DedicatedAIClusterProfile",
        "ClusterCapacityReservation",
    }
)


def ome_object(
    kind: str, name: str, spec: Any, entry: ObjectMetadata | None = None
) -> dict[str, Any]:
    """The object, with the labels and annotations of the entry it is the main object of.
    Only the main object gets them (not an inline runtime or a fine-tune's TrainingJob):
    they describe what the user wrote the entry for, and a companion's metadata is
    manifold's to choose. `compile.finalize` merges them over the environment's and the
    file's, and puts manifold's own labels over all (the models refuse those keys)."""
    metadata: dict[str, Any] = {"name": name}
    if entry is not None and entry.labels:
        metadata["labels"] = dict(entry.labels)
    if entry is not None and entry.annotations:
        metadata["annotations"] = dict(entry.annotations)
    return {"apiVersion": kinds.API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def manifest(
    instance: ProjectInstance, body: dict[str, Any], component: str, spec_path: JsonPath
) -> Manifest:
    namespaced = body["kind"] not in CLUSTER_SCOPED
    return Manifest(body, namespaced, instance.name, instance.sources, component, spec_path)


def _add_location(result: kinds.JobStorage, options: ModelStorage | None) -> None:
    if options is None:
        return
    if options.path is not None:
        result["path"] = options.path
    if options.credentials_secret is not None:
        result["key"] = options.credentials_secret
    if options.parameters:
        result["parameters"] = dict(options.parameters)
    if options.node_selector:
        result["nodeSelector"] = dict(options.node_selector)


def storage(uri: str, options: ModelStorage | None) -> kinds.Storage:
    """Where a model or data set is, as OME's StorageSpec."""
    result: kinds.Storage = {"storageUri": uri}
    _add_location(result, options)
    if options is not None and options.download_policy is not None:
        result["downloadPolicy"] = options.download_policy
    return result


def job_storage(uri: str, options: ModelStorage | None) -> kinds.JobStorage:
    """The same, as jobs read and write it: without a download policy."""
    result: kinds.JobStorage = {"storageUri": uri}
    _add_location(result, options)
    return result
