"""What the OpenAPI description says beyond the schemas: rules every route shares.

`server/web/input_guard.py` refuses text with NUL characters on every way in; this plugin
writes that into every string the description declares (properties, items, parameters),
so a client reading the spec knows it, and a fuzzer generating from it does too.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin

NO_NUL = "^[^\\u0000]*$"


def _mark(schema: Any) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
        schema["pattern"] = NO_NUL
    for key in ("items", "additionalProperties"):
        _mark(schema.get(key))
    for value in (schema.get("properties") or {}).values():
        _mark(value)
    for key in ("allOf", "anyOf", "oneOf"):
        for item in schema.get(key) or []:
            _mark(item)


def _mark_parameters(parameters: list) -> None:
    for parameter in parameters or []:
        if isinstance(parameter, dict):
            _mark(parameter.get("schema"))


class TextRules(BasePlugin):
    """Registered after flask-smorest's own plugins, so it sees their finished output."""

    def schema_helper(self, name: str, definition: dict, **kwargs: Any) -> dict:
        _mark(definition)
        return definition

    def path_helper(
        self,
        path: str | None = None,
        operations: dict | None = None,
        parameters: list | None = None,
        **kwargs: Any,
    ) -> None:
        _mark_parameters(parameters)

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            if not isinstance(operation, dict):
                continue
            _mark_parameters(operation.get("parameters"))
            for content in (operation.get("requestBody") or {}).get("content", {}).values():
                _mark(content.get("schema"))
