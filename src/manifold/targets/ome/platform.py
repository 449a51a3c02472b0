"""A platform instance -> OME objects: shared models and runtimes, accelerator classes,
tenancy (Organization, Project, ServiceAccount, User, RateLimit) and capacity
(DedicatedAIClusterProfile, DedicatedAICluster, (Cluster)CapacityReservation)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from manifold.compile.instances import PlatformInstance
from manifold.core.jsonpath import JsonPath
from manifold.core.manifest import Manifest
from manifold.models.capacity import ClusterShape
from manifold.models.labels import ObjectMetadata
from manifold.models.platform import Reference
from manifold.targets import kubernetes as k8s
from manifold.targets.ome import kinds_platform as kinds
from manifold.targets.ome.kinds_jobs import ObjectReference
from manifold.targets.ome.objects import CLUSTER_SCOPED, ome_object
from manifold.targets.ome.option_models import options_of
from manifold.targets.ome.render import base_model
from manifold.targets.ome.runtimes import serving_runtime_spec, training_runtime_spec


def _plain(model: BaseModel) -> Any:
    """A sub-object whose fields are OME's own, as OME writes it."""
    return model.model_dump(by_alias=True, exclude_none=True)


def _reference(reference: Reference) -> ObjectReference:
    if isinstance(reference, str):
        return {"name": reference}
    converted: ObjectReference = {"name": reference.name}
    if reference.namespace is not None:
        converted["namespace"] = reference.namespace
    return converted


def _add_shape(spec: kinds.ClusterShape, shape: ClusterShape) -> None:
    if shape.count is not None:
        spec["count"] = shape.count
    if shape.resources is not None and (requirements := k8s.resource_requirements(shape.resources)):
        spec["resources"] = requirements
    if shape.affinity is not None:
        spec["affinity"] = dict(shape.affinity)
    if shape.node_selector:
        spec["nodeSelector"] = dict(shape.node_selector)
    if shape.tolerations:
        spec["tolerations"] = k8s.tolerations(shape.tolerations)
    if shape.priority_class_name is not None:
        spec["priorityClassName"] = shape.priority_class_name


class _Objects:
    """Collects the platform's objects with where each came from."""

    def __init__(self, platform: PlatformInstance) -> None:
        self.platform = platform
        self.manifests: list[Manifest] = []

    def add(
        self,
        kind: str,
        name: str,
        spec: Any,
        component: str,
        path: JsonPath,
        namespace: str | None = None,
        entry: ObjectMetadata | None = None,
    ) -> None:
        body = ome_object(kind, name, spec, entry)
        namespaced = kind not in CLUSTER_SCOPED
        if namespaced:
            body["metadata"]["namespace"] = namespace or self.platform.namespace
        self.manifests.append(
            Manifest(body, namespaced, self.platform.name, self.platform.sources, component, path)
        )


def render_platform(platform: PlatformInstance) -> list[Manifest]:
    spec = platform.spec
    objects = _Objects(platform)
    for index, model in enumerate(spec.models):
        if not model.external:
            body = base_model(model)
            objects.add(
                body["kind"],
                model.name,
                body["spec"],
                "model",
                ("models", index),
                entry=model.metadata,
            )
    for index, runtime in enumerate(spec.serving_runtimes):
        if not runtime.external:
            objects.add(
                "ClusterServingRuntime",
                runtime.name,
                serving_runtime_spec(runtime),
                "runtime",
                ("servingRuntimes", index),
                entry=runtime.metadata,
            )
    for index, training in enumerate(spec.training_runtimes):
        if not training.external:
            objects.add(
                "ClusterTrainingRuntime",
                training.name,
                training_runtime_spec(training),
                "runtime",
                ("trainingRuntimes", index),
            )
    for index, accelerator in enumerate(spec.accelerator_classes):
        if not accelerator.external:
            body = _plain(accelerator)
            body.pop("name")
            body.pop("external", None)
            body.pop("metadata", None)
            objects.add(
                "AcceleratorClass",
                accelerator.name,
                body,
                "accelerator",
                ("acceleratorClasses", index),
                entry=accelerator.metadata,
            )
    _tenancy(platform, objects)
    _capacity(platform, objects)
    return objects.manifests


def _tenancy(platform: PlatformInstance, objects: _Objects) -> None:
    tenancy = platform.spec.tenancy
    for index, organization in enumerate(tenancy.organizations):
        spec: kinds.OrganizationSpec = {
            "vendor": organization.vendor,
            "organizationId": organization.organization_id,
        }
        if organization.secret_ref is not None:
            spec["secretRef"] = _plain(organization.secret_ref)
        if organization.config:
            spec["config"] = dict(organization.config)
        if organization.disabled is not None:
            spec["disabled"] = organization.disabled
        path: JsonPath = ("tenancy", "organizations", index)
        objects.add("Organization", organization.name, spec, "tenancy", path)
    for index, project in enumerate(tenancy.projects):
        project_spec: kinds.ProjectSpec = {
            "name": project.external_name or project.name,
            "organizationRef": _reference(project.organization),
        }
        if project.description is not None:
            project_spec["description"] = project.description
        if project.config:
            project_spec["config"] = dict(project.config)
        path = ("tenancy", "projects", index)
        objects.add("Project", project.name, project_spec, "tenancy", path)
    for index, user in enumerate(tenancy.users):
        user_spec: kinds.UserSpec = {"email": user.email, "projectRef": _reference(user.project)}
        if user.role is not None:
            user_spec["role"] = user.role
        if user.config:
            user_spec["config"] = dict(user.config)
        path = ("tenancy", "users", index)
        objects.add("User", user.name, user_spec, "tenancy", path, user.namespace)
    for index, account in enumerate(tenancy.service_accounts):
        account_spec: kinds.ServiceAccountSpec = {
            "name": account.external_name or account.name,
            "projectRef": _reference(account.project),
        }
        if account.role is not None:
            account_spec["role"] = account.role
        if account.permissions:
            account_spec["permissions"] = list(account.permissions)
        if account.config:
            account_spec["config"] = dict(account.config)
        path = ("tenancy", "serviceAccounts", index)
        objects.add(
            "ServiceAccount", account.name, account_spec, "tenancy", path, account.namespace
        )
    for index, limit in enumerate(tenancy.rate_limits):
        limit_spec: kinds.RateLimitSpec = {
            "projectRef": _reference(limit.project),
            "targetRef": _reference(limit.target),
            "limits": [_plain(item) for item in limit.limits],
        }
        if limit.config:
            limit_spec["config"] = dict(limit.config)
        path = ("tenancy", "rateLimits", index)
        objects.add("RateLimit", limit.name, limit_spec, "tenancy", path, limit.namespace)


def _capacity(platform: PlatformInstance, objects: _Objects) -> None:
    capacity = platform.spec.capacity
    for index, profile in enumerate(capacity.profiles):
        profile_spec: kinds.DedicatedAIClusterProfileSpec = {}
        _add_shape(profile_spec, profile)
        if profile.disabled is not None:
            profile_spec["disabled"] = profile.disabled
        path: JsonPath = ("capacity", "profiles", index)
        objects.add("DedicatedAIClusterProfile", profile.name, profile_spec, "capacity", path)
    for index, cluster in enumerate(capacity.dedicated_clusters):
        cluster_spec: kinds.DedicatedAIClusterSpec = {}
        _add_shape(cluster_spec, cluster)
        if cluster.profile is not None:
            cluster_spec["profile"] = cluster.profile
        if (ome := options_of(cluster)) is not None:
            if ome.compartment_id is not None:
                cluster_spec["compartmentID"] = ome.compartment_id
            if ome.capacity_reservation_id is not None:
                cluster_spec["capacityReservationId"] = ome.capacity_reservation_id
        path = ("capacity", "dedicatedClusters", index)
        objects.add("DedicatedAICluster", cluster.name, cluster_spec, "capacity", path)
    for index, reservation in enumerate(capacity.reservations):
        reservation_spec: kinds.CapacityReservationSpec = {
            "resourceGroups": [_plain(group) for group in reservation.resource_groups]
        }
        if reservation.cohort is not None:
            reservation_spec["cohort"] = reservation.cohort
        if reservation.allow_borrowing is not None:
            reservation_spec["allowBorrowing"] = reservation.allow_borrowing
        if reservation.preemption is not None:
            reservation_spec["preemptionRule"] = _plain(reservation.preemption)
        if reservation.priority_class_name is not None:
            reservation_spec["priorityClassName"] = reservation.priority_class_name
        reservation_ome = options_of(reservation)
        if reservation_ome is not None and reservation_ome.compartment_id is not None:
            reservation_spec["compartmentID"] = reservation_ome.compartment_id
        kind = (
            "ClusterCapacityReservation"
            if reservation.scope == "cluster"
            else "CapacityReservation"
        )
        path = ("capacity", "reservations", index)
        objects.add(
            kind, reservation.name, reservation_spec, "capacity", path, reservation.namespace
        )
