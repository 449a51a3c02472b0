"""Run:ai's own workload options: every such model the example and the valid cases hold reads
back as itself from its own data and refuses an unknown key."""

from __future__ import annotations

from tests.unit.models import corpus


class TestRunaiModels(corpus.CorpusTests):
    module = "manifold.targets.runai.option_models"
