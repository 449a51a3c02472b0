"""`manifold validate --kubeconform` with a stand-in for kubeconform.

kubeconform cannot be installed on the development machines, so a small program named
`kubeconform` is put first on PATH. It records how it was called and which files it would
read (walking its folder arguments and honouring -ignore-filename-pattern, as kubeconform
does), then prints a prepared report in kubeconform's `-output json -summary` format and
exits with the prepared code. The GitHub workflow runs the real binary.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from manifold.manifests.kubeconform import IGNORED_FILES, SCHEMA_TEMPLATE
from manifold.output.header import REQUEST_INDEX
from tests.conftest import REPO_ROOT, run_cli

STAND_IN = """\
#!{python}
import json, os, re, sys
from pathlib import Path

VALUED = {{"-output", "-kubernetes-version", "-schema-location", "-ignore-filename-pattern"}}
args, targets, ignored, version = sys.argv[1:], [], [], None
index = 0
while index < len(args):
    if args[index] in VALUED:
        if args[index] == "-ignore-filename-pattern":
            ignored.append(re.compile(args[index + 1]))
        if args[index] == "-kubernetes-version":
            version = args[index + 1]
        index += 2
        continue
    if not args[index].startswith("-"):
        targets.append(args[index])
    index += 1
files = sorted(
    path.as_posix()
    for target in targets
    for path in (sorted(Path(target).rglob("*")) if Path(target).is_dir() else [Path(target)])
    if path.is_file() and not any(p.search(path.as_posix()) for p in ignored)
)
with open(os.environ["STAND_IN_CALLS"], "a") as calls:
    calls.write(json.dumps({{"args": args, "cwd": os.getcwd(), "files": files}}) + "\\n")
scenario = json.loads(Path(os.environ["STAND_IN_SCENARIO"]).read_text())
answer = scenario.get(version) or scenario.get("*") or {{
    "report": {{"resources": [], "summary": {{"valid": len(files), "invalid": 0, "errors": 0,
                                             "skipped": 0}}}},
    "exit": 0,
}}
print(answer["report"] if isinstance(answer["report"], str) else json.dumps(answer["report"],
                                                                              indent=2))
sys.exit(answer["exit"])
"""

CHAT = "rendered/prod/chat-assistant/inferenceservice-chat.yaml"


@dataclass
class StandIn:
    folder: Path

    def answer(self, version: str, report: dict[str, Any] | str, exit_code: int) -> None:
        scenario_file = self.folder / "scenario.json"
        scenario = json.loads(scenario_file.read_text())
        scenario[version] = {"report": report, "exit": exit_code}
        scenario_file.write_text(json.dumps(scenario))

    def calls(self) -> list[dict[str, Any]]:
        calls_file = self.folder / "calls.jsonl"
        if not calls_file.exists():
            return []
        return [json.loads(line) for line in calls_file.read_text().splitlines()]


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StandIn:
    folder = tmp_path / "stand-in"
    folder.mkdir()
    program = folder / "kubeconform"
    program.write_text(STAND_IN.format(python=sys.executable))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    (folder / "scenario.json").write_text("{}")
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("STAND_IN_CALLS", str(folder / "calls.jsonl"))
    monkeypatch.setenv("STAND_IN_SCENARIO", str(folder / "scenario.json"))
    return StandIn(folder)


def _report(*resources: dict[str, Any], valid: int = 20) -> dict[str, Any]:
    invalid = sum(1 for r in resources if r["status"] == "statusInvalid")
    errors = sum(1 for r in resources if r["status"] == "statusError")
    return {
        "resources": list(resources),
        "summary": {"valid": valid, "invalid": invalid, "errors": errors, "skipped": 0},
    }


def _chat(status: str, msg: str, **more: Any) -> dict[str, Any]:
    """kubeconform's result for the prod chat InferenceService."""
    kind = {"kind": "InferenceService", "version": "ome.io/v1beta1"}
    return {"filename": CHAT, **kind, "status": status, "msg": msg, **more}


def _validate(*extra: str) -> tuple[int, list[dict[str, Any]], str]:
    result = run_cli("validate", "-C", str(REPO_ROOT), "--format", "json", *extra)
    payload = json.loads(result.stdout)
    return result.exit_code, payload["diagnostics"], payload["message"]


def test_arguments_and_files(stand_in: StandIn) -> None:
    code, diagnostics, message = _validate("--kubeconform")
    assert code == 0, diagnostics
    calls = stand_in.calls()
    # dev, staging and prod check built-in kinds against Kubernetes 1.31 (their
    # kubernetesVersion); the Flux and Argo CD folders against the default, 1.33.
    assert [call["args"][call["args"].index("-kubernetes-version") + 1] for call in calls] == [
        "1.31.0",
        "1.33.0",
    ]
    for call in calls:
        args = call["args"]
        assert args[:4] == ["-strict", "-summary", "-output", "json"]
        locations = [args[i + 1] for i, arg in enumerate(args) if arg == "-schema-location"]
        assert locations == [f"{REPO_ROOT / 'schemas'}/{SCHEMA_TEMPLATE}", "default"]
        assert Path(call["cwd"]) != REPO_ROOT, "kubeconform reads a temporary copy"
    assert calls[0]["args"][-3:] == ["rendered/dev", "rendered/prod", "rendered/staging"]
    assert calls[1]["args"][-2:] == ["rendered/_argocd", "rendered/_flux"]
    read = sorted(file for call in calls for file in call["files"])
    requests = {index.parent for index in (REPO_ROOT / "rendered").glob(f"*/_*/*/{REQUEST_INDEX}")}
    committed = sorted(
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "rendered").rglob("*.yaml")
        if path.name != "kustomization.yaml" and not requests.intersection(path.parents)
    )
    assert requests, "the example has Run:ai requests, which no kustomization lists"
    assert read == committed, "every object file, and no kustomization.yaml or API request"
    assert message.endswith(f"kubeconform: {len(committed)} valid, 0 invalid, 0 errors, 0 skipped")


def test_invalid_fields_are_reported_where_they_are(stand_in: StandIn) -> None:
    stand_in.answer(
        "1.31.0",
        _report(
            _chat(
                "statusInvalid",
                "jsonschema validation failed with '...' - at '/spec/engine/maxReplicas': "
                "got integer, want string",
                name="chat",
                validationErrors=[
                    {"path": "/spec/engine/maxReplicas", "msg": "got integer, want string"}
                ],
            )
        ),
        1,
    )
    code, diagnostics, _ = _validate()
    assert code == 1
    [diagnostic] = diagnostics
    lines = (REPO_ROOT / CHAT).read_text().splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if "maxReplicas" in text)
    assert (diagnostic["file"], diagnostic["line"], diagnostic["column"]) == (CHAT, line, 18)
    assert diagnostic["path"] == "spec.engine.maxReplicas"
    assert diagnostic["message"] == (
        "kubeconform: InferenceService 'chat' is invalid at spec.engine.maxReplicas: "
        "got integer, want string"
    )


def test_reports_without_validation_errors(stand_in: StandIn) -> None:
    """kubeconform before 0.6.4 gives only a message, and no name."""
    stand_in.answer(
        "1.31.0",
        _report(
            _chat(
                "statusInvalid",
                "For field spec.engine: Additional property replicas is not allowed",
            )
        ),
        1,
    )
    code, [diagnostic], _ = _validate()
    assert code == 1
    assert diagnostic["message"] == (
        "kubeconform: InferenceService is invalid: "
        "For field spec.engine: Additional property replicas is not allowed"
    )
    assert (diagnostic["file"], diagnostic["line"]) == (CHAT, 1)


def test_resources_that_could_not_be_checked(stand_in: StandIn) -> None:
    stand_in.answer(
        "1.33.0",
        _report(
            {
                "filename": "rendered/_flux/prod/gitrepository-manifold-prod.yaml",
                "kind": "GitRepository",
                "name": "manifold-prod",
                "version": "source.toolkit.fluxcd.io/v1",
                "status": "statusError",
                "msg": "could not find schema for GitRepository",
            }
        ),
        1,
    )
    code, [diagnostic], message = _validate()
    assert code == 1
    assert "0 invalid, 1 error, 0 skipped" in message
    assert diagnostic["message"] == (
        "kubeconform could not check GitRepository 'manifold-prod': "
        "could not find schema for GitRepository"
    )
    assert "manifold schemas generate" in diagnostic["hint"]


def test_skipped_resources_are_not_problems(stand_in: StandIn) -> None:
    report = _report(_chat("statusSkipped", "", name="chat"))
    report["summary"]["skipped"] = 1
    stand_in.answer("1.31.0", report, 0)
    code, diagnostics, message = _validate()
    assert (code, diagnostics) == (0, [])
    assert "1 skipped" in message


@pytest.mark.parametrize(
    ("stdout", "exit_code"),
    [
        ("failed initialising schema location registry: template: bad", 1),
        ("invalid value for flag -kubernetes-version", 2),
        (json.dumps(_report()), 1),  # exit 1 means a failure, yet none is listed
    ],
)
def test_a_run_that_reports_nothing_readable_fails(
    stand_in: StandIn, stdout: str, exit_code: int
) -> None:
    stand_in.answer("1.31.0", stdout, exit_code)
    code, [diagnostic], _ = _validate()
    assert code == 1
    assert diagnostic["message"].startswith(f"kubeconform failed (exit {exit_code})")


class TestWhetherItRuns:
    def test_on_path_it_runs_by_default(self, stand_in: StandIn) -> None:
        assert _validate()[0] == 0
        assert len(stand_in.calls()) == 2

    def test_turned_off(self, stand_in: StandIn) -> None:
        code, _, message = _validate("--no-kubeconform")
        assert code == 0
        assert stand_in.calls() == []
        assert "kubeconform" not in message

    def test_not_installed(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PATH", str(tmp_path))
        code, _, message = _validate()
        assert code == 0
        assert message.endswith("(kubeconform is not on PATH: not run)")
        required = run_cli("validate", "-C", str(REPO_ROOT), "--kubeconform")
        assert required.exit_code == 2
        assert "kubeconform is not installed (not on PATH)" in required.stderr
        assert "Traceback" not in required.stderr


def test_an_environment_with_imported_schemas_runs_with_them_first(
    stand_in: StandIn, shared: Path, example_repo: Path
) -> None:
    released = shared / "reference" / "ome" / "crds" / "main" / "full"
    crds = [str(p) for p in sorted(released.iterdir()) if ".pruned." not in p.name]
    imported = run_cli("schemas", "import", *crds, "--env", "prod", "-C", str(example_repo))
    assert imported.exit_code == 0, imported.stderr
    result = run_cli("validate", "-C", str(example_repo), "--kubeconform")
    assert result.exit_code == 0, result.stderr
    schemas = example_repo.resolve() / "schemas"
    runs = {
        tuple(call["args"][-3:]): [
            call["args"][i + 1] for i, arg in enumerate(call["args"]) if arg == "-schema-location"
        ]
        for call in stand_in.calls()
    }
    mine = f"{schemas / 'environments' / 'prod'}/{SCHEMA_TEMPLATE}"
    assert runs[("-ignore-filename-pattern", IGNORED_FILES, "rendered/prod")] == [
        mine,
        f"{schemas}/{SCHEMA_TEMPLATE}",
        "default",
    ]
    others = runs[(IGNORED_FILES, "rendered/dev", "rendered/staging")]
    assert others == [f"{schemas}/{SCHEMA_TEMPLATE}", "default"]
