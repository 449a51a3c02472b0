"""Every module of `src/manifold/` has a unit test file at the mirrored path, so that a broken
rule fails a test named after the module that holds it rather than a whole-tree snapshot.

The mirror of `src/manifold/<path>/<module>.py` is `tests/unit/<path>/test_<module>.py`. A
package's `__init__.py` is exempt when it only re-exports (its body is a docstring, imports and
dunder names such as `__all__`); one that defines something (a platform's `Target`, a table of
input kinds) is mirrored by `tests/unit/<path>/test_<package>.py`, the test of the package
itself. `__main__.py` is mirrored like a module (`test___main__.py`).

`NOT_YET_MIRRORED` lists the modules still without one; it may only shrink: a listed module that
has gained its test file fails too, so that the list is kept honest."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "manifold"
UNIT_TESTS = Path(__file__).resolve().parent

# Modules (paths under src/manifold/) whose mirrored test is still to be written.
NOT_YET_MIRRORED: frozenset[str] = frozenset()


def only_reexports(init: Path) -> bool:
    """True when a package's `__init__.py` holds nothing a test could check: a docstring,
    imports and assignments to dunder names (`__all__`, `__version__`)."""
    for statement in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if all(isinstance(t, ast.Name) and t.id.startswith("__") for t in targets):
                continue
        return False
    return True


def mirrored_test(module: Path, source: Path = SOURCE, tests: Path = UNIT_TESTS) -> Path | None:
    """The unit test file `module` (a file under `source`) must have, or None when exempt."""
    relative = module.relative_to(source)
    if module.name == "__init__.py":
        if only_reexports(module):
            return None
        package = relative.parent
        name = package.name or source.name
        return tests / package / f"test_{name}.py"
    return tests / relative.parent / f"test_{relative.name}"


def modules_without_tests(source: Path = SOURCE, tests: Path = UNIT_TESTS) -> list[str]:
    """Paths (under `source`, POSIX form) of modules whose mirrored test file does not exist."""
    missing = []
    for module in sorted(source.rglob("*.py")):
        expected = mirrored_test(module, source, tests)
        if expected is not None and not expected.is_file():
            missing.append(module.relative_to(source).as_posix())
    return missing


def test_every_module_has_a_mirrored_unit_test() -> None:
    missing = [path for path in modules_without_tests() if path not in NOT_YET_MIRRORED]
    assert not missing, "modules without tests/unit/<path>/test_<module>.py:\n  " + "\n  ".join(
        f"src/manifold/{path} -> tests/unit/"
        + mirrored_test(SOURCE / path).relative_to(UNIT_TESTS).as_posix()  # type: ignore[union-attr]
        for path in missing
    )


def test_the_list_of_modules_still_without_tests_only_shrinks() -> None:
    missing = set(modules_without_tests())
    mirrored_now = sorted(NOT_YET_MIRRORED - missing)
    assert not mirrored_now, "tested or gone, remove from NOT_YET_MIRRORED: " + ", ".join(
        mirrored_now
    )


def test_a_module_without_its_mirror_is_named(tmp_path: Path) -> None:
    source, tests = tmp_path / "src", tmp_path / "tests"
    files = {
        "source/__init__.py": '"""doc"""\nfrom pkg.a import x\n__all__ = ["x"]\n',
        "source/a.py": "x = 1\n",
        "source/sub/__init__.py": "TABLE = {}\n",
        "source/sub/b.py": "",
        "source/sub/c.py": "",
        "tests/test_a.py": "",
        "tests/sub/test_b.py": "",
    }
    for name, text in files.items():
        path = tmp_path / name.replace("source/", "src/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert modules_without_tests(source, tests) == ["sub/__init__.py", "sub/c.py"]
    package_test = mirrored_test(source / "sub" / "__init__.py", source, tests)
    assert package_test == tests / "sub" / "test_sub.py"
    assert mirrored_test(source / "__init__.py", source, tests) is None
