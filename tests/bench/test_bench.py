"""bench/: the benchmark's parts. Speed is never asserted here; the benchmark reports it."""

from __future__ import annotations

from collections import Counter

from bench import synthetic


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
