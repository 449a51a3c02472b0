"""`manifold init`: a new repository that is complete from its first minute: it renders and
passes `manifold check`, git tracks it, its pull requests are checked (a GitHub workflow and
a pre-commit hook) and editors complete and check its YAML from schemas/.

The skeleton ships inside the package (src/manifold/skeleton/). Names starting with a dot
are stored as `dot-<name>`, because package data globs skip hidden files and folders; the
marker `@VERSION@` becomes the running manifold's version, so the workflow installs the
release that created the repository.
"""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from manifold import __version__
from manifold.core.errors import UsageProblem
from manifold.core.options import InitOptions, RenderOptions, SchemasOptions
from manifold.core.outcome import Outcome
from manifold.gitops.location import repository_prefix
from manifold.pipeline import commands as pipeline

VERSION_MARKER = "@VERSION@"
HIDDEN_PREFIX = "dot-"


def _name(stored: str) -> str:
    return "." + stored.removeprefix(HIDDEN_PREFIX) if stored.startswith(HIDDEN_PREFIX) else stored


def _files(folder: Traversable, prefix: str = "") -> dict[str, str]:
    files: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        relative = f"{prefix}{_name(entry.name)}"
        if entry.is_dir():
            files.update(_files(entry, relative + "/"))
        elif not entry.name.endswith((".pyc", ".pyo")):
            text = entry.read_text(encoding="utf-8")
            files[relative] = text.replace(VERSION_MARKER, __version__)
    return files


def _existing_ancestor(directory: Path) -> Path:
    for folder in (directory, *directory.parents):
        if folder.is_dir():
            return folder
    return directory


def _git_init(directory: Path) -> str:
    """Make the new folder a git repository, unless it already is inside one."""
    if repository_prefix(_existing_ancestor(directory.resolve())) is not None:
        return "inside an existing git repository"
    if shutil.which("git") is None:
        return "git is not installed: run `git init` there later"
    result = subprocess.run(
        ["git", "init", "--quiet", "--initial-branch=main", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return f"`git init` failed: {result.stderr.strip()}"
    return NEW_REPOSITORY


NEW_REPOSITORY = "a new git repository (branch main)"


def _first_commit(directory: Path) -> str:
    """Commit the new repository as created, so that `manifold diff` has a `main` to compare
    with from the start; with no git identity configured, leave that to the user."""
    for command in (["add", "--all"], ["commit", "--quiet", "--message=manifold init"]):
        result = subprocess.run(
            ["git", *command], cwd=directory, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            return "not committed: git add --all && git commit"
    return "first commit on main"


def init(options: InitOptions) -> Outcome:
    directory = options.directory
    if directory.exists() and any(directory.iterdir()):
        raise UsageProblem(f"{directory} exists and is not empty; choose a new folder")
    git = _git_init(directory)
    files = _files(resources.files("manifold") / "skeleton")
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    pipeline.generate_schemas(SchemasOptions(directory))
    rendered = pipeline.render(RenderOptions(directory), lambda _: None, None)
    if git == NEW_REPOSITORY:
        git = f"{git}, {_first_commit(directory)}"
    return Outcome(
        f"created {directory} ({len(files)} files, {git}); {rendered.summary}. "
        f"Next: edit {Path('projects', 'example.yaml')} and run `manifold render -C {directory}`",
        rendered.diagnostics,
    )
