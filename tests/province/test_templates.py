"""A province's configuration template: saved and pushed at the province, merged at the
centre so the centre's own changes survive the next push, audited on both sides."""

from __future__ import annotations

import copy
import json
import re
import textwrap
from pathlib import Path

import pytest

from server.engine.errors import Invalid, InvalidValues, NotFound
from server.province import template
from tests.province.conftest import join, push_all

HOURS = {"mon": [["07:30", "11:30"], ["13:30", "17:00"]], "sat": [["07:30", "11:30"]]}
# A centre's own week: Monday to Friday and Saturday morning.
WEEK = {
    **{
        day: [["07:00", "11:30"], ["13:00", "16:30"]] for day in ("mon", "tue", "wed", "thu", "fri")
    },
    "sat": [["07:00", "11:00"]],
}
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
    assert [s["code"] for s in merged["services"]] == ["A", "B", "C"]  # a new one comes last
    assert merged["services"][2]["sort_order"] == 1 + max(
        s.get("sort_order", 0) for s in current()["services"]
    )
    assert merged["services"][0]["name"] == "Hộ tịch – Chứng thực"
    assert merged["services"][1]["active"] is True  # the centre's own field stays on
    assert merged["priority_classes"][0]["name"] == "Người có công"
    assert {"settings.hours.mon", "settings.hours.sat", "services.C"} <= set(report["changed"])
    assert report["kept"] == []


def test_a_value_changed_at_the_centre_is_kept_and_the_rest_follows():
    base = BODY
    here = current()
    here["settings"]["hours"] = LATER  # the centre's own hours
    here["settings"]["closed_days"] = ["2027-01-01"]  # as the template left it
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
    assert set(report["kept"]) == {"settings.hours.mon", "services.A.prefix"}
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
    centre.update_office("T1", {"settings": {"hours": WEEK}})
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
    # Monday and Saturday as the template says; Tuesday to Friday as the centre had them.
    assert settings["hours"] == {**WEEK, **HOURS} and settings["closed_days"] == ["2027-01-01"]
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
    assert report["offices"]["T1"]["kept"] == ["settings.hours.mon"]
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


# ------------------------------------------------------------------ only what it names


def test_hours_settle_day_by_day_and_settings_key_by_key():
    here = current()
    here["settings"] = {
        "hours": WEEK,
        "closed_days": ["2026-12-24"],  # the centre's own
        "rating": {"preset": "five", "question": "Ông/Bà hài lòng chứ?"},
        "targets": {"wait": 80, "satisfied": 90},
    }
    body = {
        "settings": {
            "hours": {"mon": [["08:00", "12:00"]], "sun": []},
            "closed_days": ["2027-01-01"],
            "rating": {"preset": "three"},
            "targets": {"wait": 70},
        }
    }
    merged, report = template.merge(here, None, body)
    settings = merged["settings"]
    assert settings["hours"] == {**WEEK, "mon": [["08:00", "12:00"]], "sun": []}
    assert settings["closed_days"] == ["2026-12-24", "2027-01-01"]
    assert settings["rating"] == {"preset": "three", "question": "Ông/Bà hài lòng chứ?"}
    assert settings["targets"] == {"wait": 70, "satisfied": 90}
    assert sorted(report["changed"]) == [
        "settings.closed_days.2027-01-01",
        "settings.hours.mon",
        "settings.hours.sun",
        "settings.rating.preset",
        "settings.targets.wait",
    ]

    # The next version drops New Year and Sunday; the centre had reopened on New Year.
    here["settings"] = {**settings, "closed_days": ["2026-12-24"]}
    newer = {"settings": {"hours": {"mon": [["08:00", "12:00"]]}, "closed_days": ["2027-04-30"]}}
    merged, report = template.merge(here, body, newer)
    assert merged["settings"]["closed_days"] == ["2026-12-24", "2027-04-30"]
    assert merged["settings"]["hours"]["sun"] == []  # no longer named: left as it is
    assert report["changed"] == ["settings.closed_days.2027-04-30"]
    here["settings"]["closed_days"] = ["2026-12-24", "2027-01-01"]
    merged, report = template.merge(here, body, newer)
    assert merged["settings"]["closed_days"] == ["2026-12-24", "2027-04-30"]
    assert "settings.closed_days.2027-01-01" in report["changed"]  # the template's, removed


def test_an_office_without_hours_is_not_closed_on_the_days_a_template_leaves_out(province, centre):
    """An office that keeps no hours is open every day: a template with Monday's hours
    alone would close it the other six. Refused there, changing nothing; a whole week is
    taken."""
    with pytest.raises(Invalid, match="keeps no opening hours"):
        template.merge(current() | {"settings": {}}, None, {"settings": {"hours": HOURS}})
    centre_id = join(province, centre)
    province.save_template("monday", {"settings": {"hours": HOURS}, **BODY_FIELDS})
    province.assign_template("monday", ["XA1"])
    before = centre.export_office("T1")
    report = template.apply(centre, 1, province.template_for(centre_id)["body"])
    assert "keeps no opening hours" in report["offices"]["T1"]["error"]
    assert centre.export_office("T1") == before
    province.save_template("monday", {"settings": {"hours": WEEK | {"sun": []}}})
    report = template.apply(centre, 2, province.template_for(centre_id)["body"])
    assert "error" not in report["offices"]["T1"]
    assert centre.office_settings("T1")["settings"]["hours"] == WEEK | {"sun": []}


BODY_FIELDS = {"priority_classes": [{"code": "merit", "name": "Người có công"}]}


def documented_template() -> tuple[dict, str, list[str]]:
    """The example of docs/PROVINCE.md as written there: the JSON, the template's name and
    the centres the command pushes it to."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "PROVINCE.md").read_text()
    found = re.search(r"cat > template\.json <<'EOF'\n(.*?)\n\s*EOF\n", text, re.DOTALL)
    command = re.search(r"luot province template (\S+) template\.json((?: --centre \S+)+)", text)
    assert found and command, "docs/PROVINCE.md no longer shows its template example"
    body = json.loads(textwrap.dedent(found.group(1)))
    return body, command.group(1), command.group(2).split()[1::2]


def test_the_documented_template_changes_only_what_it_names(province, make_centre):
    body, name, codes = documented_template()
    assert len(codes) == 2
    centres, before = {}, {}
    for code in codes:
        centre = make_centre(f"centre-{code}", office=code)
        # A centre as a commune runs it: its week (Monday to Saturday morning), a closed
        # day, a rating question and fields of its own.
        centre.update_office(
            code,
            {
                "settings": {
                    "hours": WEEK,
                    "closed_days": ["2026-12-24"],
                    "rating": {"preset": "five", "question": "Ông/Bà có hài lòng không?"},
                    "notice": "Nghỉ trưa 11:30–13:00.",
                }
            },
        )
        centre.update_service(code, "B", {"prefix": "B", "number_start": 1, "number_end": 999})
        centres[code] = (centre, join(province, centre, code))
        before[code] = centre.export_office(code)
    province.save_template(name, body)
    province.assign_template(name, codes)
    for code, (centre, centre_id) in centres.items():
        offered = province.template_for(centre_id)
        report = template.apply(centre, offered["version"], offered["body"])
        assert "error" not in report["offices"][code], report
        after = centre.export_office(code)
        expected = copy.deepcopy(before[code])
        named = body["settings"]
        settings = expected["settings"]
        settings["hours"].update(named["hours"])
        settings["closed_days"] = sorted({*settings["closed_days"], *named["closed_days"]})
        settings["rating"].update(named["rating"])
        for section in ("services", "priority_classes"):
            # A field or class the template names is as it says (one it adds has the
            # defaults for the rest, and comes last); the others are as they were.
            had = {item["code"]: item for item in expected[section]}
            made = {item["code"]: item for item in after[section]}
            last = max(item["sort_order"] for item in expected[section])
            for item in body[section]:
                if item["code"] in had:
                    had[item["code"]].update(item)
                else:
                    last += 1
                    expected[section].append({**made[item["code"]], **item, "sort_order": last})
        assert after == expected
        # Tuesday to Saturday are open as they were: the office takes tickets on Tuesday.
        assert after["settings"]["hours"]["tue"] == WEEK["tue"]
        assert after["settings"]["hours"]["sat"] == WEEK["sat"]
