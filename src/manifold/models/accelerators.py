"""Accelerator classes a platform file declares: the kinds of GPU its cluster has.

Kept apart from the rest of `Platform` because an accelerator class is a datasheet (memory,
throughput, cost, how its nodes are found) that only OME renders (AcceleratorClass), while
services everywhere name one in `resources.gpu.type`.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import Field

from manifold.models.common import Quantity, ResourceName, Strict
from manifold.models.labels import ObjectMetadata, entry_metadata
from manifold.models.workload import KubernetesObject


class AcceleratorDiscovery(Strict):
    node_selector: dict[str, str] | None = Field(
        default=None,
        description="Node labels that find its nodes, for example nvidia.com/gpu.product.",
    )
    affinity: KubernetesObject | None = Field(
        default=None,
        description=("Kubernetes node affinity that finds its nodes, passed through unchanged."),
    )
    device_ids: list[str] | None = Field(
        default=None,
        alias="deviceIDs",
        description="PCI device ids of the accelerator (OME deviceIDs).",
    )
    pci_vendor_id: str | None = Field(
        default=None,
        alias="pciVendorID",
        description="PCI vendor id, for example 10de for NVIDIA (OME pciVendorID).",
    )


class AcceleratorLatency(Strict):
    average_millis: int | None = Field(default=None, description="Average latency in milliseconds.")
    maximum_millis: int | None = Field(default=None, description="Worst latency in milliseconds.")


class AcceleratorPerformance(Strict):
    fp16_tflops: int | None = Field(
        default=None, alias="fp16Tflops", description="FP16 throughput in TFLOPS."
    )
    fp32_tflops: int | None = Field(
        default=None, alias="fp32Tflops", description="FP32 throughput in TFLOPS."
    )
    int4_tops: int | None = Field(
        default=None, alias="int4Tops", description="INT4 throughput in TOPS."
    )
    int8_tops: int | None = Field(
        default=None, alias="int8Tops", description="INT8 throughput in TOPS."
    )
    latency: AcceleratorLatency | None = Field(
        default=None, description="Typical and worst latency of the device."
    )


class AcceleratorCapabilities(Strict):
    memory_gb: Quantity | None = Field(
        default=None, alias="memoryGB", description="Device memory as a quantity, for example 80Gi."
    )
    memory_bandwidth_gbps: Quantity | None = Field(
        default=None,
        alias="memoryBandwidthGBps",
        description="Memory bandwidth in GB/s, for example 2039.",
    )
    compute_capability: str | None = Field(
        default=None,
        description="NVIDIA compute capability, for example 8.0 for A100 or 9.0 for H100.",
    )
    clock_speed_mhz: int | None = Field(
        default=None, alias="clockSpeedMHz", description="Core clock speed in MHz."
    )
    features: list[str] | None = Field(
        default=None, description="Features it supports, for example tensor-cores, fp8 or nvlink."
    )
    level_zero_version: str | None = Field(
        default=None, description="Intel Level Zero version, for Intel accelerators."
    )
    performance: AcceleratorPerformance | None = Field(
        default=None, description="Throughput and latency figures used to rank accelerators."
    )


class AcceleratorResource(Strict):
    name: str = Field(min_length=1, description="Extended resource, for example nvidia.com/gpu.")
    quantity: Quantity | None = Field(
        default=None,
        description=(
            "How many of it each pod of an engine or decoder on the class gets, as both "
            "request and limit, unless the service sets it itself (default 1), for example 8."
        ),
    )
    divisible: bool | None = Field(
        default=None, description="Whether a workload may take a fraction of a device."
    )


class AcceleratorCost(Strict):
    per_hour: Quantity | None = Field(default=None, description="On-demand price per device hour.")
    spot_per_hour: Quantity | None = Field(
        default=None, description="Spot or preemptible price per device hour."
    )
    per_million_tokens: Quantity | None = Field(
        default=None, description="Price per million tokens served."
    )
    tier: str | None = Field(
        default=None, description="Cost tier name, for example low, medium or high."
    )


class AcceleratorIntegration(Strict):
    kueue_resource_flavor: str | None = Field(
        default=None, description="Kueue ResourceFlavor that stands for these nodes."
    )
    volcano_gpu_type: str | None = Field(
        default=None, alias="volcanoGPUType", description="Volcano GPU type name of these devices."
    )


class AcceleratorClass(Strict):
    """A kind of accelerator, named by services' `resources.gpu.type`."""

    name: ResourceName = Field(
        description=(
            "Class name; services select it with `resources.gpu.type` (OME AcceleratorClass)."
        )
    )
    external: bool = Field(
        default=False, description="Installed by other means: checked against, not rendered."
    )
    vendor: str | None = Field(
        default=None, description="Maker of the device, for example nvidia, amd or intel."
    )
    family: str | None = Field(
        default=None, description="Product family, for example ampere or hopper."
    )
    model: str | None = Field(default=None, description="Device model, for example a100-sxm4-80gb.")
    discovery: AcceleratorDiscovery | None = Field(
        default=None, description="How its nodes are found (required unless external)."
    )
    capabilities: AcceleratorCapabilities | None = Field(
        default=None, description="What it can do (required unless external)."
    )
    resources: list[AcceleratorResource] | None = Field(
        default=None,
        description=("Extended resources a node of this class offers, for example nvidia.com/gpu."),
    )
    cost: AcceleratorCost | None = Field(
        default=None,
        description=("What an hour or a million tokens on it costs, for cost-aware selection."),
    )
    integration: AcceleratorIntegration | None = Field(
        default=None, description="Names of the same accelerator in schedulers (Kueue, Volcano)."
    )
    metadata: ObjectMetadata | None = entry_metadata("AcceleratorClass")

    @functools.cached_property
    def spec_data(self) -> dict[str, Any]:
        """The class as a spec's data: its fields by their camelCase names (OME's), those
        unset left out. Made once per class: every service on it asks for it up to four
        times (its resources, the warnings, its affinity, its node labels), and the dump was
        2.5% of a cold check's CPU at N = 1,000 x 3. Shared: read it, and copy what you
        write into an object. (A cached property is no field: equality and dumps ignore it.)"""
        return dict(self.model_dump(by_alias=True, exclude_none=True))
