"""`manifold explain`'s own logic (`manifold.commands.explain`): a semantic input path made
concrete in a project's data (the nearest existing place when the value is not written
there), how a located value is described, and an unknown workload as a usage problem. The
command end to end on the example is in tests/acceptance/test_explain.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from manifold.commands.explain import ExplainOptions, Located, concrete_path, explain
from manifold.compile.provenance import Named
from manifold.core.errors import UsageProblem
from manifold.targets.effective import Source, Value
from tests.conftest import edit

DATA = {
    "services": [{"name": "a", "image": "x"}, {"name": "b", "env": [{"name": "E", "value": "1"}]}],
    "models": [],
}


@pytest.mark.parametrize(
    ("path", "concrete", "complete"),
    [
        (("services", Named("b"), "env"), ("services", 1, "env"), True),
        (("services", Named("a"), "image"), ("services", 0, "image"), True),
        (("services", Named("a"), "resources", "gpu"), ("services", 0, "resources"), False),
        (("services", Named("z"), "image"), ("services",), False),
        (("models", Named("m")), ("models",), False),
        (("services", 0, "image"), ("services", 0), False),  # a list is stepped into by name
        ((), (), True),
    ],
)
def test_a_path_is_made_concrete_as_far_as_the_data_holds_it(
    path: tuple[Any, ...], concrete: tuple[Any, ...], complete: bool
) -> None:
    assert concrete_path(DATA, path) == (concrete, complete)


VALUE = Value("img:1", Source("InferenceService/chat", ("spec", "engine", "runner", "image")))
SET_BY = "InferenceService/chat spec.engine.runner.image"


@pytest.mark.parametrize(
    ("located", "described"),
    [
        (Located(VALUE, None, None, None), SET_BY),
        (Located(VALUE, "projects/chat.yaml", 4, 7), f"{SET_BY} <- projects/chat.yaml:4:7"),
        (Located(VALUE, "projects/chat.yaml", None, None), f"{SET_BY} <- projects/chat.yaml"),
        (
            Located(VALUE, "projects/chat.yaml", 4, 7, exact=False),
            f"{SET_BY} <- projects/chat.yaml:4:7 (nearest input: the value is not written "
            "there; a runtime or a default set it)",
        ),
        (
            Located(VALUE, "environments/dev.yaml", 9, 3, via_patch=True),
            f"{SET_BY} <- patch environments/dev.yaml:9:3",
        ),
        (
            Located(VALUE, "platform/p.yaml", 2, 5, note="accelerator class a"),
            f"{SET_BY} <- platform/p.yaml:2:5 (accelerator class a)",
        ),
    ],
)
def test_a_located_value_says_what_set_it(located: Located, described: str) -> None:
    assert located.describe() == described


@pytest.mark.parametrize("selector", ["nowhere", "chat-assistant/nothing"])
def test_an_unknown_workload_is_a_usage_problem_naming_the_known_ones(
    example_repo: Path, selector: str
) -> None:
    with pytest.raises(
        UsageProblem, match=f"no workload '{selector}' in environment 'dev'"
    ) as raised:
        explain(ExplainOptions(example_repo, "dev", selector))
    assert "chat-assistant/chat" in str(raised.value)


def test_one_workload_is_explained_with_a_summary(example_repo: Path) -> None:
    outcome = explain(ExplainOptions(example_repo, "dev", "chat-assistant/chat"))
    assert outcome.summary == "1 workload of chat-assistant in dev"
    assert outcome.output is not None
    assert outcome.output.startswith("chat-assistant/chat: service on ome in dev")


CLASS_RESOURCES = """\
      capabilities: {memoryGB: 24Gi, computeCapability: "8.9"}
      resources:
        - {name: nvidia.com/gpu, quantity: 1}
        - {name: rdma/hca}
"""


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        pytest.param(
            0,
            {
                "limits.nvidia.com/gpu": ("platform/ml-platform.yaml", 41, "note"),
                "requests.rdma/hca": ("platform/ml-platform.yaml", 42, "note"),
                "requests.cpu": ("projects/semantic-search.yaml", 29, None),
            },
            id="a GPU count left to the class: the class's quantity, written in",
        ),
        pytest.param(
            1,
            {
                "limits.nvidia.com/gpu": ("projects/semantic-search.yaml", 31, None),
                "requests.rdma/hca": ("platform/ml-platform.yaml", 42, "note"),
            },
            id="the project's own count, the class's alike: the project's",
        ),
    ],
)
def test_what_manifold_writes_in_from_a_class_is_traced_to_the_class(
    example_repo: Path, count: int, expected: dict[str, tuple[str, int, str | None]]
) -> None:
    """The embed service sets cpu and memory, so manifold writes in the class's resources
    it sets on neither side (class_resources.complete): they are the class's, not a nearest
    place in the project."""
    edit(
        example_repo / "platform" / "ml-platform.yaml",
        CLASS_RESOURCES.split("\n")[0] + "\n",
        CLASS_RESOURCES,
    )
    project = example_repo / "projects" / "semantic-search.yaml"
    edit(
        project,
        "gpu: {count: 1, type: nvidia-l4-24gb}",
        f"gpu: {{count: {count}, type: nvidia-l4-24gb}}",
    )
    outcome = explain(ExplainOptions(example_repo, "dev", "semantic-search/embed", "json"))
    assert outcome.output is not None
    ((engine,),) = [workload["roles"] for workload in json.loads(outcome.output)]
    for field, (file, line, note) in expected.items():
        set_by = engine["fields"][field]["setBy"]
        assert (set_by["file"], set_by["line"], set_by["by"]) == (file, line, "input"), field
        assert set_by.get("note") == (
            note and "accelerator class nvidia-l4-24gb, which manifold writes in"
        )
