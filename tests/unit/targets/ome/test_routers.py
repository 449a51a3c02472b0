"""A service's router must have something to run (manifold.targets.ome.routers): its own
image, or its runtime's router image (OME merges the service's router over the runtime's
routerConfig; podspec_reconciler.go:153-160 at 17b77edad23bae262e0c9adb7f12039397a5d33d
fails a router with neither runner nor containers)."""

from __future__ import annotations

from typing import Any

import pytest

from manifold.models.project import InlineRuntime, Service
from manifold.models.runtimes import ServingRuntime
from manifold.targets.ome.routers import router_problems

GATEWAY = "docker.io/lmsysorg/sgl-model-gateway:v0.2.4"
SUPPORTS = [{"format": {"name": "safetensors"}, "framework": {"name": "transformers"}}]


def _service(router: dict[str, Any] | None) -> Service:
    data: dict[str, Any] = {"name": "chat", "model": "llama"}
    if router is not None:
        data["router"] = router
    return Service.model_validate(data)


def _runtime(router: dict[str, Any] | None) -> ServingRuntime:
    data: dict[str, Any] = {"name": "rt", "supports": SUPPORTS, "engine": {"image": "e:1"}}
    if router is not None:
        data["router"] = router
    return ServingRuntime.model_validate(data)


INLINE = InlineRuntime.model_validate({"image": "e:1"})
REPLICAS = {"replicas": {"min": 1, "max": 1}}

ROWS = [
    # (service's router, runtime OME uses (None: unknown), expected message part or None)
    pytest.param(None, _runtime(None), None, id="no-router"),
    pytest.param({"image": GATEWAY}, _runtime(None), None, id="own-image"),
    pytest.param(REPLICAS, None, None, id="runtime-unknown"),
    pytest.param(REPLICAS, _runtime({"image": GATEWAY}), None, id="runtime-router-image"),
    pytest.param(
        REPLICAS, _runtime(None), "its runtime 'rt' has no router configuration", id="no-config"
    ),
    pytest.param(
        REPLICAS,
        _runtime({"args": ["--policy=random"]}),
        "the router of its runtime 'rt' has no image either",
        id="config-without-image",
    ),
    pytest.param(
        REPLICAS, INLINE, "its inline runtime 'chat' has no router configuration", id="inline"
    ),
    pytest.param({"image": GATEWAY}, INLINE, None, id="inline-own-image"),
]


@pytest.mark.parametrize(("router", "runtime", "expected"), ROWS)
def test_router_needs_an_image(
    router: dict[str, Any] | None,
    runtime: ServingRuntime | InlineRuntime | None,
    expected: str | None,
) -> None:
    problems = list(router_problems(_service(router), ("services", 0), runtime))
    if expected is None:
        assert problems == []
        return
    [problem] = problems
    assert problem.path == ("services", 0, "router")
    assert expected in problem.message
    assert problem.hint is not None and "image" in problem.hint
