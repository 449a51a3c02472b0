"""The Kubernetes dialect used for `validate PATH`: duplicate keys (the last wins), scalar keys
as strings and YAML 1.1 scalars, as Kubernetes' own reader reads them."""

from __future__ import annotations

import pytest

from manifold.core import yaml as yamlio


class TestKubernetesDialect:
    LENIENT = yamlio.Dialect(duplicate_keys=True, string_keys=True, yaml_1_1=True)

    def test_the_last_duplicate_wins(self) -> None:
        assert yamlio.load_all("a: 1\na: 2\n", self.LENIENT) == [{"a": 2}]

    def test_scalar_keys_become_strings(self) -> None:
        text = "data:\n  5: x\n  3.14: w\n  true: z\n"
        assert yamlio.load_all(text, self.LENIENT) == [
            {"data": {"5": "x", "3.14": "w", "true": "z"}}
        ]

    def test_yaml_1_1_scalars(self) -> None:
        assert yamlio.load_all("a: yes\nb: 0755\n", self.LENIENT) == [{"a": True, "b": 493}]

    def test_list_keys_are_still_refused(self) -> None:
        with pytest.raises(yamlio.YamlError):
            yamlio.load_all("? [a, b]\n: c\n", self.LENIENT)
