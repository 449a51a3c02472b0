"""Where artifacts live: models, datasets, fine-tuned weights, results."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from manifold.models.common import ResourceName, Strict

STORAGE_SCHEMES = ("hf", "oci", "s3", "gs", "az", "pvc", "github", "local", "vendor")
STORAGE_URI = rf"^({'|'.join(STORAGE_SCHEMES)})://\S+$"


class ModelStorage(Strict):
    """How an artifact is fetched: credentials, download options, where nodes keep it."""

    path: str | None = Field(default=None, description="Where nodes keep the downloaded copy.")
    credentials_secret: ResourceName | None = Field(
        default=None, description="Secret holding the credentials to download it."
    )
    parameters: dict[str, str] | None = Field(
        default=None, description="Options of the storage (region, auth...)."
    )
    node_selector: dict[str, str] | None = Field(
        default=None, description="Node labels of the nodes the artifact is downloaded to."
    )
    download_policy: Literal["AlwaysDownload", "ReuseIfExists"] | None = Field(
        default=None,
        description="AlwaysDownload, or ReuseIfExists: keep a copy already on the node.",
    )


class StorageLocation(ModelStorage):
    """A place in storage, with the options to reach it."""

    uri: str = Field(pattern=STORAGE_URI, description="hf://, oci://, s3://, gs://, pvc://...")
