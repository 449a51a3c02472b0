"""The documentation: the README is a short front page, docs/ a site MkDocs builds strictly,
and what the pages say about the CLI (its commands, its exit codes) is what the CLI does."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from manifold.cli.main import main
from manifold.core import errors
from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["--config-file", str(root / "mkdocs.yml"), "--site-dir", str(site)]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=root)


def _section(text: str, heading: str) -> str:
    """The lines under `heading` up to the next heading of its level or above."""
    level = heading.split(" ")[0]
    lines = text.split("\n")
    start = lines.index(heading) + 1
    end = next(
        (i for i in range(start, len(lines)) if re.match(rf"#{{1,{len(level)}}} ", lines[i])),
        len(lines),
    )
    return "\n".join(lines[start:end])


def _table_rows(section: str) -> list[list[str]]:
    """The cells of the section's first table, its header and rule left out."""
    lines = section.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return [
        [cell.strip() for cell in row.strip("|").split(" | ")] for row in lines[start + 2 : end]
    ]


# --------------------------------------------------------------------------- the site


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    result = _build(REPO_ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize(
    ("page", "text", "complaint"),
    [
        ("ome.md", "[gone](no-such-page.md)", "'no-such-page.md', but the target is not found"),
        ("ome.md", "[gone](commands.md#no-such-heading)", "does not contain an anchor"),
        ("ome.md", "[gone](/commands/)", "absolute link"),
        ("stray.md", "# A page nav does not list", 'not included in the "nav"'),
    ],
)
def test_the_strict_build_fails_on(tmp_path: Path, page: str, text: str, complaint: str) -> None:
    root = tmp_path / "repo"
    shutil.copytree(DOCS, root / "docs")
    shutil.copy(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    target = root / "docs" / page
    before = target.read_text() if target.exists() else ""
    target.write_text(before + "\n" + text + "\n")
    result = _build(root, tmp_path / "site")
    assert result.returncode != 0, "a strict build must refuse this"
    assert complaint in result.stderr, result.stderr


# --------------------------------------------------------------------------- the README


def test_the_readme_is_a_short_front_page() -> None:
    text = README.read_text()
    assert len(text.splitlines()) < 300
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings == ["Set-up", "A five-minute tour", "Performance", "Documentation"]


def _tables(text: str) -> dict[str, str]:
    """Each Markdown table of `text`, by its header row."""
    tables: dict[str, str] = {}
    rows: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            tables[rows[0]] = "\n".join(rows)
            rows = []
    return tables


def test_the_readme_shows_the_benchmarks_latest_tables() -> None:
    """The README's Performance section is the performance page's latest results and
    targets, as bench/run.py printed them, and its N = 10,000 table: both are updated
    together or this fails."""
    readme = _tables(README.read_text().split("\n## Performance\n")[1].split("\n## ")[0])
    page = _tables((DOCS / "performance.md").read_text().split("\n## Latest results\n")[1])
    assert len(readme) == 3
    for header, table in readme.items():
        assert page.get(header) == table, header


def test_the_readme_links_to_files_that_exist() -> None:
    targets = [t for t in _LINK.findall(README.read_text()) if "://" not in t]
    assert targets, "the README links into docs/"
    for target in targets:
        assert (REPO_ROOT / target.split("#")[0]).exists(), target


def test_the_readme_links_every_page() -> None:
    linked = set(_LINK.findall(README.read_text()))
    assert {f"docs/{page.name}" for page in DOCS.glob("*.md") if page.name != "index.md"} <= linked


def test_the_site_opens_with_the_readme() -> None:
    """The site's home page is the README's text up to its links (which point into docs/
    from the repository, and within it from the site)."""
    readme = README.read_text().split("\n## Documentation\n")[0]
    home = (DOCS / "index.md").read_text().split("\n## The reference\n")[0]
    assert home == readme


# --------------------------------------------------------------------------- the CLI


def _leaf_commands(group: click.Group, prefix: str = "") -> set[str]:
    """Every command as `--help` lists it, the platforms' groups (mounted when used) too."""
    found = set()
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found |= _leaf_commands(command, f"{prefix}{name} ")
        else:
            found.add(prefix + name)
    return found


def _documented_command(cell: str) -> str:
    """`manifold runai apply -e ENV [--dry-run]` -> `runai apply`."""
    words = cell.strip("`").split()
    assert words[0] == "manifold", cell
    named = []
    for word in words[1:]:
        if not re.fullmatch(r"[a-z]+", word):
            break
        named.append(word)
    return " ".join(named)


def test_the_commands_table_lists_every_command() -> None:
    section = _section((DOCS / "commands.md").read_text(), "# Commands")
    documented = {_documented_command(row[0]) for row in _table_rows(section)}
    assert isinstance(main, click.Group)
    assert documented == _leaf_commands(main)


def test_the_commands_table_names_only_options_the_commands_take() -> None:
    section = _section((DOCS / "commands.md").read_text(), "# Commands")
    for row in _table_rows(section):
        named = _documented_command(row[0])
        command: click.Command = main
        for word in named.split():
            assert isinstance(command, click.Group)
            found = command.get_command(click.Context(command), word)  # platforms' are lazy
            assert found is not None, named
            command = found
        taken = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        for option in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", row[0]):
            assert option in taken, f"{named}: {option}"


def test_the_exit_code_table_lists_every_code() -> None:
    section = _section((DOCS / "commands.md").read_text(), "## Exit codes")
    documented = {int(row[0]) for row in _table_rows(section)}
    codes = {getattr(errors, name) for name in dir(errors) if name.startswith("EXIT_")}
    assert documented == codes
