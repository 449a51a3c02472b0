"""bench/: the benchmark's parts. Speed is never asserted here; the benchmark reports it."""

from __future__ import annotations

from collections import Counter

from bench import synthetic
from bench.kustomize_inputs import json_patch
from manifold import overlay


def test_synthetic_projects_cover_what_platform_teams_write() -> None:
    environments = synthetic.environment_names(3)
    documents = [synthetic.project_document(index, environments) for index in range(200)]
    specs = [document["spec"] for document in documents]
    models = [model for spec in specs for model in spec["models"]]
    services = [service for spec in specs for service in spec["services"]]
    schemes = Counter(model["source"].partition("://")[0] for model in models)
    assert {"hf", "s3", "pvc"} <= set(schemes)
    runtimes = Counter(
        "none" if "runtime" not in s else
        "name" if isinstance(s["runtime"], str) else
        "ref" if "ref" in s["runtime"] else "inline"
        for s in services
    )  # fmt: skip
    assert set(runtimes) == {"none", "name", "ref", "inline"}
    assert any(model.get("scope") == "cluster" for model in models)
    assert all(service["resources"]["gpu"]["count"] >= 1 for service in services)
    assert any("autoscaling" in service for service in services)
    assert any("router" in service for service in services)
    assert all(set(spec["environments"]) <= set(environments) for spec in specs)
    assert len({document["metadata"]["name"] for document in documents}) == len(documents)
    assert synthetic.project_document(7, environments) == documents[7]  # seeded, repeatable
    changed = synthetic.project_document(7, environments, revision=2)
    assert changed["metadata"]["labels"]["revision"] == "r2"


def test_json_patch_turns_one_object_into_the_other() -> None:
    before = {
        "metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "a", "x~y": "1"}},
        "spec": {"replicas": 1, "args": ["--a"], "gone": {"k": "v"}, "typed": "1"},
    }
    after = {
        "metadata": {"name": "b", "labels": {"app.kubernetes.io/name": "b", "x~y": "1"}},
        "spec": {"replicas": 2, "args": ["--a", "--b"], "typed": 1, "new": {"k": [1]}},
    }
    operations = json_patch(before, after)
    assert overlay.json_patch(before, operations) == after
    assert json_patch(after, after) == []
