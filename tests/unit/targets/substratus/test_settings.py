"""`spec.platforms.substratus`: the API level (v0.10 by default; v0.3 and v0.4.0) and the
image that loads hf:// models."""

from __future__ import annotations

import pytest

from manifold.core import modelcheck
from manifold.targets.substratus.settings import DEFAULT, SubstratusSettings


def test_defaults() -> None:
    assert DEFAULT.api_level == "v0.10"
    assert DEFAULT.model_loader
    assert DEFAULT.cloud is None


@pytest.mark.parametrize(
    ("data", "fine"),
    [
        ({"apiLevel": "v0.3"}, True),
        ({"apiLevel": "v0.4.0"}, True),
        ({"apiLevel": "v0.4"}, False),
        ({"apiLevel": 0.3}, False),
        ({"modelLoader": ""}, False),
        ({"modelLoader": "ghcr.io/acme/loader:1"}, True),
        ({"cloud": "gcp"}, True),
        ({"cloud": "kind"}, True),
        ({"cloud": "aws"}, False),  # internal/cloud/cloud.go:59-69 at 7352fb0: gcp or kind
    ],
)
def test_settings(data: dict[str, object], fine: bool) -> None:
    _, problems = modelcheck.validate(SubstratusSettings, data)
    assert (not problems) is fine
