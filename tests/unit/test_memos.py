"""What a process keeps between renders goes through one object, `core.memo.Memo`, made by
the command and passed down (docs/architecture.md, "What a process keeps between renders").

The compiler (its targets and models too), the input readers and the project cache's reader
keep no answers of their own: none of their modules binds a name to an empty dictionary,
list or set at module level (a memo waiting to be filled) or rebinds a module's name from a
function (`global`). The import contracts (`make lint`) keep `compile/` and `inputs/` from
importing `reuse/`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import manifold

SOURCE = Path(manifold.__file__).parent
WITHOUT_MEMOS = sorted(
    [
        *(SOURCE / "compile").rglob("*.py"),
        *(SOURCE / "inputs").rglob("*.py"),
        *(SOURCE / "models").rglob("*.py"),
        *(SOURCE / "targets").rglob("*.py"),
        *(
            SOURCE / "reuse" / name
            for name in ("readback.py", "incremental.py", "seal.py", "treestate.py")
        ),
    ]
)
_EMPTY_CALLS = frozenset({"dict", "list", "set", "OrderedDict", "defaultdict"})


def _kept(tree: ast.Module) -> list[str]:
    """Where a module keeps something of its own: line and name."""
    found = []
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        empty = (
            (isinstance(value, ast.Dict) and not value.keys)
            or (isinstance(value, ast.List | ast.Set) and not value.elts)
            or (isinstance(value, ast.Call) and ast.unparse(value.func) in _EMPTY_CALLS)
        )
        if empty:
            found.append(f"{node.lineno}: {ast.unparse(node).split('=')[0].strip()}")
    found += [
        f"{node.lineno}: global {', '.join(node.names)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Global)
    ]
    return found


@pytest.mark.parametrize("path", WITHOUT_MEMOS, ids=lambda p: p.relative_to(SOURCE).as_posix())
def test_no_module_keeps_answers_of_its_own(path: Path) -> None:
    assert _kept(ast.parse(path.read_text())) == [], "pass a core.memo.Memo down instead"


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("_seen: dict[str, int] = {}", ["1: _seen: dict[str, int]"]),
        ("_seen = set()", ["1: _seen"]),
        ("def f():\n    global _on\n    _on = True", ["2: global _on"]),
        ("NAMES = {'a': 1}", []),
        ("def f():\n    seen = {}\n    return seen", []),
    ],
)
def test_what_counts_as_keeping(source: str, kept: list[str]) -> None:
    assert _kept(ast.parse(source)) == kept
