"""A project instance -> OME objects: a (Cluster)BaseModel per model, a (Cluster)Serving- or
TrainingRuntime per runtime the project defines, an InferenceService per service, and the
jobs of its fine-tunes, benchmarks, replications and pipelines (`jobs`)."""

from __future__ import annotations

from typing import Any

from manifold.compile.catalog import Catalog, find_model, find_serving_runtime
from manifold.compile.instances import ProjectInstance
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest
from manifold.models.project import InlineRuntime, Model, Service
from manifold.models.runtimes import RuntimeRef
from manifold.targets import kubernetes as k8s
from manifold.targets.defaults import below_runtime, own_resources
from manifold.targets.given import put_given
from manifold.targets.ome import jobs, kinds
from manifold.targets.ome.class_placement import with_class_affinity
from manifold.targets.ome.class_resources import with_class_resources
from manifold.targets.ome.components import ROUTER_RUNNER_NAME, component, router
from manifold.targets.ome.keda import AUTOSCALER_CLASS, keda_scaling
from manifold.targets.ome.objects import manifest, ome_object, storage
from manifold.targets.ome.runtimes import (
    inline_runtime_spec,
    serving_runtime_spec,
    training_runtime_spec,
)


def render(instance: ProjectInstance, catalog: Catalog) -> list[Manifest]:
    spec = instance.spec
    manifests = [
        manifest(instance, base_model(model), "model", ("models", index))
        for index, model in enumerate(spec.models)
    ]
    for index, runtime in enumerate(spec.runtimes):
        kind = "ClusterServingRuntime" if runtime.scope == "cluster" else "ServingRuntime"
        body = ome_object(kind, runtime.name, serving_runtime_spec(runtime), runtime.metadata)
        manifests.append(manifest(instance, body, "runtime", ("runtimes", index)))
    for index, training in enumerate(spec.training_runtimes):
        kind = "ClusterTrainingRuntime" if training.scope == "cluster" else "TrainingRuntime"
        body = ome_object(kind, training.name, training_runtime_spec(training))
        manifests.append(manifest(instance, body, "runtime", ("trainingRuntimes", index)))
    for index, service in enumerate(spec.services):
        origin: JsonPath = ("services", index)
        found = find_model(instance, catalog, service.model)
        assert found is not None  # references are checked before rendering
        runtime_ref: kinds.RuntimeRef | None = None
        service = under_runtime(instance, catalog, service)
        if isinstance(service.runtime, InlineRuntime):
            inline = service.runtime
            kind = "ClusterServingRuntime" if inline.scope == "cluster" else "ServingRuntime"
            gpu = service.resources.gpu if service.resources else None
            runtime_spec = inline_runtime_spec(
                inline, found.item, gpu.type if gpu else None, service
            )
            body = ome_object(kind, inline.name or service.name, runtime_spec)
            manifests.append(manifest(instance, body, "runtime", (*origin, "runtime")))
            runtime_ref = _runtime_ref(inline.name or service.name, inline.scope)
        elif service.runtime is not None:
            runtime_ref = _referenced_runtime(instance, catalog, service.runtime)
        isvc = inference_service(service, found.item, runtime_ref, placement(instance))
        with_class_resources(isvc, service, instance, catalog)
        with_class_affinity(isvc, service, instance, catalog)
        manifests.append(manifest(instance, isvc, "inference", origin))
    manifests.extend(jobs.render(instance, catalog))
    return manifests


def under_runtime(instance: ProjectInstance, catalog: Catalog, service: Service) -> Service:
    """The service without the environment's default resources its runtime gives itself:
    OME merges the InferenceService's runner over the runtime's, key by key
    (inferenceservice/utils/merging.go, MergeRuntimeContainers), so a default would win."""
    reference = service.runtime
    if service.resources is None or reference is None:
        return service  # an auto-selected runtime is not known here: defaults stay
    if isinstance(reference, InlineRuntime):
        runtime = reference.resources
    else:
        found = find_serving_runtime(instance, catalog, reference)
        engine = found.item.engine if found is not None else None
        runtime = engine.resources if engine is not None else None
    own = own_resources(instance, service.name)
    resources = below_runtime(service.resources, own, runtime)
    if resources is service.resources:
        return service
    return service.model_copy(update={"resources": resources})


def _runtime_ref(name: str, scope: str) -> kinds.RuntimeRef:
    """A runtime reference; the kind only when it is not OME's default (cluster)."""
    reference: kinds.RuntimeRef = {"name": name}
    if scope == "namespace":
        reference["kind"] = "ServingRuntime"
    return reference


def _referenced_runtime(
    instance: ProjectInstance, catalog: Catalog, reference: str | RuntimeRef
) -> kinds.RuntimeRef:
    if isinstance(reference, RuntimeRef):
        return _runtime_ref(reference.ref, reference.scope)
    found = find_serving_runtime(instance, catalog, reference)
    scope = "cluster" if found is None or found.shared else found.item.scope
    return _runtime_ref(reference, scope)


# --------------------------------------------------------------------------- models


def _format(name: str, version: str | None) -> kinds.ModelFormat:
    result: kinds.ModelFormat = {"name": name}
    if version is not None:
        result["version"] = version
    return result


def _identity(model: Model) -> kinds.ModelIdentity:
    identity: kinds.ModelIdentity = {}
    put_given(
        identity,
        {
            "vendor": model.vendor,
            "displayName": model.display_name,
            "version": model.version,
            "disabled": model.disabled,
        },
    )
    if model.capabilities:
        identity["modelCapabilities"] = list(model.capabilities)
    if model.format is not None:
        identity["modelFormat"] = _format(model.format.name, model.format.version)
    if model.framework is not None:
        identity["modelFramework"] = _format(model.framework.name, model.framework.version)
    put_given(
        identity,
        {
            "modelArchitecture": model.architecture,
            "modelParameterSize": model.parameter_size,
            "quantization": model.quantization,
            "maxTokens": model.max_tokens,
        },
    )
    return identity


def base_model(model: Model) -> dict[str, Any]:
    spec: kinds.BaseModelSpec = {
        **_identity(model),
        "storage": storage(model.source, model.storage),
    }
    if model.ome_spec:
        spec.update(model.ome_spec)  # type: ignore[typeddict-item]  # keys checked in the model
    kind = "ClusterBaseModel" if model.scope == "cluster" else "BaseModel"
    return ome_object(kind, model.name, spec, model.metadata)


# --------------------------------------------------------------------------- inference


def placement(instance: ProjectInstance) -> k8s.Placement:
    """The environment's placement for services; the engine has it already (it is a layer
    of the service), decoders, routers, leaders and workers get it from here."""
    defaults = instance.environment.spec.defaults
    services = defaults.services if defaults is not None else None
    if services is None:
        return k8s.NOWHERE
    return k8s.Placement(services.node_selector, services.tolerations)


def inference_service(
    service: Service,
    model: Model,
    runtime: kinds.RuntimeRef | None,
    defaults: k8s.Placed = k8s.NOWHERE,
) -> dict[str, Any]:
    model_ref: kinds.ModelRef = {"name": model.name}
    if model.scope == "namespace":
        model_ref["kind"] = "BaseModel"
    if service.adapters:
        model_ref["fineTunedWeights"] = list(service.adapters)
    spec: kinds.InferenceServiceSpec = {"model": model_ref}
    if runtime is not None:
        spec["runtime"] = runtime
    gpu = service.resources.gpu if service.resources else None
    if gpu is not None and gpu.type is not None:
        spec["acceleratorSelector"] = {"acceleratorClass": gpu.type}
    if engine := component(service, None, of_service=True):
        spec["engine"] = engine
    if service.decoder is not None:
        decoder = component(service.decoder, None, defaults, of_service=True)
        decoder_gpu = service.decoder.resources.gpu if service.decoder.resources else None
        if decoder_gpu is not None and decoder_gpu.type not in (None, gpu.type if gpu else None):
            decoder["acceleratorOverride"] = {"acceleratorClass": decoder_gpu.type}
        spec["decoder"] = decoder
    if service.router is not None:
        # a router with its own image may be the whole container (its runtime has no router
        # to merge into), and Kubernetes needs the container's name
        name = ROUTER_RUNNER_NAME if service.router.image else None
        spec["router"] = router(service.router, name, defaults)
    keda = keda_scaling(service)
    if keda is not None:
        spec["kedaConfig"] = keda.config
        for name in keda.components or ():
            part: dict[str, Any] = spec.setdefault(name, {})  # type: ignore[misc]
            part["annotations"] = {**part.get("annotations", {}), AUTOSCALER_CLASS: "keda"}
    body = ome_object("InferenceService", service.name, spec, service.metadata)
    if keda is not None and keda.components is None:
        body["metadata"]["annotations"] = {
            **body["metadata"].get("annotations", {}),
            AUTOSCALER_CLASS: "keda",
        }
    return body
