"""OME's merge rules: what pods an InferenceService becomes once the controller is done.

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d:
- pkg/controller/v1beta1/inferenceservice/utils/merging.go:105-143 (`MergeEngineSpec`,
  `MergeDecoderSpec`) and :85-101 (`MergeRouterSpec`): the InferenceService's component is
  strategic-merged over the runtime's `engineConfig` / `decoderConfig` / `routerConfig`; a
  component the InferenceService leaves out is not deployed, whatever the runtime says.
- pkg/controller/v1beta1/inferenceservice/utils/deployment.go:22-25: a component with a
  `leader` or `worker` runs multi-node; components/engine.go:276-291 then takes the leader's
  pod and runner (not the component's) for the leader pod, the component's own when it has
  no leader, and engine.go:322-338 the worker's for the worker pods.
- components/base.go:323-344 (`MergeEngineResources`) with utils/merging.go:224-281
  (`MergeResource`): the AcceleratorClass's resources are added only when the
  InferenceService's component sets no resources of its own.
- utils/merging.go:181-219 (`MergeNodeSelector`) via components/base.go:212: runtime, then
  AcceleratorClass discovery, then the component's own node selector, for engine and
  decoder pods (leader and worker included), never for the router.
- components/base.go:192-226 (`UpdatePodSpecNodeSelector`) with utils/utils.go:18-37: a
  service that loads one fine-tuned weight whose configuration says `merged_weights: true`
  gets none of that merged node selector (nor the class's, nor the component's own).
- components/base.go:346-368 (`UpdateEngineAffinity`, `UpdateDecoderAffinity`): the
  class's `discovery.affinity` replaces the pod's when the InferenceService's component
  sets no affinity of its own (leaders' and workers' pods included).
- pkg/runtimeselector/matcher.go:133 and scorer.go:44: with no runtime named, a runtime
  whose supported format enables auto-selection is chosen, the highest priority first.

BenchmarkJobs follow their own controller (`effective_jobs`). TrainingJobs are not modelled:
their controller is not in OME's source at that commit, so there is no rule to follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manifold.compile.provenance import Named
from manifold.core.jsonpath import JsonPath
from manifold.targets.effective import (
    EffectiveWorkload,
    Fields,
    InputHint,
    InputPath,
    Objects,
    PodRole,
    RenderedObject,
    Source,
    Value,
    container_fields,
    overlay,
    pod_fields,
)
from manifold.targets.ome.class_choice import selected_class
from manifold.targets.ome.effective_classes import class_source, credited_to_class
from manifold.targets.ome.effective_jobs import benchmarks

PLATFORM = "ome"
RUNTIME_KINDS = ("ServingRuntime", "ClusterServingRuntime")
_CONFIG = {"engine": "engineConfig", "decoder": "decoderConfig", "router": "routerConfig"}
_FROM_RUNTIME = frozenset({"image", "command", "args"})
"""What an InferenceService leaves to its runtime: unknown when the runtime is not rendered."""
_RESOURCE_INPUT = {"cpu": ("cpu",), "memory": ("memory",), "nvidia.com/gpu": ("gpu", "count")}


def workloads(objects: Objects) -> list[EffectiveWorkload]:
    found: list[EffectiveWorkload] = []
    for isvc in objects.of_kind("InferenceService"):
        if isvc.body.get("apiVersion", "").startswith("ome.io/"):
            found.append(_inference_service(isvc, objects))
    return [*found, *benchmarks(objects)]


def _inference_service(isvc: RenderedObject, objects: Objects) -> EffectiveWorkload:
    spec = isvc.body.get("spec") or {}
    runtime, notes = _runtime(isvc, objects)
    placed, note = _node_selector_merged(isvc, objects)
    notes.extend([note] if note else [])
    roles: list[PodRole] = []
    for component in ("engine", "decoder", "router"):
        own = spec.get(component)
        if not isinstance(own, dict):
            continue  # not deployed, even when the runtime configures it
        roles.extend(_component_roles(isvc, component, own, runtime, objects, placed))
    return EffectiveWorkload(
        PLATFORM,
        objects.environment,
        isvc.project,
        "service",
        isvc.name,
        f"InferenceService/{isvc.name}",
        tuple(roles),
        tuple(notes),
        frozenset() if runtime is not None else _FROM_RUNTIME,
    )


def _node_selector_merged(isvc: RenderedObject, objects: Objects) -> tuple[bool, str | None]:
    """Whether OME merges node selectors into the pods (not for a service that loads one
    fine-tuned weight configured with `merged_weights: true`), and a note where it depends
    on a weight that is not rendered."""
    model = (isvc.body.get("spec") or {}).get("model") or {}
    weights = model.get("fineTunedWeights") or []
    if len(weights) != 1:
        return True, None  # OME reads only the first, and needs it alone
    weight = objects.find(("FineTunedWeight",), str(weights[0]))
    if weight is None:
        return True, (
            f"fine-tuned weight {weights[0]} is not in rendered/: if its configuration says "
            "merged_weights: true, OME merges no node selector into these pods (the class's, the "
            "runtime's, the component's own)"
        )
    configuration = (weight.body.get("spec") or {}).get("configuration") or {}
    return configuration.get("merged_weights") is not True, None


def _runtime(isvc: RenderedObject, objects: Objects) -> tuple[RenderedObject | None, list[str]]:
    reference = (isvc.body.get("spec") or {}).get("runtime")
    if isinstance(reference, dict) and reference.get("name"):
        name = str(reference["name"])
        kinds = (reference["kind"],) if reference.get("kind") else RUNTIME_KINDS
        found = objects.find(kinds, name, isvc.namespace)
        if found is None:
            return None, [f"runtime {name} is not in rendered/ (installed by other means)"]
        return found, []
    chosen = _auto_selected(isvc, objects)
    if chosen is None:
        return None, ["no runtime named and none in rendered/ that OME would auto-select"]
    return chosen, [f"runtime {chosen.name} chosen by OME's auto-selection"]


def _auto_selected(isvc: RenderedObject, objects: Objects) -> RenderedObject | None:
    model_ref = (isvc.body.get("spec") or {}).get("model") or {}
    model = objects.find(
        ("BaseModel", "ClusterBaseModel"), str(model_ref.get("name")), isvc.namespace
    )
    if model is None:
        return None
    model_spec = model.body.get("spec") or {}
    wanted = (
        (model_spec.get("modelFormat") or {}).get("name"),
        (model_spec.get("modelFramework") or {}).get("name"),
    )
    ranked: list[tuple[int, int, str, RenderedObject]] = []
    for runtime in objects.of_kind(*RUNTIME_KINDS):
        if runtime.namespace and runtime.namespace != isvc.namespace:
            continue
        for supported in (runtime.body.get("spec") or {}).get("supportedModelFormats") or []:
            offered = (
                (supported.get("modelFormat") or {}).get("name"),
                (supported.get("modelFramework") or {}).get("name"),
            )
            if supported.get("autoSelect") and offered == wanted:
                scope = 0 if runtime.namespace else 1
                ranked.append((-int(supported.get("priority", 1)), scope, runtime.name, runtime))
    return min(ranked, key=lambda r: r[:3])[3] if ranked else None


def _sourcer(
    obj: RenderedObject, hint: Callable[[JsonPath], InputHint | None]
) -> Callable[[JsonPath], Source]:
    kind = obj.kind

    def source(path: JsonPath) -> Source:
        return Source(f"{kind}/{obj.name}", path, hint(path))

    return source


def _service_hint(isvc: RenderedObject, component: str) -> Callable[[JsonPath], InputHint | None]:
    """Where in the project's merged spec a field of the InferenceService's component came
    from: `services[name]`, under `decoder`, `router`, `leader` or `worker` where it is one."""

    def hint(path: JsonPath) -> InputHint | None:
        inner = path[2:]  # after ("spec", component)
        return InputHint(
            isvc.project, ("services", Named(isvc.name), *_input_path(component, inner))
        )

    return hint


def _runtime_hint(
    runtime: RenderedObject, component: str
) -> Callable[[JsonPath], InputHint | None]:
    def hint(path: JsonPath) -> InputHint | None:
        inner = _input_path(component, path[2:])
        if component == "engine":  # a service's engine fields sit on the service itself
            inner = ("engine", *inner)
        return InputHint(
            runtime.project,
            ("runtimes", Named(runtime.name), *inner),
            ("servingRuntimes", Named(runtime.name), *inner),
        )

    return hint


def _input_path(component: str, inner: JsonPath) -> InputPath:
    """A path inside a rendered component, as the input language writes it."""
    prefix: list[str | int | Named] = [] if component == "engine" else [component]
    steps = list(inner)
    if steps and steps[0] in ("leader", "worker"):
        prefix.append(str(steps.pop(0)))
    if steps and steps[0] == "runner":
        steps.pop(0)
    if steps[:1] == ["resources"] and len(steps) >= 3:
        return (*prefix, "resources", *_RESOURCE_INPUT.get(str(steps[2]), (str(steps[2]),)))
    if steps[:1] in (["minReplicas"], ["maxReplicas"]):
        return (*prefix, "replicas", "min" if steps[0] == "minReplicas" else "max")
    return (*prefix, *(s for s in steps if not isinstance(s, int)))


def _component_roles(
    isvc: RenderedObject,
    component: str,
    own: dict[str, Any],
    runtime: RenderedObject | None,
    objects: Objects,
    placed: bool,
) -> list[PodRole]:
    """The pods of one component: one role, or a leader and a worker when multi-node;
    `placed`: OME merges node selectors into them (`_node_selector_merged`)."""
    at: JsonPath = ("spec", component)
    base_at: JsonPath = ("spec", _CONFIG[component])
    runtime_part: dict[str, Any] = {}
    runtime_source: Callable[[JsonPath], Source] | None = None
    if runtime is not None:
        runtime_part = (runtime.body.get("spec") or {}).get(_CONFIG[component]) or {}
        runtime_source = _sourcer(runtime, _runtime_hint(runtime, component))
    own_source = _sourcer(isvc, _service_hint(isvc, component))

    def merged(part: tuple[str, ...]) -> Fields:
        """`MergeEngineSpec`: the InferenceService's fields over the runtime's."""
        fields: Fields = {}
        if runtime_source is not None:
            fields = _part_fields(_dig(runtime_part, part), runtime_source, (*base_at, *part))
        return overlay(fields, _part_fields(_dig(own, part), own_source, (*at, *part)))

    replicas = _replicas(own, own_source, at, runtime_part, runtime_source, base_at)
    accelerator = _accelerator(isvc, component, objects)
    multi_node = component != "router" and (
        "leader" in own or "worker" in own or "leader" in runtime_part or "worker" in runtime_part
    )
    # `MergeNodeSelector` adds the component's own node selector to every pod of it.
    selector = {
        k: v
        for k, v in pod_fields(own, own_source, at).items()
        if k.startswith("nodeSelector.") and placed
    }
    if not multi_node:
        fields = {**merged(()), **replicas}
        return [PodRole(component, _finish(fields, component, accelerator, own, selector, placed))]
    roles = []
    led = "leader" in own or "leader" in runtime_part
    for part in ("leader", "worker"):
        # without a leader, the leader pod is the component's own (engine.go:276-291)
        fields = {**merged((part,) if part == "worker" or led else ()), **replicas}
        worker = _dig(own, ("worker",)) or _dig(runtime_part, ("worker",))
        if part == "worker" and "size" in worker:
            fields["size"] = Value(worker["size"], own_source((*at, "worker", "size")))
        name = part if component == "engine" else f"{component}-{part}"
        roles.append(PodRole(name, _finish(fields, component, accelerator, own, selector, placed)))
    return roles


def _dig(data: dict[str, Any], part: tuple[str, ...]) -> dict[str, Any]:
    for step in part:
        data = data.get(step) or {}
    return data


def _part_fields(
    part: dict[str, Any], source: Callable[[JsonPath], Source], at: JsonPath
) -> Fields:
    runner = part.get("runner")
    fields = pod_fields(part, source, at)
    if part.get("affinity") is not None:  # the pod's own, unless the class's replaces it
        fields["affinity"] = Value(part["affinity"], source((*at, "affinity")))
    if isinstance(runner, dict):
        fields.update(container_fields(runner, source, (*at, "runner")))
    return fields


def _replicas(
    own: dict[str, Any],
    own_source: Callable[[JsonPath], Source],
    at: JsonPath,
    runtime_part: dict[str, Any],
    runtime_source: Callable[[JsonPath], Source] | None,
    base_at: JsonPath,
) -> Fields:
    fields: Fields = {}
    for key, name in (("minReplicas", "replicas.min"), ("maxReplicas", "replicas.max")):
        if key in own:
            fields[name] = Value(own[key], own_source((*at, key)))
        elif key in runtime_part and runtime_source is not None:
            fields[name] = Value(runtime_part[key], runtime_source((*base_at, key)))
        else:
            fields[name] = Value(1, Source("default of OME"))
    return fields


def _accelerator(
    isvc: RenderedObject, component: str, objects: Objects
) -> tuple[Value, RenderedObject | None] | None:
    spec = isvc.body.get("spec")
    selected = selected_class(spec, component) if isinstance(spec, dict) else None
    if selected is None:
        return None
    path, name = selected
    hint_path = (
        (component, "resources", "gpu", "type")
        if component != "engine"
        else ("resources", "gpu", "type")
    )
    hint = InputHint(isvc.project, ("services", Named(isvc.name), *hint_path))
    value = Value(name, Source(f"InferenceService/{isvc.name}", path, hint))
    return value, objects.find(("AcceleratorClass",), name)


def _finish(
    fields: Fields,
    component: str,
    accelerator: tuple[Value, RenderedObject | None] | None,
    own: dict[str, Any],
    selector: Fields,
    placed: bool,
) -> Fields:
    """What the controller adds after the merge: the AcceleratorClass's resources (when
    the component sets none), its discovery node selector (unless `placed` is False), then
    the component's own node selector (engine and decoder only), and the class's affinity
    when the component sets none."""
    if component == "router" or accelerator is None:
        return dict(sorted({**fields, **selector}.items()))
    value, accelerator_class = accelerator
    fields["accelerator"] = value
    if accelerator_class is None:
        return dict(sorted({**fields, **selector}.items()))
    spec = accelerator_class.body.get("spec") or {}
    fields = credited_to_class(fields, accelerator_class)
    if not ((own.get("runner") or {}).get("resources")):
        for index, resource in enumerate(spec.get("resources") or []):
            for kind in ("requests", "limits"):
                path: JsonPath = ("spec", "resources", index, "quantity")
                fields[f"{kind}.{resource['name']}"] = Value(
                    resource.get("quantity"), class_source(accelerator_class, path)
                )
    discovery = spec.get("discovery") or {}
    if discovery.get("affinity") is not None and own.get("affinity") is None:
        where_affinity: JsonPath = ("spec", "discovery", "affinity")
        fields["affinity"] = Value(
            discovery["affinity"], class_source(accelerator_class, where_affinity)
        )
    discovered = (discovery.get("nodeSelector") or {}) if placed else {}
    for key, selected in discovered.items():
        where: JsonPath = ("spec", "discovery", "nodeSelector", key)
        fields[f"nodeSelector.{key}"] = Value(selected, class_source(accelerator_class, where))
    return dict(sorted({**fields, **selector}.items()))
