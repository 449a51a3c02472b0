"""A project instance -> OME objects: a (Cluster)BaseModel per model, a (Cluster)ServingRuntime
per inline runtime, and an InferenceService per service."""

from __future__ import annotations

from typing import Any

from manifold.expand import ProjectInstance
from manifold.models.common import Resources
from manifold.models.project import InlineRuntime, Model, Router, RuntimeRef, Service
from manifold.paths import JsonPath
from manifold.targets import kubernetes as k8s
from manifold.targets.base import Manifest
from manifold.targets.ome import kinds

RUNNER_NAME = "ome-container"
DEFAULT_PORT = 8080


def render(instance: ProjectInstance) -> list[Manifest]:
    spec = instance.spec
    models = {model.name: model for model in spec.models}
    manifests = [
        _manifest(instance, _base_model(model), "model", ("models", index))
        for index, model in enumerate(spec.models)
    ]
    for index, service in enumerate(spec.services):
        origin = ("services", index)
        model = models[service.model]
        runtime_ref: kinds.RuntimeRef | None = None
        if isinstance(service.runtime, InlineRuntime):
            runtime = _serving_runtime(service, service.runtime, model)
            manifests.append(_manifest(instance, runtime, "runtime", (*origin, "runtime")))
            runtime_ref = {"name": runtime["metadata"]["name"], "kind": runtime["kind"]}
        elif isinstance(service.runtime, RuntimeRef):
            runtime_ref = {
                "name": service.runtime.ref,
                "kind": _runtime_kind(service.runtime.scope),
            }
        elif isinstance(service.runtime, str):
            runtime_ref = {"name": service.runtime, "kind": "ClusterServingRuntime"}
        isvc = _inference_service(service, model, runtime_ref)
        manifests.append(_manifest(instance, isvc, "inference", origin))
    return manifests


def _manifest(
    instance: ProjectInstance, body: Any, component: str, spec_path: JsonPath
) -> Manifest:
    namespaced = not body["kind"].startswith("Cluster")
    return Manifest(dict(body), namespaced, instance.name, instance.sources, component, spec_path)


def _runtime_kind(scope: str) -> kinds.RuntimeKind:
    return "ClusterServingRuntime" if scope == "cluster" else "ServingRuntime"


# --------------------------------------------------------------------------- models


def _format(name: str, version: str | None) -> kinds.ModelFormat:
    result: kinds.ModelFormat = {"name": name}
    if version is not None:
        result["version"] = version
    return result


def _storage(model: Model) -> kinds.Storage:
    storage: kinds.Storage = {"storageUri": model.source}
    options = model.storage
    if options is None:
        return storage
    if options.path is not None:
        storage["path"] = options.path
    if options.credentials_secret is not None:
        storage["key"] = options.credentials_secret
    if options.parameters:
        storage["parameters"] = dict(options.parameters)
    if options.node_selector:
        storage["nodeSelector"] = dict(options.node_selector)
    if options.download_policy is not None:
        storage["downloadPolicy"] = options.download_policy
    return storage


def _identity(model: Model) -> kinds.ModelIdentity:
    identity: kinds.ModelIdentity = {}
    if model.vendor is not None:
        identity["vendor"] = model.vendor
    if model.display_name is not None:
        identity["displayName"] = model.display_name
    if model.version is not None:
        identity["version"] = model.version
    if model.disabled is not None:
        identity["disabled"] = model.disabled
    if model.capabilities:
        identity["modelCapabilities"] = list(model.capabilities)
    if model.format is not None:
        identity["modelFormat"] = _format(model.format.name, model.format.version)
    if model.framework is not None:
        identity["modelFramework"] = _format(model.framework.name, model.framework.version)
    if model.architecture is not None:
        identity["modelArchitecture"] = model.architecture
    if model.parameter_size is not None:
        identity["modelParameterSize"] = model.parameter_size
    if model.quantization is not None:
        identity["quantization"] = model.quantization
    if model.max_tokens is not None:
        identity["maxTokens"] = model.max_tokens
    return identity


def _base_model(model: Model) -> kinds.BaseModel | kinds.ClusterBaseModel:
    spec: kinds.BaseModelSpec = {**_identity(model), "storage": _storage(model)}
    metadata: k8s.ObjectMeta = {"name": model.name}
    if model.scope == "cluster":
        cluster: kinds.ClusterBaseModel = {
            "apiVersion": kinds.API_VERSION,
            "kind": "ClusterBaseModel",
            "metadata": metadata,
            "spec": spec,
        }
        return cluster
    namespaced: kinds.BaseModel = {
        "apiVersion": kinds.API_VERSION,
        "kind": "BaseModel",
        "metadata": metadata,
        "spec": spec,
    }
    return namespaced


# --------------------------------------------------------------------------- runtimes


def _runner(
    image: str | None,
    command: list[str] | None,
    args: list[str] | None,
    env: list[Any] | None,
    resources: Resources | None,
) -> kinds.Runner:
    runner: kinds.Runner = {}
    if image is not None:
        runner["image"] = image
    if command:
        runner["command"] = list(command)
    if args:
        runner["args"] = list(args)
    if env:
        runner["env"] = k8s.env_vars(env)
    if resources is not None and (requirements := k8s.resource_requirements(resources)):
        runner["resources"] = requirements
    return runner


def _serving_runtime(
    service: Service, runtime: InlineRuntime, model: Model
) -> kinds.ServingRuntime | kinds.ClusterServingRuntime:
    # A runtime serves the formats of the model it was written for; checks guarantee both.
    assert model.format is not None and model.framework is not None
    supported: kinds.SupportedModelFormat = {
        "modelFormat": _format(model.format.name, model.format.version),
        "modelFramework": _format(model.framework.name, model.framework.version),
    }
    if model.architecture is not None:
        supported["modelArchitecture"] = model.architecture
    if model.quantization is not None:
        supported["quantization"] = model.quantization
    supported["autoSelect"] = False
    supported["priority"] = 1

    runner: kinds.Runner = {
        "name": RUNNER_NAME,
        **_runner(runtime.image, runtime.command, runtime.args, runtime.env, runtime.resources),
    }
    runner["ports"] = [
        {"containerPort": runtime.port or DEFAULT_PORT, "name": "http1", "protocol": "TCP"}
    ]
    spec: kinds.ServingRuntimeSpec = {
        "supportedModelFormats": [supported],
        "protocolVersions": list(runtime.protocols or ["openAI"]),
        "engineConfig": {"runner": runner},
    }
    metadata: k8s.ObjectMeta = {"name": runtime.name or service.name}
    if runtime.scope == "cluster":
        cluster: kinds.ClusterServingRuntime = {
            "apiVersion": kinds.API_VERSION,
            "kind": "ClusterServingRuntime",
            "metadata": metadata,
            "spec": spec,
        }
        return cluster
    namespaced: kinds.ServingRuntime = {
        "apiVersion": kinds.API_VERSION,
        "kind": "ServingRuntime",
        "metadata": metadata,
        "spec": spec,
    }
    return namespaced


# --------------------------------------------------------------------------- inference


def _engine(service: Service) -> kinds.EngineSpec:
    engine: kinds.EngineSpec = {}
    if service.replicas is not None:
        engine["minReplicas"] = service.replicas.min
        engine["maxReplicas"] = service.replicas.max
    if service.autoscaling is not None:
        engine["scaleMetric"] = service.autoscaling.metric
        engine["scaleTarget"] = service.autoscaling.target
    runner = _runner(service.image, service.command, service.args, service.env, service.resources)
    if runner:
        engine["runner"] = runner
    if service.node_selector:
        engine["nodeSelector"] = dict(service.node_selector)
    if service.tolerations:
        engine["tolerations"] = k8s.tolerations(service.tolerations)
    return engine


def _router(router: Router) -> kinds.RouterSpec:
    spec: kinds.RouterSpec = {}
    if router.replicas is not None:
        spec["minReplicas"] = router.replicas.min
        spec["maxReplicas"] = router.replicas.max
    runner = _runner(router.image, None, router.args, None, router.resources)
    if runner:
        spec["runner"] = runner
    return spec


def _inference_service(
    service: Service, model: Model, runtime: kinds.RuntimeRef | None
) -> kinds.InferenceService:
    spec: kinds.InferenceServiceSpec = {
        "model": {
            "name": model.name,
            "kind": "ClusterBaseModel" if model.scope == "cluster" else "BaseModel",
        }
    }
    if runtime is not None:
        spec["runtime"] = runtime
    gpu = service.resources.gpu if service.resources else None
    if gpu is not None and gpu.type is not None:
        spec["acceleratorSelector"] = {"acceleratorClass": gpu.type}
    if engine := _engine(service):
        spec["engine"] = engine
    if service.router is not None:
        spec["router"] = _router(service.router)
    return {
        "apiVersion": kinds.API_VERSION,
        "kind": "InferenceService",
        "metadata": {"name": service.name},
        "spec": spec,
    }
