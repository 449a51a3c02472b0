"""OME objects -> entries of manifold's input files, each proven lossless before it is kept.

Every entry is mapped onto manifold's own fields where they fit (`components` for the
engine, decoder and router), OME fields manifold does not model go under `omeSpec`
(`manifold.models.passthrough`), and then the entry is validated with manifold's model
and rendered again with manifold's OME renderer: unless that gives back the object's
spec exactly, the object is refused at the first field that differs. So an import never
writes an entry that would render something else than what the cluster runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from manifold.compile.validate import object_errors
from manifold.core.jsonpath import JsonPath, format_json_path
from manifold.inputs.nulls import PAYLOADS
from manifold.models.accelerators import AcceleratorClass
from manifold.models.labels import ObjectMetadata
from manifold.models.passthrough import MODEL_FIELDS, RUNTIME_FIELDS
from manifold.models.platform import SharedModel
from manifold.models.project import Model
from manifold.models.runtimes import ProjectServingRuntime, ServingRuntime, SharedServingRuntime
from manifold.schemas.store import SchemaStore
from manifold.targets.ome import kinds
from manifold.targets.ome.importing import metadata
from manifold.targets.ome.importing.components import Unsupported, component, validated
from manifold.targets.ome.importing.jobs import (
    benchmark_dataset,
    benchmark_entry,
    fine_tune_entry,
    render_benchmark,
    render_fine_tune,
    storage_options,
)
from manifold.targets.ome.importing.services import render_service, service_entry
from manifold.targets.ome.objects import ome_object
from manifold.targets.ome.render import base_model
from manifold.targets.ome.runtimes import serving_runtime_spec

PLATFORM_KINDS = {
    "ClusterBaseModel": "models",
    "ClusterServingRuntime": "servingRuntimes",
    "AcceleratorClass": "acceleratorClasses",
}
"""The cluster-scoped OME kinds a platform file holds, by the list they go into."""

PROJECT_KINDS = {
    "BaseModel": "models",
    "ServingRuntime": "runtimes",
    "InferenceService": "services",
    "FineTunedWeight": "fineTunes",
    "BenchmarkJob": "benchmarks",
}
"""The OME kinds a project file holds, by the list they go into."""
CLUSTER_SCOPED_IN_PROJECT = frozenset({"FineTunedWeight"})
"""Project kinds OME's CRDs make cluster-scoped (crds/main ome.io_finetunedweights.yaml,
`scope: Cluster`): such an object needs no namespace, and one it carries is not the
cluster's (the API server drops it), so it is neither required nor given back."""

API_VERSION = kinds.API_VERSION
LATEST_KUBERNETES = "master"
"""Only OME's kinds are checked here, whose schemas do not depend on the version."""


@dataclass(frozen=True)
class Imported:
    """One object as an entry of a manifold list, and which of its fields were kept as
    written because manifold has no field for them."""

    kind: str
    name: str
    entry: dict[str, Any]
    verbatim: tuple[str, ...]
    dropped: tuple[str, ...] = ()
    """Labels and annotations of the object left out because manifold sets them itself."""
    stale: tuple[str, ...] = ()
    """Annotations left out as stale bookkeeping (kubectl's last-applied record)."""
    companions: tuple[tuple[str, dict[str, Any]], ...] = ()
    """Entries of other lists the entry refers to (a benchmark's dataset), by list."""


def _model_entry(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name}
    storage = dict(spec.get("storage") or {})
    if "storageUri" not in storage:
        raise Unsupported(("spec", "storage"), "a model without storage.storageUri")
    entry["source"] = storage.pop("storageUri")
    simple = {
        "vendor": "vendor",
        "displayName": "displayName",
        "version": "version",
        "disabled": "disabled",
        "modelCapabilities": "capabilities",
        "modelFormat": "format",
        "modelFramework": "framework",
        "modelArchitecture": "architecture",
        "modelParameterSize": "parameterSize",
        "quantization": "quantization",
        "maxTokens": "maxTokens",
    }
    for key, field in simple.items():
        if key in spec:
            entry[field] = spec[key]
    if storage:
        entry["storage"] = storage_options(storage, ("spec", "storage"))
    if extra := {key: value for key, value in spec.items() if key not in MODEL_FIELDS}:
        entry["omeSpec"] = extra
    return entry


def _runtime_entry(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name}
    if "disabled" in spec:
        entry["disabled"] = spec["disabled"]
    entry["supports"] = [
        _supported(item, ("spec", "supportedModelFormats", index))
        for index, item in enumerate(spec.get("supportedModelFormats") or [])
    ]
    if "modelSizeRange" in spec:
        entry["modelSizeRange"] = spec["modelSizeRange"]
    if "protocolVersions" in spec:
        entry["protocols"] = spec["protocolVersions"]
    if "acceleratorRequirements" in spec:
        requirements = spec["acceleratorRequirements"]
        if set(requirements) != {"acceleratorClasses"}:
            where = ("spec", "acceleratorRequirements")
            raise Unsupported(where, "accelerator requirements beyond acceleratorClasses")
        entry["accelerators"] = requirements["acceleratorClasses"]
    for key, field in (("engineConfig", "engine"), ("decoderConfig", "decoder")):
        if key in spec:
            entry[field] = component(spec[key], ("spec", key))
    if "routerConfig" in spec:
        entry["router"] = component(spec["routerConfig"], ("spec", "routerConfig"), is_router=True)
    if extra := {key: value for key, value in spec.items() if key not in RUNTIME_FIELDS}:
        entry["omeSpec"] = extra
    return entry


def _supported(item: dict[str, Any], path: JsonPath) -> dict[str, Any]:
    names = {
        "modelFormat": "format",
        "modelFramework": "framework",
        "modelArchitecture": "architecture",
        "quantization": "quantization",
        "autoSelect": "autoSelect",
        "priority": "priority",
        "version": "version",
    }
    for key in item:
        if key not in names:
            raise Unsupported((*path, key), f"the supported format field {key!r}")
    return {names[key]: value for key, value in item.items()}


def _accelerator_entry(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, **spec}


def _render_model(entry: BaseModel) -> Any:
    assert isinstance(entry, Model)
    return base_model(entry)["spec"]


def _render_runtime(entry: BaseModel) -> Any:
    assert isinstance(entry, ServingRuntime)
    return serving_runtime_spec(entry)


def _render_accelerator(entry: BaseModel) -> Any:
    body = entry.model_dump(by_alias=True, exclude_none=True)
    body.pop("name")
    body.pop("external", None)
    body.pop("metadata", None)
    return body


_KINDS: dict[
    str,
    tuple[Callable[[str, dict[str, Any]], dict[str, Any]], type[BaseModel], Callable[..., Any]],
] = {
    "ClusterBaseModel": (_model_entry, SharedModel, _render_model),
    "ClusterServingRuntime": (_runtime_entry, SharedServingRuntime, _render_runtime),
    "AcceleratorClass": (_accelerator_entry, AcceleratorClass, _render_accelerator),
    "BaseModel": (_model_entry, Model, _render_model),
    "ServingRuntime": (_runtime_entry, ProjectServingRuntime, _render_runtime),
}
"""How each kind becomes an entry, the model that validates it, and how it renders."""


def plain_entry(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The entry of an InferenceService or a kind of `_KINDS`, without the proof that it
    renders back (`entry_of` gives that) and without metadata; raises Unsupported."""
    if kind == "InferenceService":
        return service_entry(name, spec)
    return _KINDS[kind][0](name, spec)


def first_difference(original: Any, rendered: Any, path: JsonPath = ()) -> JsonPath | None:
    """Where two plain values first differ (types count: 10 is not "10"); None if equal."""
    if isinstance(original, dict) and isinstance(rendered, dict):
        for key in [*original, *(k for k in rendered if k not in original)]:
            if key not in original or key not in rendered:
                return (*path, key)
            found = first_difference(original[key], rendered[key], (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(original, list) and isinstance(rendered, list):
        for index, (left, right) in enumerate(zip(original, rendered, strict=False)):
            found = first_difference(left, right, (*path, index))
            if found is not None:
                return found
        return (
            None if len(original) == len(rendered) else (*path, min(len(original), len(rendered)))
        )
    same = type(original) is type(rendered) and original == rendered
    return None if same else path


@functools.cache
def _store() -> SchemaStore:
    """manifold's own schemas of OME's kinds, compiled once per process."""
    return SchemaStore(None)


def _check_schema(kind: str, name: str, spec: Any) -> None:
    """The object as manifold would render it, against the schema its render is checked
    with: what `omeSpec` carries must be a field of OME's CRD, with the right type."""
    body = {"apiVersion": API_VERSION, "kind": kind, "metadata": {"name": name}, "spec": spec}
    errors = object_errors(body, _store(), LATEST_KUBERNETES)
    if errors:
        raise Unsupported(errors[0].path, f"OME's schema refuses it: {errors[0].message}")


def null_in(value: Any, path: JsonPath = ()) -> JsonPath | None:
    """Where an entry holds a null map value that manifold's layer merge would drop (outside
    the keys it keeps as written, `overlay.PAYLOADS`); None if it holds none."""
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                return (*path, key)
            found = None if key in PAYLOADS else null_in(item, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = null_in(item, (*path, index))
            if found is not None:
                return found
    return None


def entry_of(body: dict[str, Any], namespace: str | None = None) -> Imported:
    """An OME object as an entry of a platform or project file (of `namespace`, the
    namespace of its namespaced objects); raises Unsupported."""
    kind, name = body["kind"], body["metadata"]["name"]
    spec = body.get("spec")
    if not isinstance(spec, dict):
        raise Unsupported(("spec",), "an object without a spec")
    namespace = str(namespace or body["metadata"].get("namespace") or name)
    own = metadata.carried(kind, body["metadata"])
    companions: tuple[tuple[str, dict[str, Any]], ...] = ()
    entry_metadata = {"metadata": own.entry} if own.entry else {}
    if kind == "InferenceService":
        entry = _with(service_entry(name, spec), entry_metadata)
        service = render_service(entry, (spec.get("model") or {}).get("kind"))
        rendered, rendered_metadata = service["spec"], service["metadata"]
    else:
        if kind == "FineTunedWeight":
            entry = _with(fine_tune_entry(name, namespace, spec), entry_metadata)
            rendered = render_fine_tune(entry, namespace, spec)
        elif kind == "BenchmarkJob":
            entry = _with(benchmark_entry(name, namespace, spec), entry_metadata)
            dataset = benchmark_dataset(name, spec)
            companions = () if dataset is None else (("datasets", dataset),)
            rendered = render_benchmark(entry, namespace, dataset)
        else:
            to_entry, model, render = _KINDS[kind]
            entry = _with(to_entry(name, spec), entry_metadata)
            rendered = render(validated(model, entry))
        # as every renderer of these kinds makes the object (targets.ome.objects)
        carried = validated(ObjectMetadata, own.entry)
        rendered_metadata = ome_object(kind, name, None, carried)["metadata"]
    metadata.check(own, metadata.rendered_metadata(rendered_metadata))
    if (null := null_in(entry)) is not None:
        raise Unsupported(
            ("spec", *null[1:]) if null[:1] == ("omeSpec",) else ("spec",),
            f"the entry would hold null at {format_json_path(null)}, which manifold's "
            "layer merge removes",
        )
    _check_schema(kind, name, rendered)
    difference = first_difference(spec, rendered)
    if difference is not None:
        raise Unsupported(("spec", *difference), _not_rendered_back(kind, spec, difference))
    verbatim = tuple(sorted(entry.get("omeSpec", {})))
    return Imported(kind, name, entry, verbatim, own.dropped, own.stale, companions)


_BESIDE_LEADER = {
    "runner": "resources",
    "nodeSelector": "the node labels its leader's and workers' pods share",
    "affinity": "an affinity",
}
"""What manifold writes on a multi-node component beside its leader (`components.component`)."""


def _not_rendered_back(kind: str, spec: dict[str, Any], difference: JsonPath) -> str:
    """Why the field at `difference` of `spec` would not render back: for a multi-node
    InferenceService without what manifold writes beside its leader, what that is for."""
    said = "manifold would not render this field back exactly as written"
    name, field = (*difference, "", "")[:2]
    part = spec.get(str(name)) if kind == "InferenceService" and len(difference) == 2 else None
    if not isinstance(part, dict) or "leader" not in part or field in part:
        return said
    what = _BESIDE_LEADER.get(str(field))
    if what is None:
        return said
    return (
        f"{said}: beside a leader, manifold writes {what} on spec.{name} too, because OME "
        f"gives the accelerator class's in place of the leader's and workers' where the "
        f"{name} itself sets none (sgl-project/ome components/base.go); this object sets "
        f"none, so its pods may run with the class's: write on spec.{name} what its leader and "
        "workers have"
    )


def _with(entry: dict[str, Any], entry_metadata: dict[str, Any]) -> dict[str, Any]:
    """The entry with its object metadata right after its name, where a reader looks."""
    name = {"name": entry.pop("name")}
    return {**name, **entry_metadata, **entry}
