"""The capacity: dedicated clusters, flavors, resource groups and reservations: every such model
the example and the valid cases hold reads back as itself from its own data and refuses an
unknown key."""

from __future__ import annotations

from tests.unit.models import corpus


class TestCapacityModels(corpus.CorpusTests):
    module = "manifold.models.capacity"
