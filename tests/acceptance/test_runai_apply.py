"""`manifold runai apply` and `status` against a real HTTP server on 127.0.0.1.

The server (tests/runai_server.py) keeps workloads in memory and refuses any body that does
not validate against seed 002's OpenAPI schema, so every create and PATCH manifold sends here
is a body the API takes. The repository is the runai-inference case (three Run:ai workloads
in dev) with dev's baseUrl pointing at the server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from manifold.targets.runai import reconcile
from manifold.targets.runai.client import ApiError, RetryPolicy, RunaiClient
from tests import runai_server
from tests.conftest import SHARED, SHARED_MISSING, CliResult, run_cli

TOKEN = "t0ken-that-must-never-be-printed"
STATE = ".manifold/runai/dev.json"
ALL = ["code/complete", "code/small", "search/embed"]

pytestmark = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"{SHARED_MISSING} (the server validates against the seed)"
)


@pytest.fixture
def server(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[runai_server.RunningServer]:
    """A control plane at API 2.22, or at the level a test gives (indirect parametrize)."""
    monkeypatch.setenv("RUNAI_TOKEN", TOKEN)
    monkeypatch.setattr(reconcile, "RETRY", RetryPolicy(attempts=4, backoff=0.001))
    monkeypatch.setattr(reconcile, "POLL_INTERVAL", 0.001)
    with runai_server.serve(TOKEN, getattr(request, "param", "2.22")) as running:
        yield running
    assert running.plane.faults == []


@pytest.fixture
def repo(tmp_path: Path, server: runai_server.RunningServer) -> Path:
    runai_server.copy_case(tmp_path, server.url)
    _render(tmp_path)
    return tmp_path


def _render(repo: Path) -> None:
    result = run_cli("render", "-C", str(repo), "--env", "dev")
    assert result.exit_code == 0, result.stderr


def _apply(repo: Path, *args: str) -> CliResult:
    result = run_cli("runai", "apply", "-C", str(repo), "--env", "dev", *args)
    assert TOKEN not in result.stdout + result.stderr
    return result


def _request(repo: Path, label: str) -> dict[str, Any]:
    project, name = label.split("/")
    path = repo / f"rendered/dev/_runai/{project}/inference-{name}.json"
    request: dict[str, Any] = json.loads(path.read_text())
    return request


def _state(repo: Path) -> dict[str, Any]:
    state: dict[str, Any] = json.loads((repo / STATE).read_text())
    return state


def _edit(repo: Path, file: str, old: str, new: str) -> None:
    path = repo / file
    text = path.read_text()
    assert old in text, (file, old)
    path.write_text(text.replace(old, new))
    _render(repo)


def _applied(repo: Path, server: runai_server.RunningServer) -> None:
    """Every rendered request is live on the control plane, exactly as rendered."""
    live = server.plane.live()
    for label in ALL:
        request = _request(repo, label)
        workload = live[request["name"]]
        assert workload["spec"] == request["spec"], label
        assert (workload["projectId"], workload["clusterId"]) == (
            request["projectId"],
            request["clusterId"],
        )


def test_dry_run_prints_the_plan_and_changes_nothing(
    repo: Path, server: runai_server.RunningServer
) -> None:
    result = _apply(repo, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"Run:ai plan for environment dev at {server.url}:" in result.stdout
    for label in ALL:
        assert f"+ create   {label}" in result.stdout
    assert "dry run: 3 changes planned; nothing was changed" in result.stdout
    assert server.plane.mutations() == []
    assert not (repo / STATE).exists()


def test_apply_creates_everything_then_has_nothing_to_do(
    repo: Path, server: runai_server.RunningServer
) -> None:
    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.index("Run:ai plan") < result.stdout.index("created  code/complete")
    assert "3 created, 0 updated, 0 replaced, 0 deleted, 0 unchanged" in result.stdout
    _applied(repo, server)
    state = _state(repo)
    assert sorted(entry["label"] for entry in state["workloads"].values()) == ALL
    assert TOKEN not in (repo / STATE).read_text()

    server.plane.calls.clear()
    again = _apply(repo)
    assert again.exit_code == 0, again.stderr
    assert "nothing to do (3 unchanged)" in again.stdout
    assert server.plane.mutations() == []
    assert _state(repo) == state


def test_changed_fields_are_patched_in_place(
    repo: Path, server: runai_server.RunningServer
) -> None:
    assert _apply(repo).exit_code == 0
    ids = {name: w["workloadId"] for name, w in server.plane.live().items()}
    # complete: a GPU portion becomes GPU memory (the portion must go), the image changes
    _edit(
        repo,
        "projects/code.yaml",
        "gpu: {count: 1, portion: 0.5, type",
        "gpu: {count: 1, memory: 20Gi, type",
    )
    _edit(repo, "projects/code.yaml", "vllm/vllm-openai:v0.8.5", "vllm/vllm-openai:v0.9.0")
    server.plane.calls.clear()

    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    assert "~ update   code/complete  project 12: compute, image" in result.stdout
    assert "0 created, 1 updated, 0 replaced, 0 deleted, 2 unchanged" in result.stdout
    patches = [c for c in server.plane.calls if c.method == "PATCH"]
    assert [c.path for c in patches] == [f"/api/v1/workloads/inferences/{ids['complete']}"]
    compute = patches[0].body["spec"]["compute"]
    assert compute["gpuPortionRequest"] is None
    assert compute["gpuRequestType"] == "memory"
    assert set(patches[0].body["spec"]) == {"compute", "image"}
    _applied(repo, server)
    assert {name: w["workloadId"] for name, w in server.plane.live().items()} == ids
    assert "nothing to do" in _apply(repo).stdout


def _ask_preemptible(repo: Path) -> None:
    """code/complete asks for what only Run:ai 2.24 has."""
    annotations = "annotations: {example.com/slo: p99-500ms}"
    own = f"{annotations}\n      runai: {{preemptibility: preemptible}}"
    _edit(repo, "projects/code.yaml", annotations, own)


@pytest.mark.parametrize("server", ["2.24"], indirect=True)
def test_at_2_24_preemptibility_is_sent_and_patched_in_place(
    repo: Path, server: runai_server.RunningServer
) -> None:
    """versions.md: 2.24's InferenceUpdateRequest has spec.preemptibility (2.22's has not)."""
    _ask_preemptible(repo)
    assert _apply(repo).exit_code == 0
    ids = {name: w["workloadId"] for name, w in server.plane.live().items()}
    assert server.plane.live()["complete"]["spec"]["preemptibility"] == "preemptible"
    _edit(
        repo,
        "projects/code.yaml",
        "{preemptibility: preemptible}",
        "{preemptibility: non-preemptible}",
    )
    server.plane.calls.clear()

    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    assert "~ update   code/complete  project 12: preemptibility" in result.stdout
    patches = [c for c in server.plane.calls if c.method == "PATCH"]
    assert [c.body for c in patches] == [{"spec": {"preemptibility": "non-preemptible"}}]
    assert {name: w["workloadId"] for name, w in server.plane.live().items()} == ids
    assert "nothing to do" in _apply(repo).stdout


def test_a_2_22_control_plane_refuses_what_2_24_added(
    repo: Path, server: runai_server.RunningServer
) -> None:
    """Why the level is checked before anything is sent: the 2.22 server refuses the field."""
    _ask_preemptible(repo)
    result = _apply(repo)
    assert result.exit_code == 1
    assert "'preemptibility' was unexpected" in result.stdout + result.stderr
    dev = repo / "environments/dev.yaml"
    dev.write_text(
        dev.read_text().replace('projectId: "12"', 'projectId: "12"\n      apiLevel: "2.22"')
    )
    rendered = run_cli("render", "-C", str(repo), "--env", "dev")
    assert rendered.exit_code != 0
    assert "preemptibility needs Run:ai API 2.24" in rendered.stderr


def test_a_field_the_api_cannot_patch_replaces_the_workload(
    repo: Path, server: runai_server.RunningServer
) -> None:
    assert _apply(repo).exit_code == 0
    before = server.plane.live()["complete"]["workloadId"]
    _edit(repo, "projects/code.yaml", "port: 8000\n", "port: 8001\n")
    server.plane.delete_slowly(3)
    server.plane.calls.clear()

    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    assert (
        "± replace  code/complete  project 12: servingPort cannot change in place" in result.stdout
    )
    assert server.plane.mutations() == [
        ("DELETE", f"/api/v1/workloads/inferences/{before}"),
        ("POST", "/api/v1/workloads/inferences"),
    ]
    after = server.plane.live()["complete"]["workloadId"]
    assert after != before
    _applied(repo, server)
    assert any(e["workloadId"] == after for e in _state(repo)["workloads"].values())


def test_only_workloads_manifold_created_are_deleted(
    repo: Path, server: runai_server.RunningServer
) -> None:
    assert _apply(repo).exit_code == 0
    embed = _request(repo, "search/embed")
    foreign = server.plane.add_foreign({**embed, "name": "legacy-embed"})
    (repo / "projects/search.yaml").unlink()
    _render(repo)
    server.plane.calls.clear()

    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    assert "- delete   search/embed  project 14: no longer rendered" in result.stdout
    assert [m for m, _ in server.plane.mutations()] == ["DELETE"]
    assert sorted(server.plane.live()) == ["complete", "legacy-embed", "small"]
    assert foreign in server.plane.workloads
    assert "search/embed" not in json.dumps(_state(repo))


def test_a_recorded_workload_that_is_not_manifolds_is_left_alone(
    repo: Path, server: runai_server.RunningServer
) -> None:
    assert _apply(repo).exit_code == 0
    foreign = server.plane.add_foreign(
        {**_request(repo, "search/embed"), "name": "embed", "spec": {}}
    )
    state = _state(repo)
    key = next(k for k, e in state["workloads"].items() if e["label"] == "search/embed")
    original = state["workloads"][key]["workloadId"]
    server.plane.workloads[original]["deletedAt"] = "2025-01-01T00:00:00+00:00"
    state["workloads"][key]["workloadId"] = foreign
    (repo / STATE).write_text(json.dumps(state))
    server.plane.calls.clear()

    result = _apply(repo)
    assert result.exit_code == 1
    assert (
        f"search/embed: the state file records workload {foreign}, but it has no " in result.stderr
    )
    assert "manifold leaves it alone" in result.stderr
    assert server.plane.mutations() == []


def test_workloads_deleted_or_changed_on_the_control_plane_are_put_back(
    repo: Path, server: runai_server.RunningServer
) -> None:
    assert _apply(repo).exit_code == 0
    live = server.plane.live()
    live["small"]["deletedAt"] = "2025-01-01T00:00:00+00:00"
    live["embed"]["spec"]["image"] = "someone/else:latest"

    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    assert "+ create   code/small    project 12: deleted outside manifold" in result.stdout
    assert (
        "~ update   search/embed  project 14: image (changed on the control plane)" in result.stdout
    )
    _applied(repo, server)


def test_a_failing_workload_does_not_stop_the_others(
    repo: Path, server: runai_server.RunningServer
) -> None:
    server.plane.fail(403, method="POST", name="small")
    result = _apply(repo)
    assert result.exit_code == 1
    assert (
        "rendered/dev/_runai/code/inference-small.json: create code/small: HTTP 403: "
        "injected failure" in result.stderr
    )
    assert "2 created, 0 updated, 0 replaced, 0 deleted, 0 unchanged; 1 failed" in result.stderr
    assert sorted(server.plane.live()) == ["complete", "embed"]
    assert sorted(e["label"] for e in _state(repo)["workloads"].values()) == [
        "code/complete",
        "search/embed",
    ]
    again = _apply(repo)
    assert again.exit_code == 0, again.stderr
    assert "1 created, 0 updated, 0 replaced, 0 deleted, 2 unchanged" in again.stdout
    _applied(repo, server)


def test_the_api_refusing_a_body_is_reported_with_its_message(
    repo: Path, server: runai_server.RunningServer
) -> None:
    server.plane.fail(400, method="POST", name="complete")
    result = _apply(repo)
    assert result.exit_code == 1
    assert "create code/complete: HTTP 400: injected failure" in result.stderr


def test_a_lost_state_file_adopts_what_the_control_plane_has(
    repo: Path, server: runai_server.RunningServer
) -> None:
    """The control plane is the truth: workloads found by (cluster, project, name) and
    labelled as this environment's are adopted, never created twice."""
    assert _apply(repo).exit_code == 0
    before = dict(server.plane.live())
    (repo / STATE).unlink()
    start = len(server.plane.calls)
    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    assert "nothing to do (3 unchanged, 3 adopted)" in result.stdout
    for label in ALL:
        assert f"& adopt    {label}" in result.stdout
    assert server.plane.live() == before
    assert [c for c in server.plane.calls[start:] if c.method != "GET"] == []
    again = _apply(repo)
    assert "nothing to do (3 unchanged)" in again.stdout


def test_a_stale_state_entry_finds_the_workload_again(
    repo: Path, server: runai_server.RunningServer
) -> None:
    """The state names a workload id the control plane no longer knows, while a workload of
    the same identity and this environment's labels lives under another id."""
    assert _apply(repo).exit_code == 0
    state = json.loads((repo / STATE).read_text())
    for entry in state["workloads"].values():
        entry["workloadId"] = "00000000-0000-4000-8000-000000000000"
    (repo / STATE).write_text(json.dumps(state))
    start = len(server.plane.calls)
    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    assert "3 adopted" in result.stdout
    assert [c for c in server.plane.calls[start:] if c.method != "GET"] == []


def test_a_same_named_workload_that_is_not_ours_is_left_alone(
    repo: Path, server: runai_server.RunningServer
) -> None:
    request = _request(repo, "code/complete")
    foreign = server.plane.add_foreign({**request, "spec": {"image": "someone/else"}})
    result = _apply(repo)
    assert result.exit_code == 1
    assert f"already has a workload named 'complete' (workload {foreign})" in result.stderr
    assert sum(1 for w in server.plane.workloads.values() if w["name"] == "complete") == 1
    assert server.plane.workloads[foreign]["spec"] == {"image": "someone/else"}


def test_503_is_retried_with_backoff(repo: Path, server: runai_server.RunningServer) -> None:
    server.plane.fail(503, method="POST", name="embed", times=3)
    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    posts = [c for c in server.plane.calls if c.method == "POST" and c.body["name"] == "embed"]
    assert len(posts) == 4
    _applied(repo, server)


def test_503_that_lasts_is_reported_after_the_last_attempt(
    repo: Path, server: runai_server.RunningServer
) -> None:
    server.plane.fail(503, method="POST", name="embed", times=10)
    result = _apply(repo)
    assert result.exit_code == 1
    assert "create search/embed: HTTP 503: injected failure" in result.stderr
    posts = [c for c in server.plane.calls if c.method == "POST" and c.body["name"] == "embed"]
    assert len(posts) == 4


def test_a_bad_token_stops_before_anything_changes(
    repo: Path, server: runai_server.RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _apply(repo).exit_code == 0
    server.plane.calls.clear()
    monkeypatch.setenv("RUNAI_TOKEN", "wrong-" + TOKEN)
    result = run_cli("runai", "apply", "-C", str(repo), "--env", "dev")
    assert result.exit_code == 1
    assert f"the Run:ai API at {server.url} refused the token in $RUNAI_TOKEN" in result.stderr
    assert "HTTP 401: Unauthorized: the token is not valid" in result.stderr
    assert "nothing was changed" in result.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert len(server.plane.calls) == 1


def test_a_missing_token_is_a_usage_error(
    repo: Path, server: runai_server.RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUNAI_TOKEN")
    result = _apply(repo)
    assert result.exit_code == 2
    assert "RUNAI_TOKEN is not set" in result.stderr
    assert server.plane.calls == []


@pytest.mark.parametrize("token", ["first\nsecond-half-of-it", "tab\there", "bell\x07x"])
def test_a_token_that_is_not_one_word_is_refused_unshown(
    token: str,
    repo: Path,
    server: runai_server.RunningServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A token with a line break used to reach http.client, whose error printed it whole
    inside a traceback."""
    monkeypatch.setenv("RUNAI_TOKEN", token)
    result = _apply(repo)
    assert result.exit_code == 2
    assert "RUNAI_TOKEN holds a line break, a space or a control character" in result.stderr
    assert "second-half" not in result.stderr and "Traceback" not in result.stderr
    assert server.plane.calls == []


def test_an_unreachable_control_plane_is_reported_per_workload(
    repo: Path, server: runai_server.RunningServer
) -> None:
    dev = repo / "environments/dev.yaml"
    dev.write_text(dev.read_text().replace(server.url, "http://127.0.0.1:9"))
    result = _apply(repo)
    assert result.exit_code == 1
    for label in ALL:
        assert f"{label}: cannot look it up: cannot reach the Run:ai API" in result.stderr
    assert not (repo / STATE).exists() or _state(repo)["workloads"] == {}


def test_status_shows_phases_sync_and_metrics(
    repo: Path, server: runai_server.RunningServer
) -> None:
    before = run_cli("runai", "status", "-C", str(repo), "--env", "dev")
    assert before.exit_code == 0, before.stderr
    assert "code/complete  12       -            -      not created" in before.stdout
    assert _apply(repo).exit_code == 0
    _edit(repo, "projects/search.yaml", "target: 40", "target: 30")

    result = run_cli("runai", "status", "-C", str(repo), "--env", "dev", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = {row["workload"]: row for row in json.loads(result.stdout)["workloads"]}
    assert rows["code/complete"]["phase"] == "Running"
    assert rows["code/complete"]["sync"] == "in sync"
    assert rows["search/embed"]["sync"] == "differs: autoscaling"
    assert (rows["code/small"]["throughput"], rows["code/small"]["latency"]) == ("4.25", "0.2")
    metrics = [
        c.path for c in server.plane.calls if c.path.endswith("/metrics") or "/metrics?" in c.path
    ]
    assert metrics and all("metricType=THROUGHPUT%2CLATENCY" in path for path in metrics)

    text = run_cli("runai", "status", "-C", str(repo), "--env", "dev")
    assert "WORKLOAD" in text.stdout and "THROUGHPUT" in text.stdout
    assert "search/embed" in text.stdout and "differs" in text.stdout


def test_apply_in_json_gives_the_plan(repo: Path, server: runai_server.RunningServer) -> None:
    result = _apply(repo, "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [(s["action"], s["workload"]) for s in payload["plan"]] == [
        ("create", label) for label in ALL
    ]


def test_the_server_refuses_what_the_seed_schema_refuses(
    repo: Path, server: runai_server.RunningServer
) -> None:
    client = RunaiClient(server.url, TOKEN, retry=RetryPolicy(attempts=1))
    request = _request(repo, "code/small")
    with pytest.raises(ApiError) as refused:
        client.create({**request, "spec": {**request["spec"], "replicas": 2}})
    assert refused.value.status == 400
    assert "'replicas' was unexpected" in refused.value.message
    created = client.create(request)
    with pytest.raises(ApiError) as patched:
        client.update(created["workloadId"], {"spec": {"servingPort": {"container": 80}}})
    assert patched.value.status == 400
    assert "'servingPort' was unexpected" in patched.value.message


def test_what_the_server_adds_of_its_own_is_not_a_change(
    repo: Path, server: runai_server.RunningServer
) -> None:
    assert _apply(repo).exit_code == 0
    for workload in server.plane.live().values():
        spec = workload["spec"]
        spec["labels"] = [{"name": "run.ai/injected", "value": "x"}, *spec["labels"]]
        spec["category"] = "Inference"
        spec.setdefault("compute", {})["largeShmRequest"] = False
    result = _apply(repo)
    assert result.exit_code == 0, result.stderr
    assert "nothing to do (3 unchanged)" in result.stdout


@pytest.mark.parametrize(
    "content",
    [
        b"\xff not json",
        b'{"format": 1, "environment": "dev", "workloads": []}',
        b'{"format": 1, "environment": "dev", "workloads": {"a": {"workloadId": 7}}}',
        b'{"format": 1, "environment": "dev", "workloads": {"a": '
        b'{"workloadId": "w", "label": "x", "applied": "text"}}}',
        b'{"format": 1, "environment": "prod", "workloads": {}}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_a_damaged_state_file_is_refused_with_a_message(
    content: bytes, repo: Path, server: runai_server.RunningServer
) -> None:
    state = repo / STATE
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(content)
    result = _apply(repo)
    assert result.exit_code == 1
    assert "cannot read the Run:ai state file" in result.stderr
    assert "Traceback" not in result.stderr
    assert server.plane.calls == []
    assert state.read_bytes() == content


@pytest.mark.parametrize("kind", [*runai_server.MISBEHAVIOURS, "storm"])
@pytest.mark.parametrize("at", [0, 2, 5])
def test_a_misbehaving_server_ends_the_run_cleanly(
    kind: str, at: int, repo: Path, server: runai_server.RunningServer
) -> None:
    """A broken answer at any point of a run: exit 1 with a message, the state file as it
    was (or holding only what was done), nothing created twice; the next run completes."""
    assert _apply(repo).exit_code == 0
    _render_with_a_new_label(repo)
    state_before = (repo / STATE).read_bytes()
    plane = server.plane
    plane.calls.clear()
    for _ in range(at):  # let the first requests through
        plane.misbehaviours.append("none")
    if kind == "storm":
        plane.fail(503, times=50)
    else:
        plane.misbehave(kind, times=3)
    started = time.monotonic()
    result = _apply(repo, "--timeout", "1")
    assert time.monotonic() - started < 20
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "cannot reach the Run:ai API" in result.stderr or "HTTP " in result.stderr
    json.loads((repo / STATE).read_text())  # whole, whatever was done
    plane.misbehaviours.clear()
    plane.failures.clear()
    healthy = _apply(repo)
    assert healthy.exit_code == 0, healthy.stderr
    assert "nothing to do" in _apply(repo).stdout
    names = [w["name"] for w in plane.workloads.values() if not w.get("deletedAt")]
    assert sorted(names) == sorted(set(names)), "a workload was created twice"
    assert state_before  # the first run's state existed before the faults


def _render_with_a_new_label(repo: Path) -> None:
    """A change every workload of the environment must take (labels update in place)."""
    dev = repo / "environments/dev.yaml"
    dev.write_text(
        dev.read_text().replace("environment-tier: development", "environment-tier: dev2")
    )
    _render(repo)
