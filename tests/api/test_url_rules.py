"""Lazy URL builders (server/web/url_rules.py) build exactly what werkzeug's own do."""

from __future__ import annotations

from werkzeug.routing import Map, Rule

from server.web.url_rules import LazyRule

SAMPLES = {
    "IdConverter": 7,
    "IntegerConverter": 7,
    "PathConverter": "a/b c",
    "UnicodeConverter": "Xã Mẫu",
}


def sample(rule: Rule) -> dict:
    return {name: SAMPLES[type(c).__name__] for name, c in rule._converters.items()}


def test_every_rule_of_the_app_builds_the_same_url_as_werkzeug_builds(app):
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100 and all(isinstance(rule, LazyRule) for rule in rules)

    def adapter(kind):
        copies = [kind(r.rule, endpoint=r.endpoint, methods=r.methods) for r in rules]
        return Map(copies, converters=app.url_map.converters).bind(
            "luot.example", script_name="/sub"
        )

    lazy, eager = adapter(LazyRule), adapter(Rule)
    for rule in rules:
        values = sample(rule)
        for extra in ({}, {"q": "tìm kiếm", "page": 2}):
            for external, unknown in ((False, True), (True, True), (False, False)):
                options = {"force_external": external, "append_unknown": unknown}
                expected = eager.build(rule.endpoint, {**values, **extra}, **options)
                built = lazy.build(rule.endpoint, {**values, **extra}, **options)
                assert built == expected, rule.rule
                # Again, now that the real builder replaced the stand-in.
                assert lazy.build(rule.endpoint, {**values, **extra}) == eager.build(
                    rule.endpoint, {**values, **extra}
                )


def test_a_new_app_compiles_no_builder_until_a_url_is_built(app):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "static")
    assert rule._build_unknown.__qualname__.startswith("_Builder")
    with app.test_request_context():
        from flask import url_for

        assert url_for("static", filename="css/x.css") == "/static/css/x.css"
    assert not rule._build_unknown.__qualname__.startswith("_Builder")
