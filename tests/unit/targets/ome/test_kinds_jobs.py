"""The shapes of OME's jobs: fine-tuned weights, training, benchmarks, replication, graphs: each
kind's schema accepts objects manifold renders (the example and the valid cases) and refuses
them with a field the kind does not have."""

from __future__ import annotations

from tests.unit.targets import rendered


class TestOmeKindsJobs(rendered.KindsTests):
    module = "manifold.targets.ome.kinds_jobs"
