"""A service's router must have something to run.

OME builds the router's pod from the runtime's `routerConfig` with the InferenceService's
`router` merged over it (sgl-project/ome at 17b77edad23bae262e0c9adb7f12039397a5d33d:
pkg/controller/v1beta1/inferenceservice/utils/reconciliation.go, `MergeRuntimeSpecs`, and
utils/merging.go, `MergeRouterSpec`); components/router.go then hands the merged runner to
the common pod spec reconciler, which fails with no runner and no containers
(reconcilers/common/podspec_reconciler.go:153-160). A runner without an image gives a pod
Kubernetes cannot start. So a router is complete only when its own image or its runtime's
router image says what to run.
"""

from __future__ import annotations

from collections.abc import Iterator

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.project import InlineRuntime, Service
from manifold.models.runtimes import ServingRuntime

HINT = (
    "give the service's router an image (router: {image: ...}), or use a runtime whose "
    "router has one"
)


def router_problems(
    service: Service, at: JsonPath, runtime: ServingRuntime | InlineRuntime | None
) -> Iterator[Problem]:
    """The service's router when neither it nor its runtime gives it an image; `runtime` is
    the one OME will use, or None when manifold does not know it (then nothing is said)."""
    router = service.router
    if router is None or router.image or runtime is None:
        return
    if isinstance(runtime, InlineRuntime):
        name = runtime.name or service.name
        why = f"its inline runtime {name!r} has no router configuration"
    elif runtime.router is None:
        why = f"its runtime {runtime.name!r} has no router configuration"
    elif runtime.router.image:
        return
    else:
        why = f"the router of its runtime {runtime.name!r} has no image either"
    yield Problem(
        (*at, "router"),
        f"the router of service {service.name!r} has no image and {why}: OME cannot build "
        "a router pod with nothing to run",
        hint=HINT,
    )
