"""The accelerator classes (GPU kinds, their discovery, capabilities and cost): every such model
the example and the valid cases hold reads back as itself from its own data and refuses an
unknown key."""

from __future__ import annotations

from tests.unit.models import corpus


class TestAcceleratorsModels(corpus.CorpusTests):
    module = "manifold.models.accelerators"
