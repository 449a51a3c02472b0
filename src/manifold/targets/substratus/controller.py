"""What Substratus's controller adds to the pod of a Server, Notebook or (training) Model, from
its source at upstream commit 7352fb0 (`file:line` there), for the effective model and for the
one rule of the notebook's that a project can break.

The controller runs each object as one container, `serve`, `notebook` or `model`, from the
object's own `image`, `command` and `env` (server_controller.go:150-155,
notebook_controller.go:360-373, model_controller.go:330-336); a `build` becomes `image` once
built (build_reconciler.go:157) and nothing runs before (server_controller.go:61-64). What it
adds to what the object says:

- resources (internal/resources/resources.go:13-46): with no `resources`, 2 CPUs, 4Gi and a
  100Gi disk (none on kind); in a `resources`, the CRD defaults an absent cpu to 2 and memory
  and disk to 10 (api/v1/common_types.go:77-88). GPUs are requested and limited alike; on
  GCP the type becomes a GKE accelerator node selector with a spot toleration
  (resources.go:48-64, gpu_info.go:25-47).
- a notebook with no `command` runs Jupyter Lab on /content with the token NOTEBOOK_TOKEN
  (notebook_controller.go:320-329), and NOTEBOOK_TOKEN is set to "default" after the
  notebook's own variables (notebook_controller.go:331-335), so the last one, the
  controller's, is the one the container sees.
- `params` are a JSON file, /content/params.json (params_reconciler.go:36-52, 78-100), not
  variables: upstream's docs and CRD text say PARAM_<KEY>, its controller writes none.
- the model and dataset are mounted read-only at /content/model and /content/data
  (server_controller.go:184-193, notebook_controller.go:408-432, model_controller.go:359-383)
  once they are ready: a Server, Notebook or Model waits for them (server_controller.go:
  231-246, notebook_controller.go:193-208, 235-249, model_controller.go:115-130, 156-171).
  Nothing of their specs is merged into the pod.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.env import EnvVar

NO_RESOURCES = {"cpu": 2, "memory": "4Gi", "disk": "100Gi"}
"""What `resources.Apply` asks for a pod whose object has no `resources` (resources.go:19-27),
on every cloud but kind."""

CRD_DEFAULTS = {"cpu": 2, "memory": "10Gi", "disk": "10Gi"}
"""What the CRD writes for a field left out of `resources` (common_types.go:78-88)."""

PLATFORM_NAME = "Substratus"
NOTEBOOK_TOKEN = "NOTEBOOK_TOKEN"
NOTEBOOK_TOKEN_VALUE = "default"
NOTEBOOK_COMMAND = (
    "jupyter",
    "lab",
    "--allow-root",
    "--ip=0.0.0.0",
    "--NotebookApp.token=$(NOTEBOOK_TOKEN)",
    "--notebook-dir=/content",
)
"""A notebook's command when its object gives none (notebook_controller.go:320-329)."""


def notebook_token(variables: Iterable[EnvVar], at: JsonPath) -> Iterator[Problem]:
    """A notebook's own NOTEBOOK_TOKEN is overridden by the controller's (env at `at`)."""
    for index, variable in enumerate(variables):
        if variable.name == NOTEBOOK_TOKEN:
            yield Problem(
                (*at, index, "name"),
                f"Substratus sets {NOTEBOOK_TOKEN} to {NOTEBOOK_TOKEN_VALUE!r} after a "
                "notebook's own variables, so this one never reaches the container (and "
                f"Jupyter's token is {NOTEBOOK_TOKEN_VALUE!r})",
                hint="pass the value under another name, and give a command that uses it",
            )
