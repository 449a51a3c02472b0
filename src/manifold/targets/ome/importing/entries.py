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

from pydantic import BaseModel, ValidationError

from manifold.compile.validate import object_errors
from manifold.core.jsonpath import JsonPath, format_json_path
from manifold.models.accelerators import AcceleratorClass
from manifold.models.passthrough import MODEL_FIELDS, RUNTIME_FIELDS
from manifold.models.platform import SharedModel
from manifold.models.project import Model
from manifold.models.runtimes import ProjectServingRuntime, ServingRuntime, SharedServingRuntime
from manifold.schemas.store import SchemaStore
from manifold.targets.ome import kinds
from manifold.targets.ome.importing.components import Unsupported, component
from manifold.targets.ome.importing.services import render_service, service_entry
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
}
"""The namespaced OME kinds a project file holds, by the list they go into."""
NOT_YET = ("FineTunedWeight", "BenchmarkJob")
"""Namespaced OME kinds a project file expresses that the import does not take yet."""

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
    options = {"path": "path", "key": "credentialsSecret", "parameters": "parameters"}
    options |= {"nodeSelector": "nodeSelector", "downloadPolicy": "downloadPolicy"}
    unknown = set(storage) - set(options)
    if unknown:
        raise Unsupported(("spec", "storage", sorted(unknown)[0]), "a storage field manifold lacks")
    if storage:
        entry["storage"] = {options[key]: value for key, value in storage.items()}
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


def _validated(model: type[BaseModel], entry: dict[str, Any]) -> BaseModel:
    try:
        return model.model_validate(entry)
    except ValidationError as error:
        problem = error.errors()[0]
        where = format_json_path(tuple(problem["loc"]))
        raise Unsupported(("spec",), f"manifold refuses it at {where}: {problem['msg']}") from None


def entry_of(body: dict[str, Any]) -> Imported:
    """An OME object as an entry of a platform or project file; raises Unsupported."""
    kind, name = body["kind"], body["metadata"]["name"]
    spec = body.get("spec")
    if not isinstance(spec, dict):
        raise Unsupported(("spec",), "an object without a spec")
    if kind == "InferenceService":
        entry = service_entry(name, spec)
        annotations = body["metadata"].get("annotations", {})
        rendered = render_service(entry, (spec.get("model") or {}).get("kind"), annotations)
    else:
        to_entry, model, render = _KINDS[kind]
        entry = to_entry(name, spec)
        rendered = render(_validated(model, entry))
    _check_schema(kind, name, rendered)
    difference = first_difference(spec, rendered)
    if difference is not None:
        raise Unsupported(
            ("spec", *difference),
            "manifold would not render this field back exactly as written",
        )
    verbatim = tuple(sorted(entry.get("omeSpec", {})))
    return Imported(kind, name, entry, verbatim)
