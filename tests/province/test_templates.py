"""A province's configuration template: saved and pushed at the province, merged at the
centre so the centre's own changes survive the next push, audited on both sides."""

from __future__ import annotations

import pytest

from server.engine.errors import Invalid, InvalidValues, NotFound
from server.province import template
from tests.province.conftest import join, push_all

HOURS = {"mon": [["07:30", "11:30"], ["13:30", "17:00"]], "sat": [["07:30", "11:30"]]}
LATER = {"mon": [["08:00", "11:30"], ["13:30", "17:00"]]}
BODY = {
    "settings": {
        "hours": HOURS,
        "closed_days": ["2027-01-01"],
        "rating": {"preset": "five"},
        "messages": {"templates": {"booked": "Lịch hẹn {code} lúc {time} ngày {date}."}},
    },
    "services": [
        {"code": "A", "name": "Hộ tịch – Chứng thực", "prefix": "A"},
        {
            "code": "C",
            "name": "Chính sách xã hội",
            "number_start": 3001,
            "number_end": 3999,
            "digits": 4,
        },
    ],
    "priority_classes": [{"code": "merit", "name": "Người có công"}],
}


def current(code="T1"):
    return {
        "code": code,
        "settings": {"hours": {"mon": [["07:00", "11:00"]]}},
        "services": [
            {"code": "A", "name": "Hộ tịch", "prefix": "A", "active": True},
            {"code": "B", "name": "Đất đai", "prefix": "", "active": True},
        ],
        "priority_classes": [{"code": "merit", "name": "Người có công với cách mạng"}],
        "counters": [],
    }


# ------------------------------------------------------------------ the merge itself


def test_a_first_push_takes_the_template():
    merged, report = template.merge(current(), None, BODY)
    assert merged["settings"]["hours"] == HOURS
    assert [s["code"] for s in merged["services"]] == ["A", "C", "B"]
    assert merged["services"][0]["name"] == "Hộ tịch – Chứng thực"
    assert merged["services"][2]["active"] is True  # the centre's own field stays on
    assert merged["priority_classes"][0]["name"] == "Người có công"
    assert "settings.hours" in report["changed"] and "services.C" in report["changed"]
    assert report["kept"] == []


def test_a_value_changed_at_the_centre_is_kept_and_the_rest_follows():
    base = BODY
    here = current()
    here["settings"]["hours"] = LATER  # the centre's own hours
    here["services"][0]["name"] = BODY["services"][0]["name"]  # as the template left it
    here["services"][0]["prefix"] = "HT"  # changed here
    here["services"].append(dict(BODY["services"][1], active=True))
    here["priority_classes"] = BODY["priority_classes"]
    newer = {
        **BODY,
        "settings": {**BODY["settings"], "hours": {"mon": [["07:00", "17:00"]]}},
        "services": [
            {"code": "A", "name": "Hộ tịch", "prefix": "H"},
            {"code": "C", "name": "Chính sách", "number_start": 3001},
        ],
    }
    merged, report = template.merge(here, base, newer)
    assert merged["settings"]["hours"] == LATER
    services = {s["code"]: s for s in merged["services"]}
    assert services["A"]["name"] == "Hộ tịch" and services["A"]["prefix"] == "HT"
    assert services["C"]["name"] == "Chính sách"
    assert set(report["kept"]) == {"settings.hours", "services.A.prefix"}
    assert "services.A.name" in report["changed"]


def test_a_field_the_template_drops_is_switched_off_unless_the_centre_changed_it():
    here = current()
    here["services"].append(dict(BODY["services"][1], active=True))
    dropped = {"services": [BODY["services"][0]]}
    merged, report = template.merge(here, BODY, dropped)
    assert {s["code"]: s["active"] for s in merged["services"]}["C"] is False
    assert "services.C.active" in report["changed"]
    here["services"][-1]["active"] = False
    base = {"services": [*BODY["services"][:1], dict(BODY["services"][1], active=True)]}
    merged, report = template.merge(here, base, dropped)
    assert "services.C.active" in report["kept"]


# ------------------------------------------------------------------ province to centre


def test_a_template_reaches_the_centre_and_its_own_changes_survive(province, centre, clock):
    centre_id = join(province, centre)
    saved = province.save_template("commune", BODY)
    assert saved == {"name": "commune", "version": 1}
    assert province.save_template("commune", BODY)["version"] == 1  # nothing new
    province.assign_template("commune", ["XA1"])
    answer = province.receive(centre_id, [])
    assert answer["template"] == {"version": 1}
    offered = province.template_for(centre_id)
    report = template.apply(centre, offered["version"], offered["body"])
    province.centre_applied(centre_id, 1, report)
    settings = centre.office_settings("T1")["settings"]
    assert settings["hours"] == HOURS and settings["closed_days"] == ["2027-01-01"]
    assert {s["code"] for s in centre.services("T1")} >= {"A", "B", "C"}
    assert province.receive(centre_id, [])["template"] is None

    # The centre keeps its own hours; the province then changes hours and a field's name.
    centre.update_office("T1", {"settings": {"hours": LATER}})
    newer = {
        **BODY,
        "settings": {**BODY["settings"], "hours": {"mon": [["07:00", "17:00"]]}},
        "services": [{"code": "A", "name": "Hộ tịch (mới)", "prefix": "A"}, BODY["services"][1]],
    }
    assert province.save_template("commune", newer)["version"] == 2
    offered = province.template_for(centre_id)
    report = template.apply(centre, offered["version"], offered["body"])
    province.centre_applied(centre_id, 2, report)
    assert report["offices"]["T1"]["kept"] == ["settings.hours"]
    assert centre.office_settings("T1")["settings"]["hours"] == LATER
    assert {s["code"]: s["name"] for s in centre.services("T1")}["A"] == "Hộ tịch (mới)"
    assert centre.link()["template_version"] == 2

    # Audited on both sides; and the change reaches the province's copy like any other.
    actions = [entry["action"] for entry in centre.audit_log("T1")]
    assert actions.count("province.template") == 2
    province_actions = {entry["action"] for entry in province.audit_log(None)}
    assert {"template.save", "template.push", "template.applied"} <= province_actions
    push_all(province, centre, centre_id)
    assert {s["code"]: s["name"] for s in province.services("T1")}["A"] == "Hộ tịch (mới)"
    shown = province.centres()[0]
    assert shown["template"] == "commune" and shown["template_applied"] == 2


@pytest.mark.parametrize(
    "body, error",
    [
        ({"settings": {"kiosk": {}}}, InvalidValues),  # not the province's to set
        ({"services": [{"code": "A"}]}, InvalidValues),  # a field needs its name
        ({"counters": []}, InvalidValues),
        ({}, Invalid),
        (
            {
                "services": [
                    {"code": "A", "name": "Một", "number_start": 1, "number_end": 500},
                    {"code": "B", "name": "Hai", "number_start": 400, "number_end": 900},
                ]
            },
            Invalid,
        ),
    ],
)
def test_a_bad_template_is_refused_and_nothing_changes(province, body, error):
    province.save_template("good", BODY)
    with pytest.raises(error):
        province.save_template("good", body)
    assert province.save_template("good", BODY)["version"] == 1  # still the first version
    with pytest.raises(NotFound):
        province.assign_template("good", ["NOBODY"])


def test_a_template_the_centre_cannot_take_is_reported_and_changes_nothing(province, centre):
    centre_id = join(province, centre)
    clash = {
        "services": [
            {
                "code": "C",
                "name": "Chính sách",
                "prefix": "",
                "number_start": 1001,
                "number_end": 1500,
            }
        ]
    }  # B's numbers here
    province.save_template("clash", clash)
    province.assign_template("clash", ["XA1"])
    before = centre.export_office("T1")
    report = template.apply(centre, 1, province.template_for(centre_id)["body"])
    assert "overlaps" in report["offices"]["T1"]["error"]
    assert centre.export_office("T1") == before
    province.centre_applied(centre_id, 1, report)
    assert "overlaps" in province.centres()[0]["template_report"]["offices"]["T1"]["error"]
