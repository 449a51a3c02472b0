"""`spec.platforms.substratus` of an environment: which Substratus API its cluster runs, and
on which cloud its controller runs, which decides whether a GPU without a type can be placed
(upstream 7352fb0: internal/resources/gpu_info.go:14-47, internal/cloud/cloud.go:48-70)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from manifold.models.common import Strict

ApiLevel = Literal["v0.3", "v0.4.0", "v0.10"]
Cloud = Literal["gcp", "kind"]

HUGGING_FACE_LOADER = "substratusai/model-loader-huggingface"


class SubstratusSettings(Strict):
    """How an environment's cluster runs Substratus."""

    api_level: ApiLevel = Field(
        default="v0.10",
        description=(
            "The Substratus API the cluster's CRDs define: v0.10 (upstream's last: Server; "
            "every kind runs an image or builds one, with params and resources), v0.3 "
            "(ModelServer; Models with source, training, size and compute), or v0.4.0 "
            "(tag v0.4.0-alpha; manifold renders only its ModelServer)."
        ),
    )
    model_loader: str = Field(
        default=HUGGING_FACE_LOADER,
        min_length=1,
        description="Image that loads models with an hf:// source (v0.10).",
    )
    cloud: Cloud | None = Field(
        default=None,
        description=(
            "The cloud Substratus's controller runs on (its CLOUD variable): on gcp it refuses "
            "a GPU without a type, which manifold then refuses too; kind takes any GPU. Unset: "
            "not known, nothing said (v0.10)."
        ),
    )


SETTINGS = SubstratusSettings
DEFAULT = SubstratusSettings()
