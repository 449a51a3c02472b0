"""`render` and `check` split by `--shard i/n` and `-e ENV`: each shard run in a copy of its
own, the outputs are disjoint and together byte-identical to one run; pruning in one shard
never touches another's files; the shards' verdicts together are the single run's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from manifold.core.shards import Shard
from tests.conftest import REPO_ROOT, copy_tree, run_cli, tree_bytes

INPUTS = ("projects", "environments", "platform", "schemas")
COUNT = 3
"""With 3 shards the example's projects fall in all three (core.shards: 1 holds
code-assistant and faq-answers, 2 chat-assistant and the platform, 3 semantic-search)."""


def _repository(folder: Path) -> Path:
    for name in INPUTS:
        copy_tree(REPO_ROOT / name, folder / name)
    return folder


def _single(tmp_path: Path) -> Path:
    root = _repository(tmp_path / "single")
    assert run_cli("render", "-C", str(root)).exit_code == 0
    return root


def test_shards_are_disjoint_and_together_one_run(tmp_path: Path) -> None:
    whole = tree_bytes(_single(tmp_path) / "rendered")
    union: dict[str, bytes] = {}
    for index in range(1, COUNT + 1):
        root = _repository(tmp_path / f"shard-{index}")
        result = run_cli("render", "-C", str(root), "--shard", f"{index}/{COUNT}")
        assert result.exit_code == 0, result.stderr
        files = tree_bytes(root / "rendered")
        assert files, f"shard {index} wrote nothing"
        assert not set(files) & set(union), "two shards wrote the same file"
        assert all(Shard(index, COUNT).owns(path) for path in files)
        union.update(files)
        again = run_cli("check", "-C", str(root), "--shard", f"{index}/{COUNT}")
        assert again.exit_code == 0, again.stderr
    assert union == whole


def test_environments_are_disjoint_and_together_one_run(tmp_path: Path) -> None:
    whole = tree_bytes(_single(tmp_path) / "rendered")
    union: dict[str, bytes] = {}
    for environment in ("dev", "staging", "prod"):
        root = _repository(tmp_path / environment)
        result = run_cli("render", "-C", str(root), "-e", environment, "--shard", "1/1")
        assert result.exit_code == 0, result.stderr
        files = tree_bytes(root / "rendered")
        own = {p for p in files if p.split("/", 1)[0] == environment}
        assert own and not own & set(union)
        union.update(files)  # the Flux and Argo CD folders: the same bytes from each
    assert union == whole


def test_pruning_in_one_shard_leaves_the_others_files(tmp_path: Path) -> None:
    root = _single(tmp_path)
    before = tree_bytes(root / "rendered")
    (root / "projects" / "semantic-search.yaml").unlink()  # shard 3's project
    assert run_cli("render", "-C", str(root), "--shard", f"1/{COUNT}").exit_code == 0
    assert run_cli("render", "-C", str(root), "--shard", f"2/{COUNT}").exit_code == 0
    after = tree_bytes(root / "rendered")
    ours = {p for p in before if p.split("/")[1] == "semantic-search"}
    assert ours and all(after[p] == before[p] for p in ours), "shards 1 and 2 pruned shard 3's"
    assert run_cli("render", "-C", str(root), "--shard", f"3/{COUNT}").exit_code == 0
    assert not ours & set(tree_bytes(root / "rendered"))
    assert run_cli("check", "-C", str(root)).exit_code == 0
    # The shards rendered with .manifold/ kept from the runs before: the same bytes as a
    # render of the same inputs from nothing.
    fresh = _repository(tmp_path / "fresh")
    (fresh / "projects" / "semantic-search.yaml").unlink()
    assert run_cli("render", "-C", str(fresh)).exit_code == 0
    assert tree_bytes(root / "rendered") == tree_bytes(fresh / "rendered")


def test_check_of_one_environment_compares_that_environment(tmp_path: Path) -> None:
    root = _single(tmp_path)
    (root / "rendered/dev/chat-assistant/inferenceservice-chat.yaml").unlink()
    assert _verdict(root, "-e", "prod")[0] == 0
    code, found = _verdict(root, "-e", "dev")
    assert code == 3
    assert [json.loads(d)["file"] for d in found] == [
        "rendered/dev/chat-assistant/inferenceservice-chat.yaml"
    ]


def _verdict(root: Path, *options: str) -> tuple[int, set[str]]:
    """The exit code and every problem reported (as JSON text, to be compared as a set)."""
    result = run_cli("check", "-C", str(root), "--format", "json", *options)
    report = json.loads(result.stdout)
    return result.exit_code, {json.dumps(d, sort_keys=True) for d in report["diagnostics"]}


@pytest.mark.parametrize(
    "damage",
    [
        "rendered/dev/chat-assistant/inferenceservice-chat.yaml",  # shard 2's
        "rendered/prod/semantic-search/kustomization.yaml",  # shard 3's
        "rendered/_argocd/kustomization.yaml",  # shard 1's
    ],
)
def test_check_verdicts_together_are_one_runs(tmp_path: Path, damage: str) -> None:
    root = _single(tmp_path)
    (root / damage).unlink()
    single_code, single = _verdict(root)
    assert single_code == 3
    codes, union = [], set()
    # In turn on one repository: a shard that passes records its outcome in .manifold/,
    # and the next shard must not be answered from that record.
    for index in range(1, COUNT + 1):
        code, found = _verdict(root, "--shard", f"{index}/{COUNT}")
        codes.append(code)
        union |= found
    assert sorted(codes) == [0, 0, 3]
    assert union == single


@pytest.mark.parametrize(
    ("damage", "edit"),
    [
        ("rendered/dev/chat-assistant/inferenceservice-chat.yaml", False),
        ("rendered/prod/semantic-search/kustomization.yaml", True),  # edited in place
        ("rendered/_flux/prod/kustomization.yaml", True),  # every environment's run owns it
        ("rendered/staging/notes.yaml", None),  # a file of the user's: not manifold's
    ],
)
def test_check_of_each_environment_together_is_one_run(
    tmp_path: Path, damage: str, edit: bool | None
) -> None:
    """`check -e ENV` reads only its environment's folder and the sync folders; what the
    environments' checks report together is what one check of all reports."""
    root = _single(tmp_path)
    path = root / damage
    if edit is None:
        path.write_text("kind: mine\n")
    elif edit:
        path.write_text(path.read_text() + "# edited\n")
    else:
        path.unlink()
    single_code, single = _verdict(root)
    union: set[str] = set()
    for environment in ("dev", "prod", "staging"):
        union |= _verdict(root, "-e", environment)[1]
    assert union == single
    assert single_code == (0 if edit is None else 3)


def test_a_problem_is_reported_by_its_projects_shard(tmp_path: Path) -> None:
    root = _single(tmp_path)
    project = root / "projects" / "semantic-search.yaml"  # shard 3's
    project.write_text(project.read_text().replace("kind: Project", "kind: Project\nbogus: 1"))
    codes = [_verdict(root, "--shard", f"{i}/{COUNT}")[0] for i in range(1, COUNT + 1)]
    single_code, single = _verdict(root)
    assert single_code == 1
    assert codes == [0, 0, 1]
    assert _verdict(root, "--shard", f"3/{COUNT}")[1] == single
    before = tree_bytes(root / "rendered")
    assert run_cli("render", "-C", str(root), "--shard", f"3/{COUNT}").exit_code == 1
    assert tree_bytes(root / "rendered") == before, "the refusing shard wrote nothing"
    assert run_cli("render", "-C", str(root), "--shard", f"1/{COUNT}").exit_code == 0


def test_a_bad_shard_is_a_usage_error(tmp_path: Path) -> None:
    root = _repository(tmp_path / "r")
    for bad in ("0/2", "3/2", "x"):
        result = run_cli("render", "-C", str(root), "--shard", bad)
        assert result.exit_code == 2
        assert "I/N" in result.stderr
    assert not (root / "rendered").exists()
