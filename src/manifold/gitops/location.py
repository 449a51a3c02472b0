"""Where the manifold repository sits inside its git repository, checked against `sync.root`.

Flux and Argo CD read paths from the root of the git repository. When manifold's folder is a
subfolder of a larger repository (a monorepo) and no environment says so in `sync.root`, the
objects would point at `rendered/<env>` where nothing exists. manifold refuses rather than
guessing: the rendered files then do not depend on whether the tree is a git checkout (a
tarball or an exported copy renders the same bytes), and the setting that fixes it is named,
with its value, in the message. Outside git nothing is checked.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from manifold.core.diagnostics import Diagnostic
from manifold.gitops.settings import sync_diagnostic
from manifold.inputs.resolved import ResolvedEnvironment


def repository_prefix(root: Path) -> str | None:
    """`root`'s folder relative to the top of its git work tree ('' at the top), or None
    when it is in no git work tree or git is not installed."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree", "--show-prefix"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    lines = result.stdout.splitlines()
    if result.returncode != 0 or not lines or lines[0] != "true":
        return None
    return lines[1].rstrip("/") if len(lines) > 1 else ""


def root_problems(
    environments: Mapping[str, ResolvedEnvironment], prefix: str | None
) -> list[Diagnostic]:
    """An error for each environment whose `sync.root` is not where the repository is."""
    if prefix is None:
        return []
    problems = []
    for name in sorted(environments):
        environment = environments[name]
        sync = environment.spec.sync
        if sync is None or (sync.root or "") == prefix:
            continue
        where = f"at {prefix!r}" if prefix else "at the root"
        if sync.root:
            message = (
                f"sync.root is {sync.root!r} but this repository is {where} of its git "
                "repository: Flux and Argo CD would look for rendered/ where it is not"
            )
            path: tuple[str, ...] = ("root",)
        else:
            message = (
                f"this repository is {where} of its git repository, and sync.root is not "
                "set: Flux and Argo CD would look for rendered/ at the top of the git repository"
            )
            path = ()
        hint = f"set `root: {prefix}` under sync" if prefix else "remove sync.root"
        problems.append(sync_diagnostic(environment, path, message, hint=hint))
    return problems
