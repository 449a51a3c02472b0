"""`manifold explain` on the repository's example: the effective pods and what set each field."""

from __future__ import annotations

import json

from tests.conftest import REPO_ROOT, run_cli


def _explain(*args: str) -> tuple[int, str, str]:
    result = run_cli("explain", "-C", str(REPO_ROOT), *args)
    return result.exit_code, result.stdout, result.stderr


def test_text_names_the_runtime_line_that_set_the_image() -> None:
    code, out, _ = _explain("-e", "prod", "chat-assistant/chat")
    assert code == 0
    lines = out.splitlines()
    at = lines.index("  engine:")
    image = lines.index("    image: docker.io/lmsysorg/sglang:v0.5.5.post3-cu129-amd64", at)
    assert lines[image + 1] == (
        "      set by ClusterServingRuntime/sglang-pd spec.engineConfig.runner.image"
        " <- platform/ml-platform.yaml:64:16"
    )
    assert "  decoder:" in lines and "  router:" in lines


def test_an_environment_default_is_traced_to_the_environment_file() -> None:
    code, out, _ = _explain("-e", "dev", "chat-assistant/chat")
    assert code == 0
    lines = out.splitlines()
    pool = lines.index("    nodeSelector.node-pool: gpu-spot")
    assert lines[pool + 1].endswith("<- environments/dev.yaml:25:20")


def test_json_gives_value_object_path_and_input_position() -> None:
    code, out, _ = _explain("-e", "staging", "code-assistant", "--format", "json")
    assert code == 0
    (workload,) = json.loads(out)
    assert (workload["platform"], workload["kind"], workload["name"]) == (
        "runai",
        "service",
        "complete",
    )
    image = workload["roles"][0]["fields"]["image"]
    assert image["value"] == "docker.io/vllm/vllm-openai:v0.8.5"
    assert image["setBy"]["object"] == "InferenceWorkload/complete"
    assert image["setBy"]["path"] == ["spec", "image"]
    assert image["setBy"]["file"] == "projects/code-assistant.yaml"


def test_run_ai_preemptibility_shows_with_the_line_that_asked_for_it() -> None:
    code, out, _ = _explain("-e", "prod", "code-assistant/complete")
    assert code == 0
    lines = out.splitlines()
    at = lines.index("    preemptibility: non-preemptible")
    assert "spec.preemptibility <- projects/code-assistant.yaml:" in lines[at + 1]
    code, out, _ = _explain("-e", "staging", "code-assistant/complete")
    assert code == 0 and "preemptibility" not in out


def test_every_workload_of_a_project_without_a_name() -> None:
    code, out, _ = _explain("-e", "dev", "faq-answers")
    assert code == 0
    heads = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert [h.split(":")[0] for h in heads] == [
        "faq-answers/opt-125m-faq",
        "faq-answers/explore",
        "faq-answers/answers",
    ]


def test_an_unknown_workload_is_a_usage_error_listing_the_known_ones() -> None:
    code, _, err = _explain("-e", "dev", "chat-assistant/nope")
    assert code == 2
    assert "no workload 'chat-assistant/nope' in environment 'dev'" in err
    assert "chat-assistant/chat" in err


def test_an_unknown_environment_is_a_usage_error() -> None:
    code, _, err = _explain("-e", "qa", "chat-assistant")
    assert code == 2
    assert "unknown environment 'qa'" in err


def test_the_docs_show_this_very_output() -> None:
    code, out, _ = _explain("-e", "dev", "semantic-search/embed")
    assert code == 0
    assert out in (REPO_ROOT / "docs" / "explain.md").read_text(), "docs/explain.md is stale"


def test_a_value_an_environment_patch_set_names_the_patch() -> None:
    code, out, _ = _explain("-e", "prod", "chat-assistant/chat")
    assert code == 0
    lines = out.splitlines()
    label = lines.index("    nodeSelector.nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB")
    assert lines[label + 1].endswith("<- patch environments/prod.yaml:32:11")
    decoder = lines.index("  decoder:")
    assert "patch" not in "".join(lines[decoder:]), "the patch targets the engine only"
