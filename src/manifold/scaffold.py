"""`manifold init`: a new repository that renders and passes `manifold check` at once."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from manifold import pipeline
from manifold.errors import UsageProblem
from manifold.options import InitOptions, RenderOptions, SchemasOptions
from manifold.outcome import Outcome


def _files(folder: Traversable, prefix: str = "") -> dict[str, str]:
    files: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            files.update(_files(entry, relative + "/"))
        elif not entry.name.endswith((".pyc", ".pyo")):
            files[relative] = entry.read_text(encoding="utf-8")
    return files


def init(options: InitOptions) -> Outcome:
    directory = options.directory
    if directory.exists() and any(directory.iterdir()):
        raise UsageProblem(f"{directory} exists and is not empty; choose a new folder")
    files = _files(resources.files("manifold") / "skeleton")
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    pipeline.generate_schemas(SchemasOptions(directory))
    rendered = pipeline.render(RenderOptions(directory), lambda _: None, None)
    return Outcome(
        f"created {directory} ({len(files)} files); {rendered.summary}. "
        f"Next: edit {Path('projects', 'example.yaml')} and run `manifold render -C {directory}`",
        rendered.diagnostics,
    )
