"""Environment variables of a container, as the input language writes them: a literal value,
or a key of a Secret or ConfigMap, or a field of the pod; exactly one of them per variable.

Their own module because every workload kind (services, fine-tunes, benchmarks, notebooks,
Substratus options) takes them and every target turns them into Kubernetes `env` entries.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from manifold.models.common import ResourceName, Strict


class SecretKeyRef(Strict):
    name: ResourceName = Field(description="Name of the Secret.")
    key: str = Field(min_length=1, description="Key inside the Secret.")


class ConfigMapKeyRef(Strict):
    name: ResourceName = Field(
        description="Name of the ConfigMap, in the namespace the workload runs in."
    )
    key: str = Field(
        min_length=1, description="Key inside the ConfigMap whose value the variable takes."
    )


_ENV_NAME = r"^[-._a-zA-Z][-._a-zA-Z0-9]*$"


class EnvValue(Strict):
    name: str = Field(
        pattern=_ENV_NAME, description="Name of the environment variable in the container."
    )
    value: str = Field(
        description=(
            'The literal value, always a string (quote numbers and booleans, for example "1").'
        )
    )


class EnvFromSecret(Strict):
    name: str = Field(
        pattern=_ENV_NAME, description="Name of the environment variable in the container."
    )
    secret: SecretKeyRef = Field(
        description=(
            "The Secret key the value is read from (Kubernetes secretKeyRef); the "
            "value never appears in rendered/."
        )
    )


class EnvFromConfigMap(Strict):
    name: str = Field(
        pattern=_ENV_NAME, description="Name of the environment variable in the container."
    )
    config_map: ConfigMapKeyRef = Field(
        description=("The ConfigMap key the value is read from (Kubernetes configMapKeyRef).")
    )


class EnvFromField(Strict):
    name: str = Field(
        pattern=_ENV_NAME, description="Name of the environment variable in the container."
    )
    field: str = Field(
        min_length=1, description="A field of the pod, for example status.hostIP or metadata.name."
    )


def _env_source(value: Any) -> str | None:
    if isinstance(value, dict):
        present = [tag for tag in ("value", "secret", "configMap", "field") if tag in value]
        return present[0] if len(present) == 1 else None
    return None


EnvVar = Annotated[
    Annotated[EnvValue, Tag("value")]
    | Annotated[EnvFromSecret, Tag("secret")]
    | Annotated[EnvFromConfigMap, Tag("configMap")]
    | Annotated[EnvFromField, Tag("field")],
    Discriminator(
        _env_source,
        custom_error_type="env_source",
        custom_error_message=(
            "an environment variable needs exactly one of value, secret, configMap or field"
        ),
    ),
]
