"""Every pattern on input is ASCII and matched whole: Arabic-Indic (٠١٢…) and fullwidth
(０１２…) digits, which Python's `\\d`, `int()` and `str.isdigit()` all take, are refused
wherever a number, a code or a phone comes in; so is a trailing newline, which `^…$`
with marshmallow's Regexp (a `match`, not a `fullmatch`) let through."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
import pytest
from marshmallow import validate

import server.api  # noqa: F401 - every schema class defined
from display.voice.call_audio import BadCall, OfficeFacts
from kiosk.cccd import CccdError, parse_cccd
from printer.paper import paper_for
from printer.policy import PrinterPolicy, PrinterPolicyError
from server.engine import credentials
from server.engine.appointments import normalise_code, normalise_phone
from server.engine.errors import Invalid
from server.engine.rules.documents import Float, Integer, Pattern
from server.engine.rules.dossier import normalise_dossier_code
from server.engine.rules.slots import WORKING_WEEK as WEEK
from server.ops.backup import NAME as BACKUP_NAME
from server.workers.sending.gateways import digits

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
TOMORROW = "2026-11-24"


def foreign(text: str) -> list[str]:
    """`text` with its last digit, and with all its digits, in other scripts."""
    last = len(text) - 1 - next(i for i, c in enumerate(reversed(text)) if c.isdigit())
    return [
        text[:last] + text[last].translate(ARABIC) + text[last + 1 :],
        text.translate(ARABIC),
        text.translate(FULLWIDTH),
    ]


def _schemas(base=ma.Schema) -> list[type[ma.Schema]]:
    found = []
    for schema in base.__subclasses__():
        found.append(schema)
        found.extend(_schemas(schema))
    return found


def _fields(field: ma.fields.Field):
    yield field
    for inner in (
        getattr(field, "inner", None),
        getattr(field, "key_field", None),
        getattr(field, "value_field", None),
    ):
        if inner is not None:
            yield from _fields(inner)


def test_every_schema_pattern_and_number_is_ascii_only():
    """No plain marshmallow Regexp, and no plain Integer (but a strict one: JSON numbers
    only) or Float that loads input, in any of the server's schemas: each is documents'
    ASCII one."""
    patterns = numbers = 0
    for schema in _schemas():
        if not schema.__module__.startswith("server."):
            continue
        for name, declared in schema._declared_fields.items():
            for field in _fields(declared):
                where = f"{schema.__module__}.{schema.__name__}.{name}"
                for validator in field.validators:
                    if isinstance(validator, validate.Regexp):
                        patterns += 1
                        assert isinstance(validator, Pattern), where
                loads = field.required or field.validators or field.load_default is not ma.missing
                if isinstance(field, ma.fields.Float) and loads:
                    numbers += 1
                    assert isinstance(field, Float), where
                elif isinstance(field, ma.fields.Integer) and loads:
                    numbers += 1
                    assert field.strict or isinstance(field, Integer), where
    assert patterns > 10 and numbers > 20


@pytest.mark.parametrize("phone", foreign("0933333333") + ["0933333333\n"])
def test_a_phone_in_other_digits_is_refused(phone):
    with pytest.raises(Invalid):
        normalise_phone(phone)


def test_a_phone_keeps_its_usual_separators():
    assert normalise_phone("0933\u00a0333 333") == "0933333333"
    assert normalise_phone("+84 (93) 333-3333") == "0933333333"
    assert digits("093333333٣") == "093333333"


@pytest.fixture
def open_booking(engine, office, clock):
    engine.update_office(
        "T1",
        {"settings": {"hours": WEEK, "appointments": {"enabled": True, "capacity": {"B": 5}}}},
    )
    return office


def test_booking_with_other_digits_is_refused_and_writes_nothing(client, engine, open_booking):
    body = {"service": "B", "start": f"{TOMORROW}T09:00", "name": "An", "phone": "0933333333"}
    for phone in foreign("0933333333"):
        refused = client.post("/api/v1/offices/T1/appointments", json={**body, "phone": phone})
        assert refused.status_code == 422, (phone, refused.get_json())
        assert "phone" in refused.get_json()["fields"]
    for start in foreign(f"{TOMORROW}T09:00"):
        refused = client.post("/api/v1/offices/T1/appointments", json={**body, "start": start})
        assert refused.status_code == 422, (start, refused.get_json())
    assert engine.appointments_of_day("T1", dt.date(2026, 11, 24)) == []
    assert client.post("/api/v1/offices/T1/appointments", json=body).status_code == 201


def test_query_numbers_and_path_ids_take_ascii_digits_only(client, engine, open_booking, manager):
    for days in foreign("3"):
        answer = client.get("/api/v1/offices/T1/slots", query_string={"service": "B", "days": days})
        assert answer.status_code == 422, days
    for limit in foreign("5"):
        answer = client.get(f"/api/v1/offices/T1/messages?limit={limit}", headers=manager)
        assert answer.status_code == 422, limit
    counter = open_booking["counters"][1]
    assert client.get(f"/api/v1/counters/{counter}", headers=manager).status_code == 200
    for ident in foreign(str(counter)):
        assert client.get(f"/api/v1/counters/{ident}", headers=manager).status_code == 404


@pytest.mark.parametrize(
    "settings",
    [
        {"messages": {"reminder_day_at": "17:00\n"}},
        {"messages": {"reminder_day_at": "١٧:٠٠"}},
        {"messages": {"zns_templates": {"booked": "231457\n"}}},
        {"voice": {"voice": "vi\n"}},
        {"hours": {"mon": [["07:30", "11:3٠"]]}},
    ],
)
def test_settings_patterns_are_matched_whole_and_in_ascii(client, manager, office, settings):
    response = client.patch("/api/v1/offices/T1", headers=manager, json={"settings": settings})
    assert response.status_code == 422, response.get_json()


def test_codes_in_other_digits_or_with_a_newline_are_refused(client, admin, office):
    for code in ["T9\n", *foreign("T9")]:
        body = {"code": code, "name": "Xã Mới"}
        assert client.post("/api/v1/offices", headers=admin, json=body).status_code == 422
    field = {"code": "C\n", "name": "Khác", "number_start": 3000, "number_end": 3999}
    answer = client.post("/api/v1/offices/T1/services", headers=admin, json=field)
    assert answer.status_code == 422, answer.get_json()


@pytest.mark.parametrize("code", foreign("000.00.23.H26-250715-0001"))
def test_a_dossier_code_in_other_digits_is_refused(code):
    assert normalise_dossier_code("000.00.23.H26-250715-0001") == "000.00.23.H26-250715-0001"
    with pytest.raises(Invalid):
        normalise_dossier_code(code)


def test_a_booking_code_is_upper_cased_only_in_ascii():
    assert normalise_code(" h7k-2q9 ") == "H7K2Q9"
    # str.upper would make "ı" (dotless i) an "I", and "ﬀ" an "FF".
    assert normalise_code("h7kıq9") == "h7kıq9"
    assert normalise_code("h7ﬀq9") == "h7ﬀq9"


def test_a_cccd_in_other_digits_is_refused():
    fields = ["099090000001", "000000000", "Nguyễn Văn Mẫu", "01011990", "Nam", "Thôn", "15032021"]
    parse_cccd("|".join(fields), dt.date(2025, 6, 1))
    for id12 in foreign("099090000001"):
        with pytest.raises(CccdError):
            parse_cccd("|".join([id12, *fields[1:]]), dt.date(2025, 6, 1))


def test_announcements_take_ascii_counter_and_ticket_numbers():
    facts = OfficeFacts(blocks=(("A", 1, 999),), counters=frozenset({3}), voice=None, fetched=0)
    assert facts.check("A001", "3") == ("A001", 3)
    for counter in foreign("3"):
        with pytest.raises(BadCall):
            facts.check("A001", counter)
    for code in foreign("A001"):
        with pytest.raises(BadCall):
            facts.check(code, "3")


def test_the_other_number_readers_take_ascii_only():
    assert paper_for("58").mm == 58
    for width in foreign("58"):
        with pytest.raises(ValueError):
            paper_for(width)
    for port in foreign("9100"):
        with pytest.raises(PrinterPolicyError):
            PrinterPolicy.from_settings(tcp_ports=port)
    assert BACKUP_NAME.fullmatch("luot-backup-20261123-010000Z.tar.gz")
    for name in foreign("luot-backup-20261123-010000Z.tar.gz"):
        assert BACKUP_NAME.fullmatch(name) is None


def test_credentials_with_other_digits_are_not_live(engine, office):
    """A session id in other digits is no session (int("²") raised: a crash, not a no)."""
    with engine.db.read() as session:
        now = dt.datetime.now(dt.UTC)
        live = credentials.live_credentials(
            session, {"session:²", "session:١", "token:٣"}, now, dt.timedelta(hours=1)
        )
    assert live == set()
