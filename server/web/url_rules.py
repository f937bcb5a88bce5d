"""URL rules whose builders are made when `url_for` first needs them.

Werkzeug compiles two Python functions per rule as the rule is added (one `compile()` of
generated source each); with some 120 rules that was most of `create_app` once the
OpenAPI document became lazy, paid by every CLI command, server start and test app,
though a process builds URLs with few of its rules. Matching a request does not use them.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import Rule


class _Builder:
    """Stands where werkzeug puts a compiled builder (it binds `_compile_builder`'s result
    to the rule with `__get__`); compiles the real one on first call and puts it there."""

    def __init__(self, make: Any, unknown: bool) -> None:
        self.make = make
        self.unknown = unknown

    def __get__(self, rule: Rule, owner: Any = None) -> Any:
        def build(**values: Any) -> tuple[str, str]:
            real = self.make(self.unknown).__get__(rule, None)
            setattr(rule, "_build_unknown" if self.unknown else "_build", real)
            return real(**values)

        return build


class LazyRule(Rule):
    """A werkzeug `Rule` whose URL builders are compiled on first use."""

    def _compile_builder(self, append_unknown: bool = True) -> Any:
        return _Builder(super()._compile_builder, append_unknown)


class LuotFlask(Flask):
    """Flask with `LazyRule` for every rule, the static files' rule included."""

    url_rule_class = LazyRule
