"""Environment variables as the input writes them (`manifold.models.env`): exactly one of
value, secret, configMap or field per variable, each with its own model; names as a
container takes them."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from manifold.models.env import (
    EnvFromConfigMap,
    EnvFromField,
    EnvFromSecret,
    EnvValue,
    EnvVar,
)
from tests.unit.models import corpus

ENV_VAR: TypeAdapter[Any] = TypeAdapter(EnvVar)
ONE_OF = "an environment variable needs exactly one of value, secret, configMap or field"


class TestEnvModels(corpus.CorpusTests):
    module = "manifold.models.env"


@pytest.mark.parametrize(
    ("data", "model"),
    [
        ({"name": "MODE", "value": "fast"}, EnvValue),
        ({"name": "TOKEN", "secret": {"name": "hf", "key": "token"}}, EnvFromSecret),
        ({"name": "URL", "configMap": {"name": "urls", "key": "api"}}, EnvFromConfigMap),
        ({"name": "HOST_IP", "field": "status.hostIP"}, EnvFromField),
        ({"name": "_under.score-dash", "value": ""}, EnvValue),
    ],
)
def test_each_source_reads_as_its_own_model(data: dict[str, Any], model: type[Any]) -> None:
    assert type(ENV_VAR.validate_python(data)) is model


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "A"}, ONE_OF),
        ({"name": "A", "value": "1", "field": "metadata.name"}, ONE_OF),
        ("A=1", ONE_OF),
        ({"name": "1ST", "value": "x"}, "should match pattern"),
        ({"name": "A", "value": 1}, "valid string"),
        ({"name": "A", "field": ""}, "at least 1 character"),
        ({"name": "A", "secret": {"name": "hf", "key": ""}}, "at least 1 character"),
        ({"name": "A", "secret": {"name": "Not_A_Name", "key": "k"}}, "DNS-1123"),
        ({"name": "A", "configMap": {"name": "c", "key": "k", "optional": True}}, "Extra inputs"),
    ],
)
def test_a_variable_that_is_not_one_source_is_refused(data: Any, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        ENV_VAR.validate_python(data)
