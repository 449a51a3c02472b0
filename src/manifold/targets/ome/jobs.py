"""A project's fine-tunes, benchmarks, replications and pipelines -> OME objects:
TrainingJob and FineTunedWeight, BenchmarkJob, ReplicationJob, InferenceGraph."""

from __future__ import annotations

from typing import Any

from manifold.compile.catalog import Catalog, find_model, find_training_runtime
from manifold.compile.instances import ProjectInstance
from manifold.core.manifest import Manifest
from manifold.models.benchmarks import Benchmark, ServiceTarget
from manifold.models.lifecycle import Dataset, FineTune, Replication, Training
from manifold.models.pipelines import Pipeline
from manifold.models.storage import StorageLocation
from manifold.targets import kubernetes as k8s
from manifold.targets.given import put_given
from manifold.targets.ome import kinds_jobs as kinds
from manifold.targets.ome.kinds import Storage as OmeStorage
from manifold.targets.ome.objects import job_storage, manifest, ome_object, storage
from manifold.targets.ome.option_models import HyperParameterTuning, options_of

TRAINING_JOB_PREFIX = "ft-"
"""OME's webhook admits only TrainingJobs whose name starts with this."""


def training_job_name(fine_tune: str) -> str:
    return (
        fine_tune if fine_tune.startswith(TRAINING_JOB_PREFIX) else TRAINING_JOB_PREFIX + fine_tune
    )


def render(instance: ProjectInstance, catalog: Catalog) -> list[Manifest]:
    spec = instance.spec
    datasets = {dataset.name: dataset for dataset in spec.datasets}
    manifests: list[Manifest] = []
    for index, fine_tune in enumerate(spec.fine_tunes):
        at = ("fineTunes", index)
        if fine_tune.training is not None:
            body = ome_object(
                "TrainingJob",
                training_job_name(fine_tune.name),
                _training_job(instance, catalog, fine_tune, fine_tune.training, datasets),
            )
            manifests.append(manifest(instance, body, "training", (*at, "training")))
        if fine_tune.source is not None:
            weights = fine_tuned_weight_spec(instance, catalog, fine_tune, fine_tune.source)
            body = ome_object("FineTunedWeight", fine_tune.name, weights, fine_tune.metadata)
            manifests.append(manifest(instance, body, "weights", at))
    for index, benchmark in enumerate(spec.benchmarks):
        job = benchmark_spec(catalog, instance, benchmark, datasets)
        body = ome_object("BenchmarkJob", benchmark.name, job, benchmark.metadata)
        manifests.append(manifest(instance, body, "benchmark", ("benchmarks", index)))
    for index, replication in enumerate(spec.replications):
        body = ome_object("ReplicationJob", replication.name, _replication(replication))
        manifests.append(manifest(instance, body, "replication", ("replications", index)))
    for index, pipeline in enumerate(spec.pipelines):
        body = ome_object("InferenceGraph", pipeline.name, _graph(pipeline))
        manifests.append(manifest(instance, body, "pipeline", ("pipelines", index)))
    return manifests


# --------------------------------------------------------------------------- fine-tunes


def _model_reference(
    instance: ProjectInstance, catalog: Catalog, name: str
) -> kinds.ObjectReference:
    """A base model as a cluster-scoped object refers to it: with its namespace when it is a
    BaseModel."""
    found = find_model(instance, catalog, name)
    reference: kinds.ObjectReference = {"name": name}
    if found is not None and found.item.scope == "namespace":
        reference["namespace"] = instance.namespace
    return reference


def fine_tuned_weight_spec(
    instance: ProjectInstance,
    catalog: Catalog,
    fine_tune: FineTune,
    source: str,
) -> kinds.FineTunedWeightSpec:
    assert fine_tune.type is not None  # the model requires a type with a source
    spec: kinds.FineTunedWeightSpec = {
        "baseModelRef": _model_reference(instance, catalog, fine_tune.base_model),
        "modelType": fine_tune.type,
        "hyperParameters": dict(fine_tune.hyper_parameters or {}),
        "storage": storage(source, fine_tune.storage),
    }
    if fine_tune.configuration is not None:
        spec["configuration"] = dict(fine_tune.configuration)
    ome = options_of(fine_tune)
    if fine_tune.training is not None:
        spec["trainingJobRef"] = {
            "name": training_job_name(fine_tune.name),
            "namespace": instance.namespace,
        }
    elif ome is not None and ome.training_job_ref is not None:
        reference: kinds.ObjectReference = {"name": ome.training_job_ref.name}
        if ome.training_job_ref.namespace is not None:
            reference["namespace"] = ome.training_job_ref.namespace
        spec["trainingJobRef"] = reference
    put_given(
        spec,
        {
            "displayName": fine_tune.display_name,
            "version": fine_tune.version,
            "vendor": fine_tune.vendor,
            "disabled": fine_tune.disabled,
        },
    )
    if ome is not None and ome.compartment_id is not None:
        spec["compartmentID"] = ome.compartment_id
    return spec


def _trainer(training: Training) -> kinds.Trainer:
    trainer: kinds.Trainer = {}
    if training.image is not None:
        trainer["image"] = training.image
    if training.command:
        trainer["command"] = list(training.command)
    if training.args:
        trainer["args"] = list(training.args)
    if training.env:
        trainer["env"] = k8s.env_vars(training.env)
    if training.nodes is not None:
        trainer["numNodes"] = training.nodes
    if training.procs_per_node is not None:
        trainer["numProcPerNode"] = training.procs_per_node
    if training.resources is not None and (
        requirements := k8s.resource_requirements(training.resources)
    ):
        trainer["resourcesPerNode"] = requirements
    return trainer


def _training_job(
    instance: ProjectInstance,
    catalog: Catalog,
    fine_tune: FineTune,
    training: Training,
    datasets: dict[str, Dataset],
) -> kinds.TrainingJobSpec:
    assert fine_tune.dataset is not None  # the model requires a dataset with training
    dataset = datasets[fine_tune.dataset]
    reference = training.runtime
    assert reference is not None and dataset.source is not None  # checked before rendering
    runtime_ref: kinds.TrainingRuntimeRef = {
        "name": reference if isinstance(reference, str) else reference.ref
    }
    found = find_training_runtime(instance, catalog, reference)
    if found is not None and not found.shared:
        namespaced = getattr(found.item, "scope", "cluster") == "namespace"
    else:
        namespaced = not isinstance(reference, str) and reference.scope == "namespace"
    if namespaced:
        runtime_ref["kind"] = "TrainingRuntime"
    model_config: kinds.ModelConfig = {"inputModel": fine_tune.base_model}
    if fine_tune.source is not None:
        model_config["outputModel"] = job_storage(fine_tune.source, fine_tune.storage)
    spec: kinds.TrainingJobSpec = {
        "runtimeRef": runtime_ref,
        "trainer": _trainer(training),
        "modelConfig": model_config,
        "datasets": job_storage(dataset.source, dataset.storage),
    }
    ome = options_of(training)
    tuning = ome.hyper_parameter_tuning if ome is not None else None
    if (config := _tuning_config(fine_tune.hyper_parameters, tuning)) is not None:
        spec["hyperParameterTuningConfig"] = config
    if training.suspend is not None:
        spec["suspend"] = training.suspend
    if training.annotations:
        spec["annotations"] = dict(training.annotations)
    if training.labels:
        spec["labels"] = dict(training.labels)
    if ome is not None and ome.compartment_id is not None:
        spec["compartmentID"] = ome.compartment_id
    return spec


FIXED_VALUES_METRIC: kinds.TuningMetric = {"name": "hyperparameter-metric", "goal": "maximize"}
"""The metric OME's own TrainingJob sample names when its parameters are fixed values."""


def _tuning_config(
    fixed: dict[str, Any] | None, tuning: HyperParameterTuning | None
) -> kinds.HyperParameterTuningConfig | None:
    """A fine-tune's hyperparameters as the TrainingJob carries them: its CRD has no field
    for them but `hyperParameterTuningConfig.parameters`, which is required with a method
    and a metric. Fixed values alone become a grid of one point (one trial); with a tuning
    config, the fixed values are the base under its search space."""
    if tuning is None:
        if not fixed:
            return None
        return {
            "method": "grid",
            "metric": {"name": FIXED_VALUES_METRIC["name"], "goal": FIXED_VALUES_METRIC["goal"]},
            "parameters": dict(fixed),
            "maxTrials": 1,
        }
    config: kinds.HyperParameterTuningConfig = {
        "method": tuning.method,
        "metric": {"name": tuning.metric.name, "goal": tuning.metric.goal},
        "parameters": {**(fixed or {}), **tuning.parameters},
    }
    if tuning.max_trials is not None:
        config["maxTrials"] = tuning.max_trials
    return config


# --------------------------------------------------------------------------- benchmarks


def _location(location: StorageLocation) -> OmeStorage:
    return storage(location.uri, location)


def benchmark_spec(
    catalog: Catalog,
    instance: ProjectInstance,
    benchmark: Benchmark,
    datasets: dict[str, Dataset],
) -> kinds.BenchmarkJobSpec:
    target = benchmark.target
    endpoint: kinds.Endpoint = {}
    if isinstance(target, ServiceTarget):
        project = catalog.project(target.project or instance.name)
        assert project is not None, "checked: a benchmark's target project is rendered here"
        endpoint["inferenceService"] = {"name": target.service, "namespace": project.namespace}
    else:
        url: kinds.UrlEndpoint = {"url": target.url, "apiFormat": target.api_format}
        if target.model_name is not None:
            url["modelName"] = target.model_name
        endpoint["endpoint"] = url
    spec: kinds.BenchmarkJobSpec = {
        "endpoint": endpoint,
        "task": benchmark.task,
        "maxTimePerIteration": benchmark.max_time_per_iteration,
        "maxRequestsPerIteration": benchmark.max_requests_per_iteration,
        "outputLocation": _location(benchmark.output),
    }
    if benchmark.traffic_scenarios:
        spec["trafficScenarios"] = list(benchmark.traffic_scenarios)
    if benchmark.concurrency:
        spec["numConcurrency"] = list(benchmark.concurrency)
    if benchmark.request_params:
        spec["additionalRequestParams"] = dict(benchmark.request_params)
    if benchmark.dataset is not None:
        dataset = datasets[benchmark.dataset]
        assert dataset.source is not None  # checked before rendering
        spec["dataset"] = storage(dataset.source, dataset.storage)
    if override := _pod_override(benchmark):
        spec["podOverride"] = override
    ome = options_of(benchmark)
    if ome is not None:
        if ome.hugging_face_secret is not None:
            spec["huggingFaceSecretReference"] = {"name": ome.hugging_face_secret}
        if (metadata := ome.service_metadata) is not None:
            spec["serviceMetadata"] = {
                "engine": metadata.engine,
                "version": metadata.version,
                "gpuType": metadata.gpu_type,
                "gpuCount": metadata.gpu_count,
            }
        if ome.result_folder_name is not None:
            spec["resultFolderName"] = ome.result_folder_name
    return spec


def _pod_override(benchmark: Benchmark) -> kinds.PodOverride:
    override: kinds.PodOverride = {}
    if benchmark.image is not None:
        override["image"] = benchmark.image
    if benchmark.env:
        override["env"] = k8s.env_vars(benchmark.env)
    if benchmark.resources is not None and (
        requirements := k8s.resource_requirements(benchmark.resources)
    ):
        override["resources"] = requirements
    k8s.add_placement(override, benchmark)
    if benchmark.volumes:
        override["volumes"] = [dict(volume) for volume in benchmark.volumes]
    if benchmark.volume_mounts:
        override["volumeMounts"] = [k8s.volume_mount(m) for m in benchmark.volume_mounts]
    return override


# --------------------------------------------------------------------------- others


def _replication(replication: Replication) -> kinds.ReplicationJobSpec:
    spec: kinds.ReplicationJobSpec = {
        "source": job_storage(replication.source.uri, replication.source),
        "destination": job_storage(replication.destination.uri, replication.destination),
    }
    ome = options_of(replication)
    if ome is not None and ome.compartment_id is not None:
        spec["compartmentID"] = ome.compartment_id
    return spec


def _graph(pipeline: Pipeline) -> kinds.InferenceGraphSpec:
    nodes: dict[str, kinds.GraphNode] = {}
    for name, node in pipeline.nodes.items():
        steps: list[kinds.GraphStep] = []
        for step in node.steps:
            converted: kinds.GraphStep = {"name": step.name}
            put_given(
                converted,
                {
                    "serviceName": step.service,
                    "serviceUrl": step.url,
                    "nodeName": step.node,
                    "condition": step.condition,
                    "data": step.data,
                    "dependency": step.dependency,
                    "weight": step.weight,
                },
            )
            steps.append(converted)
        nodes[name] = {"routerType": node.router, "steps": steps}
    spec: kinds.InferenceGraphSpec = {"nodes": nodes}
    if pipeline.replicas is not None:
        spec["minReplicas"] = pipeline.replicas.min
        spec["maxReplicas"] = pipeline.replicas.max
    if pipeline.autoscaling is not None:
        spec["scaleMetric"] = pipeline.autoscaling.metric
        spec["scaleTarget"] = pipeline.autoscaling.target
    if pipeline.timeout is not None:
        spec["timeout"] = pipeline.timeout
    if pipeline.resources is not None and (
        requirements := k8s.resource_requirements(pipeline.resources)
    ):
        spec["resources"] = requirements
    k8s.add_placement(spec, pipeline)
    if pipeline.service_account_name is not None:
        spec["serviceAccountName"] = pipeline.service_account_name
    return spec
