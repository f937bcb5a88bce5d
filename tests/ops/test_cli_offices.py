"""`luot office create|import|export|list`: offices from the box's shell, through the
engine's audited verbs and the configuration rules of every other way in; each refusal is
one line and leaves every table as it was."""

from __future__ import annotations

import json

import pytest

from server.engine.catalog import DEFAULT_PRIORITY_CLASSES
from tests.ops.conftest import contents

XA = ["office", "create", "XA-MAU", "--name", "Trung tâm Phục vụ hành chính công xã Mẫu"]
FIELDS = ["--field", "HT:Hộ tịch – Tư pháp", "--field", "DD: Đất đai "]


def refused(result, text: str) -> None:
    """A one-line refusal (click's "Error: …") saying `text`."""
    assert result.exit_code == 1, result.output
    assert text in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output


def actions(engine, office: str) -> list[tuple[str, str]]:
    return [(entry["action"], entry["target"]) for entry in engine.audit_log(office)]


def test_office_create_makes_fields_with_blocks_counters_and_priority_classes(runner, engine):
    made = runner.invoke(
        args=[*XA, *FIELDS, "--counters", "2", "--address", "Thôn 1", "--district", "Huyện A"]
        + ["--timezone", "Asia/Bangkok"]
    )
    assert made.exit_code == 0, made.output
    assert "Office XA-MAU (Trung tâm Phục vụ hành chính công xã Mẫu, Asia/Bangkok) created." in (
        made.output
    )
    assert "field HT: Hộ tịch – Tư pháp, 1001–1999" in made.output
    assert "field DD: Đất đai, 2001–2999" in made.output
    assert "counter 2 (Quầy 2): HT, DD" in made.output

    office = engine.export_office("XA-MAU")
    assert (office["address"], office["district"], office["timezone"]) == (
        "Thôn 1",
        "Huyện A",
        "Asia/Bangkok",
    )
    blocks = [
        (s["code"], s["name"], s["prefix"], s["number_start"], s["number_end"], s["digits"])
        for s in office["services"]
    ]
    assert blocks == [
        ("HT", "Hộ tịch – Tư pháp", "", 1001, 1999, 4),
        ("DD", "Đất đai", "", 2001, 2999, 4),
    ]
    assert [(c["number"], c["name"], c["services"]) for c in office["counters"]] == [
        (1, "Quầy 1", ["HT", "DD"]),
        (2, "Quầy 2", ["HT", "DD"]),
    ]
    assert [p["code"] for p in office["priority_classes"]] == [
        p["code"] for p in DEFAULT_PRIORITY_CLASSES
    ]
    # Registered kiosks and staff only, as any office made without saying otherwise.
    assert engine.office_settings("XA-MAU")["settings"].get("issuing", "kiosk") == "kiosk"
    assert actions(engine, "XA-MAU") == [("office.create", "XA-MAU")]


def test_office_create_defaults_and_an_office_without_fields(runner, engine):
    made = runner.invoke(args=["office", "create", "XA-TRONG", "--name", "Xã Trống"])
    assert made.exit_code == 0, made.output
    assert "Asia/Ho_Chi_Minh" in made.output and "no fields yet" in made.output
    office = engine.export_office("XA-TRONG")
    assert office["services"] == []
    assert [(c["number"], c["services"]) for c in office["counters"]] == [(1, [])]

    ten = [arg for n in range(10) for arg in ("--field", f"F{n}:Lĩnh vực {n}")]
    many = runner.invoke(args=[*XA, *ten, "--counters", "0"])
    assert many.exit_code == 0, many.output
    last = engine.export_office("XA-MAU")["services"][-1]
    assert (last["number_start"], last["number_end"], last["digits"]) == (10001, 10999, 5)
    assert engine.export_office("XA-MAU")["counters"] == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ([*XA, *FIELDS], "Office 'XA-MAU' already exists."),
        (
            ["office", "create", "XA-2", "--name", "X", "--timezone", "Mars/Olympus"],
            "timezone: 'Mars/Olympus' is not a time zone of the IANA database",
        ),
        (["office", "create", "xã 2", "--name", "X"], "code: Letters without accents"),
        (["office", "create", "XA-2", "--name", ""], "name: "),
        (["office", "create", "XA-2", "--name", "X", "--field", "HT"], "write CODE:NAME"),
        (["office", "create", "XA-2", "--name", "X", "--field", ":Hộ tịch"], "write CODE:NAME"),
        (
            ["office", "create", "XA-2", "--name", "X", "--field", "HT:a", "--field", "HT:b"],
            "services: Listed twice: HT",
        ),
        (
            ["office", "create", "XA-2", "--name", "X", "--field", "H T:a"],
            "services.0.code: Letters without accents",
        ),
    ],
)
def test_office_create_refuses_bad_input_and_changes_nothing(
    runner, engine, database_url, args, says
):
    assert runner.invoke(args=[*XA, *FIELDS]).exit_code == 0
    before = contents(database_url)
    refused(runner.invoke(args=args), says)
    assert contents(database_url) == before
    assert [o["code"] for o in engine.offices()] == ["XA-MAU"]


def test_export_then_import_makes_the_same_office_and_replace_applies_a_change(
    runner, engine, tmp_path
):
    assert runner.invoke(args=[*XA, *FIELDS, "--counters", "2"]).exit_code == 0
    printed = runner.invoke(args=["office", "export", "XA-MAU"])
    assert printed.exit_code == 0, printed.output
    file = tmp_path / "xa-mau.json"
    written = runner.invoke(args=["office", "export", "XA-MAU", "-o", str(file)])
    assert written.exit_code == 0 and written.output == ""
    document = json.loads(file.read_text("utf-8"))
    assert json.loads(printed.output) == document == engine.export_office("XA-MAU")
    assert "Hộ tịch" in file.read_text("utf-8")  # UTF-8 as it reads, not \u escapes

    copy = tmp_path / "xa-hai.json"
    copy.write_text(json.dumps({**document, "code": "XA-HAI"}), "utf-8")
    created = runner.invoke(args=["office", "import", str(copy)])
    assert created.exit_code == 0, created.output
    assert "Office XA-HAI (Trung tâm Phục vụ hành chính công xã Mẫu" in created.output
    assert engine.export_office("XA-HAI") == {**document, "code": "XA-HAI"}
    assert actions(engine, "XA-HAI") == [("office.create", "XA-HAI")]

    # The same document again: the office exists, so only --replace applies it.
    document["services"][1]["name"] = "Đất đai – Xây dựng"
    document["services"].append(
        {"code": "TKQ", "name": "Trả kết quả", "prefix": "A", "number_start": 1}
    )
    document["counters"].append({"number": 3, "name": "Quầy trả kết quả", "services": ["TKQ"]})
    file.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    refused(
        runner.invoke(args=["office", "import", str(file)]),
        "Office XA-MAU exists already; add --replace",
    )
    assert len(engine.export_office("XA-MAU")["services"]) == 2
    replaced = runner.invoke(args=["office", "import", str(file), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "Office XA-MAU (" in replaced.output and "updated." in replaced.output
    assert "field TKQ: Trả kết quả, A001–A999" in replaced.output
    office = engine.export_office("XA-MAU")
    assert [s["name"] for s in office["services"]] == [
        "Hộ tịch – Tư pháp",
        "Đất đai – Xây dựng",
        "Trả kết quả",
    ]
    assert office["counters"][2]["services"] == ["TKQ"]
    assert actions(engine, "XA-MAU")[0] == ("office.import", "XA-MAU")


def test_import_reads_standard_input(runner, engine):
    document = {
        "code": "XA-BA",
        "name": "Xã Ba",
        "services": [{"code": "HT", "name": "Hộ tịch", "number_start": 1001, "number_end": 1999}],
        "counters": [{"number": 1, "services": ["HT"]}],
    }
    made = runner.invoke(args=["office", "import", "-"], input=json.dumps(document))
    assert made.exit_code == 0, made.output
    office = engine.export_office("XA-BA")
    assert office["counters"][0]["services"] == ["HT"]
    assert office["counters"][0]["name"] == "Quầy 1"  # a counter without a name gets one
    assert len(office["priority_classes"]) == len(DEFAULT_PRIORITY_CLASSES)


GOOD = {"code": "XA-BON", "name": "Xã Bốn", "services": [{"code": "HT", "name": "Hộ tịch"}]}


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"code": "XA-BON", "name": ', "standard input is not JSON: Expecting value (line 1"),
        (b"[1, 2]", "standard input holds no office: a JSON object"),
        ("\ufeff{}".encode("utf-16"), "standard input is not UTF-8 text"),
        (json.dumps({**GOOD, "servics": []}).encode(), "servics: Unknown field"),
        (json.dumps({**GOOD, "timezone": "Asia/Hanoi"}).encode(), "timezone: 'Asia/Hanoi'"),
        (
            json.dumps(
                {**GOOD, "services": [*GOOD["services"], {"code": "DD", "name": "Đ"}]}
            ).encode(),
            "Field 'DD' (1–999) overlaps field 'HT'",
        ),
        (
            json.dumps({**GOOD, "counters": [{"number": 1, "services": ["XD"]}]}).encode(),
            "Counter 1 serves unknown field 'XD'.",
        ),
        (json.dumps({**GOOD, "code": "XA-MAU"}).encode(), "Office XA-MAU exists already"),
    ],
)
def test_import_refuses_a_bad_document_and_changes_nothing(
    runner, engine, database_url, body, says
):
    assert runner.invoke(args=[*XA, *FIELDS]).exit_code == 0
    before = contents(database_url)
    refused(runner.invoke(args=["office", "import", "-"], input=body), says)
    assert contents(database_url) == before


def test_import_with_replace_refuses_a_bad_document_and_changes_nothing(
    runner, engine, database_url, tmp_path
):
    assert runner.invoke(args=[*XA, *FIELDS]).exit_code == 0
    document = engine.export_office("XA-MAU")
    before = contents(database_url)
    for broken, says in (
        ({**document, "timezone": "Nowhere"}, "timezone: 'Nowhere'"),
        ({k: v for k, v in document.items() if k != "counters"}, "counters: "),
        (
            {**document, "services": [{**s, "number_start": 1001} for s in document["services"]]},
            "overlaps field",
        ),
    ):
        given = runner.invoke(args=["office", "import", "-", "--replace"], input=json.dumps(broken))
        refused(given, says)
        assert contents(database_url) == before
    refused(
        runner.invoke(args=["office", "import", str(tmp_path / "none.json")]),
        "Cannot read",
    )


def test_office_list_and_export_of_an_unknown_office(runner, engine, database_url):
    assert runner.invoke(args=["office", "list"]).output.startswith("No offices")
    assert runner.invoke(args=[*XA, *FIELDS, "--counters", "3"]).exit_code == 0
    assert runner.invoke(args=["office", "create", "XA-B", "--name", "Xã B"]).exit_code == 0
    listed = runner.invoke(args=["office", "list"])
    assert listed.exit_code == 0, listed.output
    rows = [line.split() for line in listed.output.splitlines()]
    assert [row[:7] for row in rows] == [
        ["XA-B", "Asia/Ho_Chi_Minh", "0", "field(s)", "1", "counter(s)", "Xã"],
        ["XA-MAU", "Asia/Ho_Chi_Minh", "2", "field(s)", "3", "counter(s)", "Trung"],
    ]
    before = contents(database_url)
    refused(runner.invoke(args=["office", "export", "XA-NONE"]), "No office with code 'XA-NONE'.")
    assert contents(database_url) == before
