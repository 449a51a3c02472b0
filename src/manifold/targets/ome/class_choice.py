"""Which accelerator class each component of an InferenceService uses: one rule, read from
the project's service (before rendering) or from the object (as the environment leaves it).

Followed from sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d: a component uses
the class its `acceleratorOverride` names, else the one the service's `acceleratorSelector`
names (pkg/acceleratorclassselector/selector.go:89-102), and a name counts whenever it is
given, even empty, as OME tests the pointer (selector.go:172-204). The router never has one.
manifold renders a service's `resources.gpu.type` as its selector and a decoder's own other
type as the decoder's override (`render.inference_service`), so the two readings agree on
every service it renders (tests/unit/targets/ome/test_class_choice.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from manifold.core.jsonpath import JsonPath
from manifold.models.project import Service
from manifold.models.workload import Component

COMPONENTS = ("engine", "decoder")
"""The components a class applies to."""
QUANTITY_DEFAULT = 1
"""A class's resource without a quantity: the CRD's default (accelerator_class.go:173)."""


def class_quantities(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A class's resources (its spec as OME words it) by name, each quantity as written, or
    the default where it is left out."""
    listed = spec.get("resources")
    return {
        str(item["name"]): item.get("quantity", QUANTITY_DEFAULT)
        for item in (listed if isinstance(listed, list) else [])
        if isinstance(item, dict) and "name" in item
    }


def selected_class(spec: Mapping[str, Any], component: str) -> tuple[JsonPath, str] | None:
    """Where the InferenceService's `spec` names the component's class, and the name; None
    where it names none, and for the router, which never has one."""
    if component not in COMPONENTS:
        return None
    own = spec.get(component)
    override = own.get("acceleratorOverride") if isinstance(own, dict) else None
    if isinstance(override, dict) and isinstance(override.get("acceleratorClass"), str):
        at: JsonPath = ("spec", component, "acceleratorOverride", "acceleratorClass")
        return at, override["acceleratorClass"]
    selector = spec.get("acceleratorSelector")
    if isinstance(selector, dict) and isinstance(selector.get("acceleratorClass"), str):
        return ("spec", "acceleratorSelector", "acceleratorClass"), selector["acceleratorClass"]
    return None


def selected_classes(service: Service) -> Iterator[tuple[str, Component, str]]:
    """Each component of the project's service that will use a class: its name (engine,
    decoder), the component and the class's name (a decoder's own `gpu.type`, else the
    service's)."""
    gpu = service.resources.gpu if service.resources else None
    chosen = gpu.type if gpu is not None else None
    if chosen is not None:
        yield "engine", service, chosen
    decoder = service.decoder
    if decoder is not None:
        own = decoder.resources.gpu if decoder.resources else None
        if (decoder_class := own.type if own is not None else None) or chosen:
            yield "decoder", decoder, str(decoder_class or chosen)


def mapping_at(data: Mapping[str, Any] | None, *keys: str) -> Mapping[str, Any]:
    """The mapping under `keys` in an object's `data` (a class's spec, a component), or an
    empty one where any step is missing or not a mapping: patches may leave any shape."""
    for key in keys:
        value = (data or {}).get(key)
        data = value if isinstance(value, dict) else {}
    return data or {}
