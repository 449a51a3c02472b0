"""Versions as OME's runtime selector reads and compares them: at most three parts, an optional
`v`, pre-release, build and development tags, leading zeros refused; a runtime with
GreaterThan(OrEqual) serves models up to its version, tagged versions only on equality.
(Rows from upstream's own selector tests: tests/unit/targets/ome/test_selection_rules.py.)"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifold.targets.ome.versions import Operator, compare, parse, satisfies


@pytest.mark.parametrize(
    ("text", "release", "tags", "precision"),
    [
        ("1", (1, 0, 0), ((), (), ()), 1),
        ("v1.2", (1, 2, 0), ((), (), ()), 2),
        ("1.2.3-rc.1+b5", (1, 2, 3), (("rc", "1"), ("b5",), ()), 3),
        ("4.42.3.dev0", (4, 42, 3), ((), (), ("dev0",)), 3),
    ],
)
def test_parse(
    text: str, release: tuple[int, int, int], tags: tuple[tuple[str, ...], ...], precision: int
) -> None:
    version = parse(text)
    assert version is not None
    assert (version.release, (version.pre, version.build, version.dev)) == (release, tags)
    assert version.precision == precision


@pytest.mark.parametrize("text", ["", "01.2", "1.x", "1.2.3-", "V1", "1..2", "a"])
def test_what_ome_refuses(text: str) -> None:
    assert parse(text) is None


@pytest.mark.parametrize(
    ("model", "runtime", "operator", "serves"),
    [
        ("1.0.0", "1.0.0", None, True),
        ("1.0.0", "1.0.1", "Equal", False),
        ("1.0.0", "1.0.1", "GreaterThan", True),
        ("1.0.1", "1.0.1", "GreaterThan", False),
        ("1.0.1", "1.0.1", "GreaterThanOrEqual", True),
        ("1.0", "1.0.1", "GreaterThan", False),  # parts written differ
        ("v1.0.0", "1.0.1", "GreaterThan", False),  # prefixes differ
        ("1.0.0-rc1", "1.0.1", "GreaterThan", False),  # tagged: equality only
        ("1.0.0-rc1", "1.0.0-rc1", "GreaterThan", True),
        ("bad", "1.0.0", None, False),
    ],
)
def test_satisfies(model: str, runtime: str, operator: Operator | None, serves: bool) -> None:
    assert satisfies(model, runtime, operator) is serves


_VERSIONS = st.builds(
    lambda major, minor, patch, tag: f"{major}.{minor}.{patch}" + (f"-{tag}" if tag else ""),
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(0, 3),
    st.sampled_from(["", "rc1", "rc2", "a.b"]),
)


@given(_VERSIONS, _VERSIONS, _VERSIONS)
def test_compare_is_a_total_order(a: str, b: str, c: str) -> None:
    x, y, z = parse(a), parse(b), parse(c)
    assert x is not None and y is not None and z is not None
    assert compare(x, x) == 0
    assert compare(x, y) == -compare(y, x)
    if compare(x, y) <= 0 and compare(y, z) <= 0:
        assert compare(x, z) <= 0
