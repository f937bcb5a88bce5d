"""One home for words (server/i18n/): one tuple order, one lookup, keys never named twice,
and refusals that carry their key, so the Vietnamese is found by key and not read back out of
the English (issue 24)."""

from __future__ import annotations

import ast
import copy
import string
from pathlib import Path

import marshmallow as ma
import pytest

from server import i18n
from server.api.errors import error_body
from server.engine import errors as engine_errors
from server.engine.credentials import AccountError
from server.i18n import booking_words, refusals, staff_words

ROOT = Path(__file__).resolve().parents[2]
WORDS_DIR = ROOT / "server" / "i18n"
# Where our own code refuses: a refusal spelled there as an English sentence would reach a
# Vietnamese page only if its English happened to match a template.
SCANNED = ("server", "kiosk", "display", "printer")

# A refusal's Vietnamese may leave out a detail the English gives (the states a ticket may
# be in, the URL the staff member typed...), never name one the English lacks. These are the
# ones that leave something out; a new entry says everything or is added here on purpose.
LEFT_OUT_IN_VIETNAMESE = {
    "one_of": {"choices"},
    "day": {"value"},
    "channel": {"channel"},
    "no_counter": {"office"},
    "time": {"value"},
    "period_order": {"day"},
    "yourself": {"rest"},
    "printer_port": {"url"},
    "printer_scheme": {"url"},
    "cannot": {"allowed"},
    "has_called": {"number"},
    "still_has": {"number"},
    "no_printer": {"name"},
    "dossier": {"value"},
    "printer_reason": {"url"},
    "no_booking_field": {"code", "office"},
    "no_appointment": {"id"},
}


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _sample(text: str) -> dict[str, str]:
    return {name: f"X{index}" for index, name in enumerate(sorted(_names(text)))}


# ---- one order, one lookup, no key twice


def test_every_table_is_vietnamese_then_english():
    """The refusals were (English, Vietnamese); every table is now (vi, en)."""
    assert refusals.CATALOGUE["required"] == ("Bắt buộc nhập.", "Missing data for required field.")
    assert i18n.WORDS["ticket_status.done"] == ("Hoàn thành", "Done")
    assert i18n.WORDS["refusal.no_kiosk"][1] == "No such kiosk."


@pytest.mark.parametrize("key", sorted(refusals.CATALOGUE))
def test_a_refusals_placeholders_are_the_same_in_both_languages(key):
    vi, en = refusals.CATALOGUE[key]
    assert vi and en
    assert _names(vi) <= _names(en), f"{key}: the Vietnamese names a value the English lacks"
    assert _names(en) - _names(vi) == LEFT_OUT_IN_VIETNAMESE.get(key, set()), key


def test_every_word_has_the_same_placeholders_in_both_languages():
    for key, (vi, en) in i18n.WORDS.items():
        if key.startswith(i18n.REFUSAL) or key == "group_title.total":
            continue  # refusals above; "figures" with no "by ..." on purpose
        assert _names(vi) == _names(en), key


def _tables() -> dict[str, list[str]]:
    """Every dict literal of words in server/i18n/, by module and name: its keys as written
    (so a key written twice in one literal, which Python keeps silently, shows)."""
    tables: dict[str, list[str]] = {}
    for path in sorted(WORDS_DIR.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
            value = getattr(node, "value", None)
            if not isinstance(target, ast.Name) or not isinstance(value, ast.Dict):
                continue
            pairs = [v for v in value.values if isinstance(v, ast.Tuple) and len(v.elts) == 2]
            if not pairs or len(pairs) < len(value.values) // 2:
                continue  # not a table of (vi, en) pairs (ROW_KINDS, WORDS, ALIASES)
            keys = [k.value for k in value.keys if isinstance(k, ast.Constant)]
            prefix = i18n.REFUSAL if path.name == "refusals.py" else ""
            tables[f"{path.name}:{target.id}"] = [prefix + key for key in keys]
    return tables


def test_no_key_is_named_twice_in_any_table_or_across_tables():
    tables = _tables()
    assert {"catalogue.py:CATALOGUE", "refusals.py:CATALOGUE", "staff_words.py:STAFF"} <= set(
        tables
    )
    seen: dict[str, str] = {}
    twice = []
    for table, keys in tables.items():
        for key in keys:
            if key in seen:
                twice.append(f"{key} ({seen[key]} and {table})")
            seen[key] = table
    assert not twice
    assert set(seen) <= set(i18n.WORDS)
    assert not [key for key in i18n.PAGE_WORDS if key.startswith(i18n.REFUSAL)]


def test_the_join_refuses_a_key_named_twice():
    with pytest.raises(ValueError, match="named twice: staff.counter"):
        i18n._joined(staff_words.STAFF, {"staff.counter": ("Quầy", "Counter")})
    assert len(i18n.WORDS) == len(i18n.PAGE_WORDS) + len(refusals.CATALOGUE)
    assert set(booking_words.BOOKING) <= set(i18n.WORDS)


def test_one_lookup_reaches_every_word():
    assert i18n.t("kiosk.waiting_n", "en", n=3) == "3 waiting"
    assert i18n.t("refusal.no_office", "en", code="T9") == "No office with code 'T9'."
    assert i18n.t("refusal.no_office", code="T9") == "Không có đơn vị mã “T9”."
    assert i18n.t("refusal.not_joined") == "Máy chủ này chưa tham gia hệ thống của tỉnh."
    assert i18n.t("refusal.no_such_key") == "refusal.no_such_key"


# ---- refusals carry their key


def test_english_carries_its_key_and_values():
    message = i18n.english("busy_with", number=2, code="A001")
    assert message == "Counter 2 is busy with A001." and isinstance(message, str)
    assert (message.key, message.values) == ("busy_with", {"number": 2, "code": "A001"})
    assert i18n.vietnamese(message) == "Quầy 2 đang phục vụ số A001."
    kept = copy.deepcopy({"fields": [message]})["fields"][0]  # marshmallow copies fields
    assert (kept.key, kept.values) == ("busy_with", {"number": 2, "code": "A001"})


def test_the_vietnamese_is_found_by_key_not_by_reading_the_english():
    """A keyed message whose text no template matches is still rendered: by its key."""
    message = i18n.Message("worded some other way", "no_office", {"code": "T9"})
    assert i18n.vietnamese(message) == "Không có đơn vị mã “T9”."
    assert error_body("not_found", message)["vi"]["message"] == "Không có đơn vị mã “T9”."
    nested = i18n.english("push_entries", first=1, last=2, reason=i18n.english("row_text"))
    assert i18n.vietnamese(nested) == "Các mục nhật ký 1–2: Giá trị không phải chữ."


@pytest.mark.parametrize("key", sorted(refusals.CATALOGUE))
def test_by_key_and_by_english_say_the_same(key):
    """Plain English (a library's words, English kept as text) is still read back, and
    says what the key says."""
    values = _sample(refusals.CATALOGUE[key][1])
    message = i18n.english(key, **values)
    assert i18n.vietnamese(message) == refusals.CATALOGUE[key][0].format(**values)
    by_english = i18n.vietnamese(str(message))
    first = next(k for k, (_, en) in refusals.CATALOGUE.items() if _matches(en, str(message)))
    if first == key:
        assert by_english == i18n.vietnamese(message)


def _matches(template: str, text: str) -> bool:
    return bool(refusals._pattern(template).match(text))


def test_marshmallow_fills_in_a_template_and_keeps_the_key():
    """Validators format their message themselves: a `template()` formats into a keyed one."""
    validator = ma.validate.Length(min=2, max=5, error=i18n.template("length_between"))
    with pytest.raises(ma.ValidationError) as raised:
        validator("a")
    (message,) = raised.value.messages
    assert message == "Length must be between 2 and 5." and message.key == "length_between"
    assert i18n.vietnamese(message) == "Độ dài từ 2 đến 5 ký tự."
    hint = i18n.Template("worded some other way", "code_hint")  # no values to fill in
    assert i18n.vietnamese(hint) == refusals.CATALOGUE["code_hint"][0]


def test_an_account_error_keeps_its_key_for_the_engine():
    error = AccountError(i18n.english("paper"), "paper")
    assert error.message.key == "paper" and str(error) == "Paper must be 58 or 80 (mm)."


def test_an_api_refusal_is_rendered_by_its_key(client, office, manager):
    """A refusal with no Vietnamese before (the page showed the English) now has it."""
    response = client.post("/api/v1/offices", headers=manager, json={})
    body = response.get_json()
    assert response.status_code == 403, body
    assert body["message"] == "Your role may not do this."
    assert body["vi"]["message"] == "Tài khoản của bạn không có quyền làm việc này."


# ---- and it stays so: no refusal of ours spelled as an English sentence


def _refusal_classes() -> set[str]:
    """The engine's errors (and the account errors the engine turns into them)."""
    found: set[str] = set()
    todo: list[type] = [engine_errors.EngineError, AccountError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found | {"ValidationError", "abort"}


def _spelled(node: ast.expr) -> bool:
    """A sentence written in place: a literal, an f-string, text joined with + or %, or
    a literal's .format()."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _spelled(node.left) or _spelled(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _spelled(node.func.value)
    return False


def _messages(call: ast.Call, name: str) -> list[ast.expr]:
    """The arguments of `call` that are the words people read."""
    said = [k.value for k in call.keywords if k.arg in ("message", "description")]
    if name == "abort":  # abort(status, message) and abort(status, description=...)
        return call.args[1:2] + said
    return call.args[:1] + said


def spelled_refusals(root: Path = ROOT, folders: tuple[str, ...] = SCANNED) -> list[str]:
    names = _refusal_classes()
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name not in names:
                    continue
                for argument in _messages(node, name):
                    if _spelled(argument):
                        where = path.relative_to(root)
                        found.append(f"{where}:{node.lineno}: {ast.unparse(argument)[:70]}")
    return found


def test_no_refusal_is_raised_with_a_sentence_instead_of_a_key():
    """Name a catalogue entry: `raise Conflict(english("key", **values))`, `abort(403,
    description=english("key"))` — add the entry to server/i18n/refusals.py, with its
    Vietnamese, when there is none."""
    assert spelled_refusals() == []


def test_the_scan_finds_what_it_is_for(tmp_path):
    module = tmp_path / "server" / "bad.py"
    module.parent.mkdir()
    module.write_text(
        "def f(x):\n"
        "    raise Conflict(f'Counter {x} is busy.')\n"
        "def g():\n"
        "    abort(403, description='No.')\n"
        "def h(x):\n"
        "    raise NotFound('Office %s is gone.' % x)\n"
        "def ok(x):\n"
        "    raise Conflict(english('busy_with', number=x, code='A1'), field='counter')\n"
        "    raise ma.ValidationError(english('row_text'), 'office')\n"
    )
    found = spelled_refusals(tmp_path, ("server",))
    assert [line.split(":")[1] for line in found] == ["2", "4", "6"]
