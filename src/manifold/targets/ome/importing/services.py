"""InferenceService -> a project's service: the inverse of
`manifold.targets.ome.render.inference_service` for the services it renders, proven like
every other entry by rendering it back (`check`)."""

from __future__ import annotations

from typing import Any

from manifold.models.common import Scope
from manifold.models.project import Model, Service
from manifold.targets.ome import kinds
from manifold.targets.ome.components import ROUTER_RUNNER_NAME
from manifold.targets.ome.importing.components import Unsupported, component, keda, validated
from manifold.targets.ome.keda import AUTOSCALER_CLASS
from manifold.targets.ome.render import inference_service

_SPEC = ("model", "runtime", "engine", "decoder", "router", "acceleratorSelector", "kedaConfig")
_COMPONENTS = ("engine", "decoder", "router")


def service_entry(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    for key in spec:
        if key not in _SPEC:
            hint = " (the legacy predictor: write model, engine and runtime)" * (key == "predictor")
            raise Unsupported(("spec", key), f"the InferenceService field {key!r}{hint}")
    model = spec.get("model") or {}
    if set(model) - {"name", "kind"} or model.get("kind", "BaseModel") != "BaseModel":
        raise Unsupported(("spec", "model"), "a model reference beyond {name, kind: BaseModel}")
    entry: dict[str, Any] = {"name": name, "model": model.get("name")}
    spec, scaled = _keda_marks(spec)
    if "engine" in spec:
        entry.update(component(spec["engine"], ("spec", "engine"), runner_name=""))
    if "runtime" in spec:
        runtime = spec["runtime"]
        if set(runtime) - {"name", "kind"}:
            raise Unsupported(("spec", "runtime"), "a runtime reference beyond {name, kind}")
        scope = "namespace" if runtime.get("kind") == "ServingRuntime" else "cluster"
        entry["runtime"] = {"ref": runtime.get("name"), "scope": scope}
    if "decoder" in spec:
        entry["decoder"] = component(spec["decoder"], ("spec", "decoder"), runner_name="")
    if "router" in spec:
        router = spec["router"]
        named = ROUTER_RUNNER_NAME if "name" in (router.get("runner") or {}) else ""
        entry["router"] = component(router, ("spec", "router"), is_router=True, runner_name=named)
    if "kedaConfig" in spec:
        autoscaling = keda(spec["kedaConfig"], ("spec", "kedaConfig"))
        for part in scaled or [name for name in _COMPONENTS if name in spec or name == "engine"]:
            (entry if part == "engine" else entry.setdefault(part, {}))["autoscaling"] = autoscaling
    if "acceleratorSelector" in spec:
        selector = spec["acceleratorSelector"]
        if set(selector) != {"acceleratorClass"}:
            where = ("spec", "acceleratorSelector")
            raise Unsupported(where, "an accelerator selector beyond acceleratorClass")
        resources = entry.setdefault("resources", {})
        resources["gpu"] = {"count": 0, **resources.get("gpu", {})}
        resources["gpu"]["type"] = selector["acceleratorClass"]
    return entry


def _keda_marks(spec: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`spec` without the `ome.io/autoscalerClass: keda` of its components, and the names of
    the components that had it: with spec.kedaConfig, those scale with KEDA (without any,
    the InferenceService's own annotation marks them all, and `metadata` checks it is there)."""
    if "kedaConfig" not in spec:
        return spec, []
    scaled, cleaned = [], dict(spec)
    for name in _COMPONENTS:
        annotations = dict((spec.get(name) or {}).get("annotations") or {})
        if annotations.get(AUTOSCALER_CLASS) == "keda":
            scaled.append(name)
            del annotations[AUTOSCALER_CLASS]
            part = {key: value for key, value in spec[name].items() if key != "annotations"}
            cleaned[name] = {**part, **({"annotations": annotations} if annotations else {})}
    return cleaned, scaled


def render_service(entry: dict[str, Any], model_kind: str | None) -> dict[str, Any]:
    """The InferenceService manifold renders for the entry (the model stands for the one it
    names: a BaseModel when the original said so, else a ClusterBaseModel), with the
    annotations it derives from the entry's fields (`metadata` compares them)."""
    service = validated(Service, entry)
    scope: Scope = "namespace" if model_kind == "BaseModel" else "cluster"
    model = Model(name=service.model, source="hf://stand/in", scope=scope)
    runtime: kinds.RuntimeRef | None = None
    if service.runtime is not None and not isinstance(service.runtime, str):
        reference = entry["runtime"]
        runtime = {"name": reference["ref"]}
        if reference["scope"] == "namespace":
            runtime["kind"] = "ServingRuntime"
    return inference_service(service, model, runtime)
