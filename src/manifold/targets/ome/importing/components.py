"""OME component specs -> manifold components: the inverse of
`manifold.targets.ome.components`, for the shapes that function produces.

Anything this module does not know is refused with its path (`Unsupported`), never
dropped; what it maps is checked afterwards by rendering it again (`entries.verified`), so an
inverse that is subtly wrong is refused too, not written.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, ValidationError

from manifold.compile.blocks import blocks
from manifold.core.jsonpath import JsonPath, format_json_path
from manifold.models.labels import SERVICE_ANNOTATIONS
from manifold.targets.ome.components import ROUTER_RUNNER_NAME, RUNNER_NAME
from manifold.targets.registry import option_model


class Unsupported(Exception):
    """A field of an OME object that manifold cannot express; `path` is under the object."""

    def __init__(self, path: JsonPath, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


CONTAINER_AS_IS = (
    "image",
    "imagePullPolicy",
    "command",
    "args",
    "workingDir",
    "ports",
    "volumeMounts",
    "readinessProbe",
    "livenessProbe",
    "startupProbe",
    "securityContext",
)
"""Runner fields whose manifold field has the same name and shape (probes and security
contexts are passed through unchanged by manifold's own models)."""

POD_AS_IS = (
    "nodeSelector",
    "tolerations",
    "affinity",
    "volumes",
    "serviceAccountName",
    "priorityClassName",
    "schedulerName",
    "hostNetwork",
    "hostIPC",
    "dnsPolicy",
    "enableServiceLinks",
)
"""Pod fields of a component, leader or worker that manifold writes with the same name."""

_BOTH_SIDES = {"cpu": "cpu", "memory": "memory", "ephemeral-storage": "ephemeralStorage"}
_GPU = "nvidia.com/gpu"


def env_entries(variables: list[Any], path: JsonPath) -> list[dict[str, Any]]:
    converted = []
    for index, variable in enumerate(variables):
        where = (*path, index)
        source = variable.get("valueFrom")
        if source is None:
            converted.append(dict(variable))
            continue
        if set(variable) != {"name", "valueFrom"} or len(source) != 1:
            raise Unsupported(where, "an environment variable with more than one source")
        (kind, reference), name = next(iter(source.items())), variable["name"]
        if kind == "fieldRef" and set(reference) == {"fieldPath"}:
            converted.append({"name": name, "field": reference["fieldPath"]})
        elif kind in ("secretKeyRef", "configMapKeyRef") and set(reference) == {"name", "key"}:
            key = "secret" if kind == "secretKeyRef" else "configMap"
            converted.append({"name": name, key: dict(reference)})
        else:
            raise Unsupported(
                (*where, "valueFrom", kind),
                f"env valueFrom.{kind} with fields {sorted(reference)}: manifold writes "
                "fieldRef {fieldPath}, secretKeyRef {name, key} and configMapKeyRef {name, key}",
            )
    return converted


def resource_entries(requirements: dict[str, Any], path: JsonPath) -> dict[str, Any]:
    """Requests and limits: what both sides hold alike as manifold's cpu, memory,
    ephemeralStorage and gpu, the rest as one-sided `requests` and `limits`."""
    unknown = set(requirements) - {"requests", "limits"}
    if unknown:
        raise Unsupported((*path, sorted(unknown)[0]), "resources beyond requests and limits")
    requests = dict(requirements.get("requests") or {})
    limits = dict(requirements.get("limits") or {})
    resources: dict[str, Any] = {}
    for name in [*requests]:
        if name not in limits or limits[name] != requests[name]:
            continue
        value = requests[name]
        if name in _BOTH_SIDES:
            resources[_BOTH_SIDES[name]] = value
        elif name == _GPU and isinstance(value, int) and not isinstance(value, bool) and value > 0:
            resources["gpu"] = {"count": value}
        else:
            continue
        del requests[name], limits[name]
    if requests:
        resources["requests"] = requests
    if limits:
        resources["limits"] = limits
    return resources


def container(runner: dict[str, Any], name: str, path: JsonPath) -> dict[str, Any]:
    """A runner's fields as a manifold container; its name must be the one manifold gives."""
    if runner.get("name", name) != name:
        raise Unsupported(
            (*path, "name"),
            f"the container is named {runner['name']!r}; manifold names it {name!r}",
        )
    fields = {key: value for key, value in runner.items() if key != "name"}
    return pod_fields(fields, CONTAINER_AS_IS, path, "container")


def pod_fields(
    given: dict[str, Any], as_is: Collection[str], path: JsonPath, what: str
) -> dict[str, Any]:
    """Container or pod fields as manifold's: `as_is` ones as written, env and resources
    mapped; any other refused as a `what` field."""
    fields: dict[str, Any] = {}
    for key, value in given.items():
        if key in as_is:
            fields[key] = value
        elif key == "env":
            fields["env"] = env_entries(value, (*path, "env"))
        elif key == "resources":
            fields["resources"] = resource_entries(value, (*path, "resources"))
        else:
            raise Unsupported((*path, key), f"the {what} field {key!r}")
    return fields


def validated(model: type[BaseModel], entry: dict[str, Any]) -> Any:
    """The entry as manifold's model reads it, each platform block (`ome:`) by its
    platform's model as the compiler checks it; what a model refuses, Unsupported."""
    try:
        read = model.model_validate(entry)
    except ValidationError as error:
        raise refused(error) from None
    for at, block, value in blocks(model, entry):
        try:
            option_model(block).model_validate(value)
        except ValidationError as error:
            raise refused(error, at) from None
    return read


def refused(error: ValidationError, at: JsonPath = ()) -> Unsupported:
    """What manifold's model refuses in an entry (in its block at `at`), at the object's
    field it came from: a label or annotation key of the object's metadata, else its spec."""
    problem = error.errors()[0]
    loc = (*at, *problem["loc"])
    if loc[:1] == ("metadata",):  # the entry's metadata is the object's, key for key
        return Unsupported(loc[:3], problem["msg"].removeprefix("Value error, "))
    where = format_json_path(loc)
    return Unsupported(("spec",), f"manifold refuses it at {where}: {problem['msg']}")


def _pod(
    spec: dict[str, Any], runner_name: str, path: JsonPath, extra: tuple[str, ...]
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in spec.items():
        if key in POD_AS_IS:
            fields[key] = value
        elif key == "runner":
            fields.update(container(value, runner_name, (*path, "runner")))
        elif key not in extra:
            raise Unsupported((*path, key), f"the field {key!r}")
    return fields


def keda(config: dict[str, Any], path: JsonPath) -> dict[str, Any]:
    """An InferenceService's spec.kedaConfig as the `autoscaling` of the components it scales."""
    if config.get("enableKeda") is not True:
        raise Unsupported((*path, "enableKeda"), "a kedaConfig that does not enable KEDA")
    prometheus: dict[str, Any] = {}
    names = {
        "promServerAddress": "server",
        "customPromQuery": "query",
        "scalingThreshold": "threshold",
        "scalingOperator": "operator",
    }
    authentication: dict[str, Any] = {}
    for key, value in config.items():
        if key in names:
            prometheus[names[key]] = value
        elif key == "authenticationRef":
            authentication.update(value)
        elif key == "authModes":
            authentication["modes"] = value
        elif key != "enableKeda":
            raise Unsupported((*path, key), f"the kedaConfig field {key!r}")
    if authentication:
        prometheus["authentication"] = authentication
    return {"prometheus": prometheus}


_COMPONENT_ONLY = (
    "minReplicas",
    "maxReplicas",
    "scaleMetric",
    "scaleTarget",
    "kedaConfig",
    "annotations",
    "labels",
    "leader",
    "worker",
    "config",
)


def component(
    spec: dict[str, Any],
    path: JsonPath,
    *,
    is_router: bool = False,
    runner_name: str | None = None,
) -> dict[str, Any]:
    """An engineConfig, decoderConfig or routerConfig of a runtime (or an InferenceService's
    engine, decoder or router, whose main container may be unnamed: `runner_name` "") as a
    manifold component."""
    if runner_name is None:
        runner_name = ROUTER_RUNNER_NAME if is_router else RUNNER_NAME
    extra = _COMPONENT_ONLY if is_router else _COMPONENT_ONLY[:-1]
    fields = _pod(spec, runner_name, path, extra)
    if "minReplicas" in spec or "maxReplicas" in spec:
        if "minReplicas" not in spec or "maxReplicas" not in spec:
            raise Unsupported(path, "only one of minReplicas and maxReplicas: give both")
        fields["replicas"] = {"min": spec["minReplicas"], "max": spec["maxReplicas"]}
    if "scaleMetric" in spec or "scaleTarget" in spec:
        fields["autoscaling"] = {
            "metric": spec.get("scaleMetric"),
            "target": spec.get("scaleTarget"),
        }
    if "kedaConfig" in spec:
        raise Unsupported(
            (*path, "kedaConfig"),
            "a component's kedaConfig, which no one reads: OME takes KEDA settings from the "
            "InferenceService's spec.kedaConfig alone (its deployment reconciler passes no "
            "other); move it there",
        )
    for key in SERVICE_ANNOTATIONS.keys() & dict(spec.get("annotations") or {}).keys():
        # the component's model refuses it: OME would pick the component's autoscaler from it
        raise Unsupported(
            (*path, "annotations", key),
            f"the annotation {key!r} on a component: manifold derives it, where "
            f"{SERVICE_ANNOTATIONS[key]}",
        )
    for key in ("annotations", "labels", "config"):
        if key in spec:
            fields[key] = dict(spec[key])
    if "leader" in spec:
        fields["leader"] = _pod(spec["leader"], RUNNER_NAME, (*path, "leader"), ())
    if "worker" in spec:
        fields["worker"] = _pod(spec["worker"], RUNNER_NAME, (*path, "worker"), ("size",))
        if "size" in spec["worker"]:
            fields["worker"]["size"] = spec["worker"]["size"]
    return fields
