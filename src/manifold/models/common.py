"""Building blocks shared by manifold's input kinds: names, quantities, resources (labels and
annotations are `models.labels`)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic.alias_generators import to_camel

from manifold.core.diagnostics import shown

API_VERSION = "manifold.dev/v1alpha1"


class Strict(BaseModel):
    """Base of every input model: camelCase keys, unknown keys refused, immutable."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=True,
        validate_default=False,
    )


# --------------------------------------------------------------------------- names

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")


def dns_label(value: str) -> str:
    if len(value) > 63:
        raise ValueError(
            f"{shown(value)} is {len(value)} characters long; a DNS-1123 label has at most 63"
        )
    if not _DNS_LABEL.match(value):
        raise ValueError(
            f"{shown(value)} is not a DNS-1123 label: use lower-case letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return value


def _starts_with_letter(value: str) -> str:
    if not value[:1].isalpha():
        raise ValueError(f"{shown(value)} must start with a letter (it becomes a Service name)")
    return value


def dns_subdomain(value: str, limit: int = 63) -> str:  # 253 for a key's prefix, as Kubernetes
    if len(value) > limit:
        raise ValueError(
            f"{shown(value)} is {len(value)} characters long; at most {limit} are allowed"
        )
    if not _DNS_SUBDOMAIN.match(value):
        raise ValueError(
            f"{shown(value)} is not a DNS-1123 subdomain: "
            "use lower-case letters, digits, '-' and '.'"
        )
    return value


DnsLabel = Annotated[
    str,
    AfterValidator(dns_label),
    WithJsonSchema({"type": "string", "maxLength": 63, "pattern": f"^{_DNS_LABEL.pattern[:-2]}$"}),
]
"""Project, environment, team and namespace names."""

ServiceName = Annotated[
    str,
    AfterValidator(dns_label),
    AfterValidator(_starts_with_letter),
    WithJsonSchema({"type": "string", "maxLength": 63, "pattern": "^[a-z]([-a-z0-9]*[a-z0-9])?$"}),
]
"""Services become Kubernetes Services, whose names must start with a letter."""

ResourceName = Annotated[
    str,
    AfterValidator(dns_subdomain),
    WithJsonSchema(
        {"type": "string", "maxLength": 63, "pattern": f"^{_DNS_SUBDOMAIN.pattern[:-2]}$"}
    ),
]
"""Names of objects such as models and runtimes; at most 63 characters so that they are
also valid label values."""

# --------------------------------------------------------------------------- quantities

_QUANTITY = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))?\Z"
)


def _quantity(value: Any) -> Any:
    if isinstance(value, bool | int):
        return value  # an integer stays one (a bool is refused below with a type error)
    if isinstance(value, float):
        value = format(value, "g")
    if isinstance(value, str) and not _QUANTITY.match(value):
        raise ValueError(
            f"{shown(value)} is not a Kubernetes quantity (for example 500m, 2, 1.5, 16Gi, 100M)"
        )
    return value


Quantity = Annotated[
    str | int,
    BeforeValidator(_quantity),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": f"^{_QUANTITY.pattern[:-2]}$"},
                {"type": "number"},
            ],
            "description": "A Kubernetes quantity, for example 500m, 2, 16Gi.",
        }
    ),
]
"""A Kubernetes resource quantity, written out as given: an integer stays an integer (`cpu: 10`),
anything else is its string form (`memory: 16Gi`, `cpu: 0.5` -> "0.5")."""

# --------------------------------------------------------------------------- workloads


INT32_MAX = 2**31 - 1
"""Kubernetes stores replica counts, ports and most other numbers as 32-bit integers."""


class Replicas(Strict):
    min: int = Field(ge=0, le=INT32_MAX, description="Fewest replicas; 0 allows scaling to zero.")
    max: int = Field(ge=1, le=INT32_MAX, description="Most replicas.")

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Replicas:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class ReplicasDefault(Strict):
    """Replicas as an environment default: either bound may come from another layer."""

    min: int | None = Field(
        default=None,
        ge=0,
        description=(
            "Fewest replicas, unless the project or a nearer environment sets it; 0"
            " allows scaling to zero."
        ),
    )
    max: int | None = Field(
        default=None,
        ge=1,
        description="Most replicas, unless the project or a nearer environment sets it.",
    )

    @model_validator(mode="after")
    def _min_not_above_max(self) -> ReplicasDefault:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Gpu(Strict):
    count: int = Field(ge=0, le=INT32_MAX, description="GPU devices per replica.")
    portion: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description=(
            "Fraction of each device a replica gets, for example 0.5 (Run:ai GPU fractions). "
            "Omit for whole devices."
        ),
    )
    memory: Quantity | None = Field(
        default=None,
        description="GPU memory a replica gets on its one device, for example 20Gi (Run:ai).",
    )
    type: str | None = Field(
        default=None,
        description=(
            "Accelerator type the replicas need. OME: the AcceleratorClass to select "
            "(for example nvidia-a100-80gb); Run:ai: one of the platform file's gpuTypes, or "
            "without a platform file the node type."
        ),
    )
    resource: str = Field(
        default="nvidia.com/gpu", description="Extended resource name the devices are requested as."
    )

    @model_validator(mode="after")
    def _one_kind_of_share(self) -> Gpu:
        if self.portion is not None and self.memory is not None:
            raise ValueError("give a GPU portion or GPU memory, not both")
        return self


class GpuDefault(Gpu):
    """A GPU request as an environment default: the count may come from another layer."""

    count: int | None = Field(
        default=None,
        ge=0,
        description=(
            "GPU devices per replica, unless the project or a nearer environment sets it."
        ),
    )  # type: ignore[assignment]


class Resources(Strict):
    """cpu, memory, ephemeralStorage and gpu set both the request and the limit; `requests`
    and `limits` add to or override one side only."""

    cpu: Quantity | None = Field(
        default=None,
        description=(
            "CPU request and limit per container, in cores or millicores (for example 2 or 500m)."
        ),
    )
    memory: Quantity | None = Field(
        default=None, description="Memory request and limit per container, for example 16Gi."
    )
    ephemeral_storage: Quantity | None = Field(
        default=None,
        description=("Local scratch disk request and limit per container, for example 20Gi."),
    )
    gpu: Gpu | None = Field(
        default=None,
        description="GPU devices per replica and the kind of accelerator they must be.",
    )
    requests: dict[str, Quantity] | None = Field(
        default=None, description="Requests without a matching limit, by resource name."
    )
    limits: dict[str, Quantity] | None = Field(
        default=None,
        description="Limits that differ from the requests (by default limits equal requests).",
    )


class ResourcesDefault(Resources):
    gpu: GpuDefault | None = Field(
        default=None,
        description=(
            "GPU request every service gets unless the project or a nearer environment sets it."
        ),
    )


class Toleration(Strict):
    key: str | None = Field(
        default=None,
        description=(
            "Taint key to tolerate, for example nvidia.com/gpu; omit with operator "
            "Exists to tolerate every taint."
        ),
    )
    operator: Literal["Exists", "Equal"] | None = Field(
        default=None,
        description=(
            "Exists (any value) or Equal (the value given in `value`); Kubernetes "
            "defaults to Equal."
        ),
    )
    value: str | None = Field(
        default=None, description="Taint value to match when the operator is Equal."
    )
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = Field(
        default=None,
        description=(
            "Taint effect to tolerate: NoSchedule, PreferNoSchedule or NoExecute; "
            "omit for all effects."
        ),
    )
    toleration_seconds: int | None = Field(
        default=None,
        ge=-(2**63),
        le=2**63 - 1,
        description=(
            "With effect NoExecute: seconds the pod stays on a node after the taint appears."
        ),
    )


Scope = Literal["namespace", "cluster"]
