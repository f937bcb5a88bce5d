"""The facade's verbs: each is the method of the unit that does it, reached on an engine and
harmless on the class (help(), mock.patch.object read it there)."""

from __future__ import annotations

from unittest import mock

from server.engine.facade import Engine, verb
from server.engine.numbering import Numbering


def test_a_verb_on_the_class_is_its_descriptor_naming_the_method():
    described = vars(Engine)["issue"]
    assert Engine.issue is described
    assert isinstance(described, verb) and described.method is Numbering.issue


def test_every_verb_names_a_method_of_a_unit():
    verbs = {name: v for name, v in vars(Engine).items() if isinstance(v, verb)}
    assert len(verbs) > 50
    for name, described in verbs.items():
        assert described.method.__name__ == name
        assert "." in described.method.__qualname__


def test_a_verb_can_be_patched_on_the_class():
    with mock.patch.object(Engine, "issue", return_value="patched"):
        assert Engine.issue() == "patched"
    assert isinstance(vars(Engine)["issue"], verb)
