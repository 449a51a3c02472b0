"""The projects: metadata, models, inline runtimes and services: every such model the example and
the valid cases hold reads back as itself from its own data and refuses an unknown key."""

from __future__ import annotations

from tests.unit.models import corpus


class TestProjectModels(corpus.CorpusTests):
    module = "manifold.models.project"
