"""Runtime definitions -> (Cluster)ServingRuntime and (Cluster)TrainingRuntime specs."""

from __future__ import annotations

from manifold.models.project import InlineRuntime, Model
from manifold.models.runtimes import (
    FormatRequirement,
    ServingRuntime,
    SupportedFormat,
    TrainingRuntime,
    TrainingStep,
)
from manifold.models.workload import Component, Container
from manifold.targets import kubernetes as k8s
from manifold.targets.given import put_given
from manifold.targets.ome import kinds, kinds_jobs
from manifold.targets.ome.components import ROUTER_RUNNER_NAME, RUNNER_NAME, component, router

DEFAULT_PORT = 8080


def _requirement(requirement: FormatRequirement) -> kinds.FormatRequirement:
    result: kinds.FormatRequirement = {"name": requirement.name}
    put_given(
        result,
        {
            "version": requirement.version,
            "operator": requirement.operator,
            "weight": requirement.weight,
        },
    )
    return result


def supported_format(entry: SupportedFormat) -> kinds.SupportedModelFormat:
    result: kinds.SupportedModelFormat = {
        "modelFormat": _requirement(entry.format),
        "modelFramework": _requirement(entry.framework),
    }
    put_given(
        result,
        {
            "modelArchitecture": entry.architecture,
            "quantization": entry.quantization,
            "autoSelect": entry.auto_select,
            "priority": entry.priority,
            "version": entry.version,
        },
    )
    return result


def serving_runtime_spec(runtime: ServingRuntime) -> kinds.ServingRuntimeSpec:
    spec: kinds.ServingRuntimeSpec = {
        "supportedModelFormats": [supported_format(entry) for entry in runtime.supports]
    }
    if runtime.disabled is not None:
        spec["disabled"] = runtime.disabled
    if runtime.model_size_range is not None:
        size = runtime.model_size_range
        spec["modelSizeRange"] = {"min": size.min, "max": size.max}
    if runtime.protocols:
        spec["protocolVersions"] = list(runtime.protocols)
    if runtime.accelerators:
        spec["acceleratorRequirements"] = {"acceleratorClasses": list(runtime.accelerators)}
    if runtime.engine is not None:
        spec["engineConfig"] = component(runtime.engine, RUNNER_NAME)
    if runtime.decoder is not None:
        spec["decoderConfig"] = component(runtime.decoder, RUNNER_NAME)
    if runtime.router is not None:
        spec["routerConfig"] = router(runtime.router, ROUTER_RUNNER_NAME)
    if runtime.ome_spec:
        spec.update(runtime.ome_spec)  # type: ignore[typeddict-item]  # keys checked in the model
    return spec


def inline_supported_format(model: Model) -> SupportedFormat:
    """What an inline runtime serves: exactly the format of the model it was written for
    (checks guarantee the model has a format and a framework)."""
    assert model.format is not None and model.framework is not None
    return SupportedFormat(
        format=FormatRequirement(name=model.format.name, version=model.format.version),
        framework=FormatRequirement(name=model.framework.name, version=model.framework.version),
        architecture=model.architecture,
        quantization=model.quantization,
        auto_select=False,
        priority=1,
    )


def inline_runtime_spec(
    runtime: InlineRuntime, model: Model, accelerator: str | None, service: Component
) -> kinds.ServingRuntimeSpec:
    """A runtime written for one service: it serves that service's model, on the service's
    accelerator class (OME's selector refuses a runtime that does not list the class). For
    a multi-node service its container is the leader's and the workers' (OME builds those
    pods from the merged leader and worker alone: engine.go, reconcilePodSpec and
    reconcileWorkerPodSpec), else the engine's."""
    runner: kinds.Runner = {"name": RUNNER_NAME}
    container = Container.model_construct(
        image=runtime.image,
        command=runtime.command,
        args=runtime.args,
        env=runtime.env,
        resources=runtime.resources,
    )
    k8s.add_container_fields(runner, container)
    runner["ports"] = [
        {"containerPort": runtime.port or DEFAULT_PORT, "name": "http1", "protocol": "TCP"}
    ]
    spec: kinds.ServingRuntimeSpec = {
        "supportedModelFormats": [supported_format(inline_supported_format(model))],
        "protocolVersions": list(runtime.protocols or ["openAI"]),
    }
    if accelerator is not None:
        spec["acceleratorRequirements"] = {"acceleratorClasses": [accelerator]}
    engine: kinds.ComponentSpec = {}
    if service.leader is None:
        engine["runner"] = runner
    else:
        engine["leader"] = {"runner": runner}
    if service.worker is not None:
        engine["worker"] = {"runner": runner}
    spec["engineConfig"] = engine
    return spec


# --------------------------------------------------------------------------- training


def _replicated_job(step: TrainingStep) -> kinds_jobs.ReplicatedJob:
    containers: list[kinds_jobs.NamedContainer] = []
    for container in step.containers:
        named: kinds_jobs.NamedContainer = {"name": container.name}
        k8s.add_container_fields(named, container)
        containers.append(named)
    pod: kinds_jobs.PodSpec = {"containers": containers}
    k8s.add_pod_fields(pod, step)
    job: kinds_jobs.JobSpec = {"template": {"spec": pod}}
    put_given(
        job,
        {
            "parallelism": step.parallelism,
            "completions": step.completions,
            "backoffLimit": step.backoff_limit,
        },
    )
    replicated: kinds_jobs.ReplicatedJob = {"name": step.name, "template": {"spec": job}}
    if step.replicas is not None:
        replicated["replicas"] = step.replicas
    return replicated


def training_runtime_spec(runtime: TrainingRuntime) -> kinds_jobs.TrainingRuntimeSpec:
    spec: kinds_jobs.TrainingRuntimeSpec = {
        "template": {"spec": {"replicatedJobs": [_replicated_job(j) for j in runtime.jobs]}}
    }
    policy: kinds_jobs.MLPolicy = {}
    if runtime.nodes is not None:
        policy["numNodes"] = runtime.nodes
    if runtime.torch is not None:
        torch: kinds_jobs.TorchPolicy = {}
        if runtime.torch.procs_per_node is not None:
            torch["numProcPerNode"] = runtime.torch.procs_per_node
        if (elastic := runtime.torch.elastic) is not None:
            elastic_policy: kinds_jobs.ElasticPolicy = {}
            put_given(
                elastic_policy,
                {
                    "maxRestarts": elastic.max_restarts,
                    "minNodes": elastic.min_nodes,
                    "maxNodes": elastic.max_nodes,
                },
            )
            torch["elasticPolicy"] = elastic_policy
        policy["torch"] = torch
    if policy:
        spec["mlPolicy"] = policy
    if runtime.schedule_timeout_seconds is not None:
        spec["podGroupPolicy"] = {
            "coscheduling": {"scheduleTimeoutSeconds": runtime.schedule_timeout_seconds}
        }
    if runtime.annotations:
        spec["annotations"] = dict(runtime.annotations)
    if runtime.labels:
        spec["labels"] = dict(runtime.labels)
    return spec
