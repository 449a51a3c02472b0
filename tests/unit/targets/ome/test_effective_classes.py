"""Which input an accelerator class's values in an effective workload came from
(`manifold.targets.ome.effective_classes`): the class's entry of its platform file, for the
values OME takes from the class and for those manifold writes into the InferenceService
from it (`class_resources`, `class_placement`), unless the project writes that value."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.compile.provenance import Named
from manifold.targets.effective import Fields, InputHint, RenderedObject, Source, Value
from manifold.targets.ome.effective_classes import class_hint, class_source, credited_to_class

AFFINITY: dict[str, Any] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {}}}
H100 = RenderedObject(
    "dev/ml-platform/acceleratorclass-h100.yaml",
    {
        "apiVersion": "ome.io/v1beta1",
        "kind": "AcceleratorClass",
        "metadata": {"name": "h100"},
        "spec": {
            "discovery": {"affinity": AFFINITY},
            "resources": [{"name": "nvidia.com/gpu", "quantity": 8}, {"name": "rdma/hca"}],
        },
    },
)
CLASS = ("acceleratorClasses", Named("h100"))
SERVICE = ("services", Named("s"))
NOTE = "accelerator class h100, which manifold writes in"


def _isvc_value(value: Any, *path: str | int | Named) -> Value:
    hint = InputHint("chat", (*SERVICE, *path))
    return Value(value, Source("InferenceService/s", ("spec", "engine"), hint))


@pytest.mark.parametrize(
    ("field", "found", "instead"),
    [
        pytest.param(
            "limits.nvidia.com/gpu",
            _isvc_value(8, "resources", "gpu", "count"),
            InputHint("ml-platform", (*CLASS, "resources", Named("nvidia.com/gpu"), "quantity")),
            id="a GPU count the class gives: its quantity",
        ),
        pytest.param(
            "requests.rdma/hca",
            _isvc_value(1, "resources", "rdma/hca"),
            InputHint("ml-platform", (*CLASS, "resources", Named("rdma/hca"))),
            id="a resource without a quantity: the entry that names it (the CRD's default, 1)",
        ),
        pytest.param(
            "affinity",
            _isvc_value(AFFINITY, "affinity"),
            InputHint("ml-platform", (*CLASS, "discovery", "affinity")),
            id="the class's affinity",
        ),
        pytest.param(
            "limits.nvidia.com/gpu",
            _isvc_value(4, "resources", "gpu", "count"),
            None,
            id="another value than the class's: the project's",
        ),
        pytest.param(
            "limits.cpu",
            _isvc_value(8, "resources", "cpu"),
            None,
            id="a resource the class does not give",
        ),
        pytest.param(
            "limits.nvidia.com/gpu",
            Value(8, Source("ClusterServingRuntime/rt", ("spec",), InputHint("p", ("x",)))),
            None,
            id="a runtime's value: OME merges it, manifold writes nothing",
        ),
    ],
)
def test_a_value_the_class_gives_alike_is_traced_to_it_where_the_project_lacks_it(
    field: str, found: Value, instead: InputHint | None
) -> None:
    (credited,) = credited_to_class({field: found}, H100).values()
    assert credited.value == found.value
    hint = credited.source.hint
    assert hint is not None and found.source.hint is not None
    assert hint.path == found.source.hint.path  # the project's first, where it holds the value
    if instead is None:
        assert hint.instead is None
        return
    assert hint.instead is not None
    assert (hint.instead.owner, hint.instead.path, hint.instead.platform_path) == (
        instead.owner,
        instead.path,
        instead.path,
    )
    assert hint.instead.note == NOTE


def test_a_leaders_value_is_the_components_before_it_is_the_classs() -> None:
    """manifold folds the component's container and placement into its leader and workers
    (`components.component`): the service's own resources, then the class's."""
    fields: Fields = {
        "limits.nvidia.com/gpu": _isvc_value(8, "leader", "resources", "gpu", "count")
    }
    hint = credited_to_class(fields, H100)["limits.nvidia.com/gpu"].source.hint
    assert hint is not None and hint.instead is not None
    assert hint.instead.path == (*SERVICE, "resources", "gpu", "count")
    assert hint.instead.instead is not None
    assert hint.instead.instead.path == (*CLASS, "resources", Named("nvidia.com/gpu"), "quantity")


def test_what_ome_takes_from_the_class_is_traced_to_its_entry() -> None:
    source = class_source(H100, ("spec", "discovery", "nodeSelector", "pool"))
    assert source.object == "AcceleratorClass/h100"
    assert source.hint == InputHint(
        "ml-platform",
        (*CLASS, "discovery", "nodeSelector", "pool"),
        (*CLASS, "discovery", "nodeSelector", "pool"),
    )
    quantity = class_hint(H100)(("spec", "resources", 0, "quantity"))
    assert quantity.path == (*CLASS, "resources", Named("nvidia.com/gpu"), "quantity")
