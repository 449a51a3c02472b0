"""`spec.platforms.ome` of an environment: which OME API its cluster runs.

Released OME (`crds/main` at every tag, v0.1.x) installs eight CRDs. OME's API reference
describes eleven more (tenancy, capacity, training, pipelines, replication) that only its
unmerged pull request #5 defines (`../shared/reference/ome/SOURCES.md`). Flux and Argo CD
apply an environment as one unit, so one object of a kind the cluster lacks stops the whole
environment from syncing ("no matches for kind TrainingJob"): an environment renders the
other kinds only when it says its cluster has them.

Each kind has one definition, the same at both levels: `crds/pr5-unmerged` defines none of
the eight released kinds, so level full is released OME plus PR #5's other kinds. PR #5's own
copies of seven released kinds (sgl-project/ome e2866745, config/crd/full) are an older API
that only a cluster installed from PR #5 itself runs (such a team imports its own CRDs for
the environment: `manifold schemas import --env`): they lack what main added since
(`acceleratorSelector`, `acceleratorOverride`, `apiCapabilities`, `diffusionPipeline`,
`downloadPolicy`, `acceleratorRequirements`...), have fields main dropped (`compartmentID`,
a component's `logger`, a runtime's `builtInAdapter` and `replicas`...), and their
InferenceService requires the old `spec.predictor`. manifold's schema of a released kind
lists no field crds/main lacks (tests/conformance/test_ome_level_crds.py), so none of those
dropped fields can be rendered; schemas/ome.io therefore needs no per-level variants, and
the level decides which kinds exist.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from manifold.models.common import Strict

ApiLevel = Literal["v0.1", "full"]

RELEASED_KINDS = frozenset(
    {
        "InferenceService",
        "BaseModel",
        "ClusterBaseModel",
        "ServingRuntime",
        "ClusterServingRuntime",
        "FineTunedWeight",
        "BenchmarkJob",
        "AcceleratorClass",
    }
)
"""The kinds of OME's released CRDs (`crds/main`), the whole of API level v0.1."""


class OmeSettings(Strict):
    """How an environment's cluster runs OME."""

    api_level: ApiLevel = Field(
        default="v0.1",
        description=(
            "The OME API the cluster's CRDs define: v0.1 (the eight kinds of released OME: "
            "InferenceService, BaseModel, ClusterBaseModel, ServingRuntime, "
            "ClusterServingRuntime, FineTunedWeight, BenchmarkJob, AcceleratorClass) or full "
            "(also the kinds only OME's pull request #5 defines: training, pipelines, "
            "replication, tenancy and capacity)."
        ),
    )


SETTINGS = OmeSettings
DEFAULT = OmeSettings()


def level_lacks(kind: str, settings: OmeSettings) -> bool:
    """Whether a cluster at this API level has no CRD for `kind`."""
    return settings.api_level == "v0.1" and kind not in RELEASED_KINDS
