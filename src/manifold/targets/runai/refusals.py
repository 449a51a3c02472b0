"""What Run:ai cannot express in one service, as problems where the user can change it."""

from __future__ import annotations

from pydantic.alias_generators import to_camel

from manifold.core.diagnostics import Problem
from manifold.core.jsonpath import JsonPath
from manifold.models.project import Service


class Refusals:
    """Problems of one service, at the service's field when it sets it, else at its runtime
    (the field came from there)."""

    def __init__(self, service: Service, at: JsonPath) -> None:
        self.service = service
        self.at = at
        self.found: list[Problem] = []

    def add(self, field: str, message: str, *, hint: str | None = None) -> None:
        fields = type(self.service).model_fields
        own = {fields[name].alias or to_camel(name) for name in self.service.model_fields_set}
        if field in own or self.service.runtime is None:
            self.found.append(Problem((*self.at, field), message, hint=hint))
        else:
            message = f"{message} (its runtime sets {field})"
            self.found.append(Problem((*self.at, "runtime"), message, hint=hint))
