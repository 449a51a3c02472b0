from __future__ import annotations

import pytest

from manifold.compile.environments import resolve_environments, selection_problems
from manifold.models.environment import MergePatch
from manifold.targets.substratus.settings import SubstratusSettings
from tests.unit.helpers import env_text, environment_files, environments


def test_chain_is_root_first_and_settings_merge_along_it() -> None:
    resolved = environments(
        base=env_text("base", "namespace: 'ns-{{ project }}'\nlabels: {a: base, b: base}\n"),
        staging=env_text("staging", "extends: base\nlabels: {b: staging}\n"),
        prod=env_text("prod", "extends: staging\nlabels: {a: null, c: prod}\n"),
    )
    prod = resolved["prod"]
    assert [link.name for link in prod.chain] == ["base", "staging", "prod"]
    assert prod.spec.labels == {"b": "staging", "c": "prod"}
    assert prod.namespace_template == "ns-{{ project }}"
    assert prod.source_paths == (
        "environments/prod.yaml",
        "environments/staging.yaml",
        "environments/base.yaml",
    )


def test_patches_accumulate_root_first() -> None:
    patch = "patches:\n- target: {kind: X}\n  mergePatch: {a: %s}\n"
    resolved = environments(
        base=env_text("base", patch % 1),
        prod=env_text("prod", "extends: base\n" + patch % 2),
    )
    merged = [p.patch for p in resolved["prod"].patches]
    assert all(isinstance(p, MergePatch) for p in merged)
    assert [p.merge_patch for p in merged if isinstance(p, MergePatch)] == [{"a": 1}, {"a": 2}]
    assert [p.document.path for p in resolved["prod"].patches] == [
        "environments/base.yaml",
        "environments/prod.yaml",
    ]


def test_a_cycle_is_reported_once_naming_it() -> None:
    files = environment_files(
        a=env_text("a", "extends: b"), b=env_text("b", "extends: c"), c=env_text("c", "extends: a")
    )
    resolved, problems = resolve_environments(files)
    assert resolved == {}
    assert [p.message for p in problems] == [
        "environments extend each other in a cycle: a -> b -> c -> a"
    ]
    assert problems[0].file == "environments/a.yaml"


def test_environments_outside_a_cycle_still_resolve() -> None:
    files = environment_files(
        a=env_text("a", "extends: b"), b=env_text("b", "extends: a"), ok=env_text("ok")
    )
    resolved, problems = resolve_environments(files)
    assert list(resolved) == ["ok"]
    assert len(problems) == 1


def test_unknown_parent() -> None:
    resolved, problems = resolve_environments(
        environment_files(prod=env_text("prod", "extends: stagin"), staging=env_text("staging"))
    )
    assert list(resolved) == ["staging"]
    assert problems[0].message == "extends unknown environment 'stagin'"
    assert problems[0].hint == "did you mean 'staging'?"


def test_a_parent_whose_file_was_refused_is_not_reported_again_by_its_children() -> None:
    files = environment_files(
        staging=env_text("staging", "extends: dev"), prod=env_text("prod", "extends: staging")
    )
    resolved, problems = resolve_environments(files, broken=frozenset({"dev"}))
    assert resolved == {}
    assert problems == []


def test_a_refused_file_does_not_hide_a_misspelt_parent() -> None:
    files = environment_files(prod=env_text("prod", "extends: stagin"))
    resolved, problems = resolve_environments(files, broken=frozenset({"staging"}))
    assert resolved == {}
    assert [p.message for p in problems] == ["extends unknown environment 'stagin'"]


def test_the_same_name_twice() -> None:
    files = environment_files(one=env_text("dev"), two=env_text("dev"))
    resolved, problems = resolve_environments(files)
    assert list(resolved) == ["dev"]
    assert "already defined in environments/one.yaml" in problems[0].message


def test_a_merged_value_that_breaks_a_rule_is_traced_to_the_file_that_set_it() -> None:
    files = environment_files(
        base=env_text("base", "defaults: {services: {replicas: {min: 1, max: 2}}}"),
        prod=env_text("prod", "extends: base\ndefaults: {services: {replicas: {min: 5}}}"),
    )
    resolved, problems = resolve_environments(files)
    assert "prod" not in resolved
    assert problems[0].file == "environments/prod.yaml"
    assert problems[0].message == "min (5) is greater than max (2)"


def test_platform_settings_merge_along_the_chain_and_are_checked_by_their_platform() -> None:
    resolved = environments(
        base=env_text("base", "platforms:\n  substratus: {apiLevel: v0.3, modelLoader: a}\n"),
        prod=env_text("prod", "extends: base\nplatforms:\n  substratus: {modelLoader: b}\n"),
        other=env_text("other"),
    )
    settings = resolved["prod"].settings("substratus", SubstratusSettings)
    assert settings == SubstratusSettings(api_level="v0.3", model_loader="b")
    assert resolved["other"].settings("substratus", SubstratusSettings) is None


def test_settings_a_platform_refuses_leave_the_environment_unresolved() -> None:
    resolved, problems = resolve_environments(
        environment_files(
            dev=env_text("dev", "platforms:\n  ome: {apiLevel: v2}\n  substratus: {apiLevel: v9}\n")
        )
    )
    assert resolved == {}
    assert [(p.path, p.message.split(";")[0]) for p in problems] == [
        (("spec", "platforms", "ome", "apiLevel"), "'v2' is not allowed"),
        (("spec", "platforms", "substratus", "apiLevel"), "'v9' is not allowed"),
    ]


SELECTION_PROBLEMS = [
    # (spec, problems expected as (path, message substring, hint substring))
    ("platformFiles: {include: ['ml-*'], exclude: ['*-old']}", []),
    (
        "platformFiles: {exclude: [ml-platfrom]}",
        [("exclude", 0, "excludes platform file 'ml-platfrom'", "did you mean 'ml-platform'?")],
    ),
    (
        "platformFiles: {include: [demo]}",
        [("include", 0, "includes platform file 'demo'", "'demo' is a project")],
    ),
    (
        "platformFiles: {include: [gpu]}",
        [("include", 0, "includes platform file 'gpu'", "platform files: ml-platform")],
    ),
    (
        "projects: {exclude: [ml-platform]}",
        [("exclude", 0, "which is a platform file, not a project", "spec.platformFiles.exclude")],
    ),
]


@pytest.mark.parametrize(("spec", "expected"), SELECTION_PROBLEMS)
def test_selection_problems(spec: str, expected: list[tuple[str, int, str, str]]) -> None:
    environment = environments(dev=env_text("dev", spec))["dev"]
    found = selection_problems(environment, {"demo"}, {"ml-platform"}, False)
    assert len(found) == len(expected)
    for diagnostic, (key, index, message, hint) in zip(found, expected, strict=True):
        assert diagnostic.json_path.endswith(f"{key}[{index}]")
        assert message in diagnostic.message
        assert hint in (diagnostic.hint or "")


def test_platform_file_names_are_not_checked_while_one_is_unreadable() -> None:
    environment = environments(dev=env_text("dev", "platformFiles: {exclude: [gpu]}"))["dev"]
    assert selection_problems(environment, set(), set(), True) == []
