"""Optional output fields: set when given, left out when None, in the order given."""

from __future__ import annotations

from manifold.targets.given import put_given


def test_given_values_are_set_in_order_and_none_left_out() -> None:
    fields: dict[str, object] = {"name": "a"}
    put_given(fields, {"zeta": 1, "alpha": None, "beta": False, "gamma": ""})
    assert list(fields.items()) == [("name", "a"), ("zeta", 1), ("beta", False), ("gamma", "")]
