"""Stage 5's platform-free reference rules, one row each: a project spec in, the problems
(path: message) out. A row that no longer holds names its rule, not a whole-tree snapshot."""

from __future__ import annotations

import pytest

from manifold.compile.catalog import BROKEN_PLATFORM_FILE, Catalog
from manifold.compile.instances import ProjectInstance
from manifold.compile.references import check_references, relies_on_broken
from manifold.core.diagnostics import Severity
from tests.unit import helpers

MODEL = 'models: [{name: m, source: "hf://a/b"}]'
SERVICE = "services: [{name: s, model: m, runtime: {image: i}}]"
DATASET = "datasets: [{name: d, source: s3://b/d}]"
RUN = (
    "task: text-to-text, maxTimePerIteration: 1, maxRequestsPerIteration: 1, output: {uri: s3://o}"
)
OWN_BENCHMARK = f"benchmarks: [{{name: b, target: {{service: t}}, dataset: e, {RUN}}}]"
FAR_BENCHMARK = f"benchmarks: [{{name: b, target: {{project: far, service: s}}, {RUN}}}]"


def _problems(spec: str, platform: str = "ome") -> list[str]:
    instance = helpers.project_instance(platform, spec)
    return [
        f"{'.'.join(map(str, p.path))}: {p.message}"
        for p in check_references(instance, helpers.lone_catalog(instance))
    ]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(f"{MODEL}\n{SERVICE}", [], id="all-resolve"),
        pytest.param(
            'models: [{name: m, source: "hf://a/b"}, {name: m, source: "hf://a/c"}]',
            ["models.1.name: model name 'm' is already used by models[0]"],
            id="duplicate-model",
        ),
        pytest.param(
            f"{DATASET[:-1]}, {{name: d, source: s3://b/e}}]",
            ["datasets.1.name: dataset name 'd' is already used by datasets[0]"],
            id="duplicate-dataset",
        ),
        pytest.param(
            "services: [{name: s, model: nope, runtime: {image: i}}]",
            [
                "services.0.model: service 's' serves model 'nope', which this project does not "
                "define"
            ],
            id="service-model-missing",
        ),
        pytest.param(
            f"{MODEL}\nservices: [{{name: s, model: m, runtime: {{image: i}}, adapters: [x]}}]",
            ["services.0.adapters.0: adapter 'x' is not one of this project's fine-tunes"],
            id="adapter-missing",
        ),
        pytest.param(
            f"""{MODEL[:-1]}, {{name: other, source: "hf://a/o"}}]
fineTunes: [{{name: ft, baseModel: other, type: LoraAdapter, source: s3://b/ft}}]
services: [{{name: s, model: m, runtime: {{image: i}}, adapters: [ft]}}]""",
            [
                "services.0.adapters.0: adapter 'ft' is a fine-tune of 'other'; it cannot be "
                "served on 'm'"
            ],
            id="adapter-of-another-model",
        ),
        pytest.param(
            f"{MODEL}\nservices: [{{name: s, model: m, runtime: {{image: i}}, "
            "replicas: {min: 2, max: 2}, autoscaling: {metric: cpu, target: 80}}]",
            [
                "services.0.autoscaling: autoscaling has no room: replicas.min and replicas.max "
                "are both 2"
            ],
            id="autoscaling-without-room",
        ),
        pytest.param(
            f"{MODEL}\n{DATASET}\n"
            "fineTunes: [{name: ft, baseModel: x, dataset: e, type: LoraAdapter, source: s3://b}]",
            [
                "fineTunes.0.baseModel: fine-tune 'ft' starts from model 'x', which this "
                "project does not define",
                "fineTunes.0.dataset: dataset 'e' is not one of this project's datasets",
            ],
            id="fine-tune-model-and-dataset",
        ),
        pytest.param(
            f"{MODEL}\n{SERVICE}\n{OWN_BENCHMARK}",
            [
                "benchmarks.0.dataset: dataset 'e' is not one of this project's datasets",
                "benchmarks.0.target.service: the benchmark targets service 't', which this "
                "project does not serve",
            ],
            id="benchmark-own-service-missing",
        ),
        pytest.param(
            f"{MODEL}\n{SERVICE}\n{FAR_BENCHMARK}",
            [
                "benchmarks.0.target.project: the benchmark targets project 'far', which does not "
                "exist"
            ],
            id="benchmark-project-missing",
        ),
        pytest.param(
            f"""{MODEL}\n{SERVICE}
pipelines:
  - name: p
    nodes:
      first:
        router: Splitter
        steps: [{{name: a, service: s, weight: 60}}, {{name: b, node: gone, weight: 30}},
                {{name: c, service: t, weight: 5}}]""",
            [
                "pipelines.0.nodes: pipeline 'p' has no `root` node, where requests enter",
                "pipelines.0.nodes.first.steps.1.node: step 'b' goes to node 'gone', not in the "
                "pipeline",
                "pipelines.0.nodes.first.steps.2.service: step 'c' goes to service 't', which "
                "this project does not serve",
                "pipelines.0.nodes.first.steps: the weights of a Splitter's steps add up to 100, "
                "not 95",
            ],
            id="pipeline-rules",
        ),
        pytest.param(
            f"{MODEL}\n{DATASET}\nnotebooks: [{{name: n, image: i, model: x, dataset: e}}]",
            [
                "notebooks.0.model: notebook 'n' opens model 'x', which is neither a model nor "
                "a fine-tune of this project",
                "notebooks.0.dataset: dataset 'e' is not one of this project's datasets",
            ],
            id="notebook-model-and-dataset",
        ),
    ],
)
def test_reference_rules(spec: str, expected: list[str]) -> None:
    # The set of problems is the contract; their order follows the checks' order.
    assert sorted(_problems(spec, "substratus" if "notebooks" in spec else "ome")) == sorted(
        expected
    )


def test_a_missing_name_gets_a_did_you_mean_hint() -> None:
    instance = helpers.project_instance(
        "ome",
        'models: [{name: llama, source: "hf://a/b"}]\n'
        "services: [{name: s, model: lama, runtime: {image: i}}]",
    )
    [problem] = check_references(instance, helpers.lone_catalog(instance))
    assert problem.hint is not None and "llama" in problem.hint


def test_autoscaling_without_room_is_a_warning() -> None:
    instance = helpers.project_instance(
        "ome",
        f"{MODEL}\nservices: [{{name: s, model: m, runtime: {{image: i}}, "
        "replicas: {min: 1, max: 1}, autoscaling: {metric: cpu, target: 80}}]",
    )
    [problem] = check_references(instance, helpers.lone_catalog(instance))
    assert problem.severity is Severity.WARNING


def test_a_model_is_not_reported_missing_when_the_platform_file_is_broken() -> None:
    instance = helpers.project_instance(
        "ome", "services: [{name: s, model: x, runtime: {image: i}}]"
    )
    catalog = Catalog(instance.environment, {instance.name: instance}, frozenset({"platform:ome"}))
    assert list(check_references(instance, catalog)) == []
    assert relies_on_broken(instance, catalog)


@pytest.mark.parametrize(
    ("broken", "relies"),
    [
        (frozenset(), False),
        (frozenset({"far"}), True),
        (frozenset({BROKEN_PLATFORM_FILE}), True),
        (frozenset({"platform:runai"}), False),
    ],
)
def test_relies_on_broken(broken: frozenset[str], relies: bool) -> None:
    instance: ProjectInstance = helpers.project_instance(
        "ome",
        f"{MODEL}\n{SERVICE}\n{FAR_BENCHMARK}",
    )
    catalog = Catalog(instance.environment, {instance.name: instance}, broken)
    assert relies_on_broken(instance, catalog) is relies
    if "far" in broken:  # its problems were told with the broken project: not again
        assert list(check_references(instance, catalog)) == []
