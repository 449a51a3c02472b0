"""Conversions every Kubernetes target shares (manifold.targets.kubernetes)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.models.common import Resources, Toleration
from manifold.models.workload import Container
from manifold.targets.kubernetes import (
    ContainerFields,
    Placement,
    PlacementFields,
    add_container_fields,
    add_placement,
    quantity,
    resource_requirements,
)


def _resources(data: dict[str, object]) -> Resources:
    return Resources.model_validate(data)


def test_shorthands_are_requested_and_limited_keeping_their_types() -> None:
    result = resource_requirements(_resources({"cpu": 10, "memory": "30Gi", "gpu": {"count": 1}}))
    expected = {"cpu": 10, "memory": "30Gi", "nvidia.com/gpu": 1}
    assert result == {"requests": expected, "limits": expected}


def test_requests_and_limits_add_to_one_side() -> None:
    result = resource_requirements(
        _resources(
            {
                "requests": {"cpu": "16", "memory": "500G", "nvidia.com/gpu": "8"},
                "limits": {"nvidia.com/gpu": "8"},
            }
        )
    )
    assert result == {
        "requests": {"cpu": "16", "memory": "500G", "nvidia.com/gpu": "8"},
        "limits": {"nvidia.com/gpu": "8"},
    }


def test_limits_override_a_shorthand() -> None:
    result = resource_requirements(_resources({"cpu": "2", "limits": {"cpu": "4"}}))
    assert result == {"requests": {"cpu": "2"}, "limits": {"cpu": "4"}}


def test_a_float_quantity_becomes_its_string() -> None:
    assert resource_requirements(_resources({"cpu": 0.5})) == {
        "requests": {"cpu": "0.5"},
        "limits": {"cpu": "0.5"},
    }


def test_container_fields_in_kubernetes_terms() -> None:
    container = Container.model_validate(
        {
            "image": "vllm:1",
            "env": [{"name": "NODE_IP", "field": "status.hostIP"}],
            "ports": [{"containerPort": 8080, "name": "http1"}],
            "volumeMounts": [{"name": "dshm", "mountPath": "/dev/shm"}],
            "readinessProbe": {"httpGet": {"path": "/health", "port": 8080}},
        }
    )
    fields: ContainerFields = {}
    add_container_fields(fields, container)
    assert fields == {
        "image": "vllm:1",
        "env": [{"name": "NODE_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}}],
        "ports": [{"containerPort": 8080, "name": "http1"}],
        "volumeMounts": [{"name": "dshm", "mountPath": "/dev/shm"}],
        "readinessProbe": {"httpGet": {"path": "/health", "port": 8080}},
    }


GPU_TOLERATION = Toleration.model_validate({"key": "nvidia.com/gpu", "operator": "Exists"})
ENVIRONMENT = Placement({"pool": "gpu"}, [GPU_TOLERATION], None)

PLACEMENTS: list[tuple[str, Placement, PlacementFields]] = [
    (
        "nothing of its own: the environment's",
        Placement(),
        {
            "nodeSelector": {"pool": "gpu"},
            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists"}],
        },
    ),
    (
        "its own selector wins key by key",
        Placement({"pool": "h100", "zone": "a"}),
        {
            "nodeSelector": {"pool": "h100", "zone": "a"},
            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists"}],
        },
    ),
    (
        "its own tolerations and affinity replace",
        Placement(None, [Toleration.model_validate({"key": "spot"})], {"podAffinity": {}}),
        {
            "nodeSelector": {"pool": "gpu"},
            "tolerations": [{"key": "spot"}],
            "affinity": {"podAffinity": {}},
        },
    ),
]


@pytest.mark.parametrize(
    ("own", "expected"), [p[1:] for p in PLACEMENTS], ids=[p[0] for p in PLACEMENTS]
)
def test_placement_under_environment_defaults(own: Placement, expected: PlacementFields) -> None:
    fields: PlacementFields = {}
    add_placement(fields, own, ENVIRONMENT)
    assert fields == expected


def test_placement_without_defaults_sets_nothing_unasked() -> None:
    fields: PlacementFields = {}
    add_placement(fields, Placement())
    assert fields == {}


# --------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("500m", Decimal("0.5")),
        ("2", Decimal(2)),
        (3, Decimal(3)),
        ("1.5", Decimal("1.5")),
        ("2Gi", Decimal(2 * 2**30)),
        ("100M", Decimal(100_000_000)),
        ("1e3", Decimal(1000)),
        ("1Ei", Decimal(2**60)),
        ("lots", None),
    ],
)
def test_quantities(written: str | int, value: Decimal | None) -> None:
    assert quantity(written) == value


@given(st.integers(min_value=0, max_value=2**20), st.sampled_from(["Ki", "Mi", "Gi", "Ti"]))
def test_binary_suffixes_are_powers_of_two(count: int, suffix: str) -> None:
    power = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40}[suffix]
    assert quantity(f"{count}{suffix}") == count * 2**power
