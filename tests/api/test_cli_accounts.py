"""`luot user`, `token`, `device` and `seed-demo` go through the engine's audited verbs:
the audit log records them, and refusals say why in one line and change nothing."""

from __future__ import annotations

import re

import pytest

from server.ops.demo import DEMO_ADMIN_PASSWORD, DEMO_OFFICE
from tests.factories import bearer, make_office
from tests.ops.conftest import contents
from tests.signin import post_sign_in


def audit_actions(engine, office: str) -> list[tuple[str, str]]:
    return [(entry["action"], entry["target"]) for entry in engine.audit_log(office)]


def test_user_token_and_device_from_the_cli_are_audited(runner, engine, office, client):
    added = runner.invoke(
        args=[
            "user",
            "add",
            "hoa",
            "--role",
            "officer",
            "--office",
            "T1",
            "--password",
            "mat-khau-dai-1",
        ]
    )
    assert added.exit_code == 0, added.output
    again = runner.invoke(args=["user", "add", "hoa", "--office", "T1"])
    assert again.exit_code != 0 and "already exists" in again.output

    token = runner.invoke(args=["token", "create", "hoa", "--label", "laptop"])
    assert token.exit_code == 0, token.output
    raw = token.output.strip()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.get_json()["name"]
    missing = runner.invoke(args=["token", "create", "nobody"])
    assert missing.exit_code != 0 and "No user 'nobody'" in missing.output

    device = runner.invoke(args=["device", "add", "Kiosk 9", "--office", "T1", "--kind", "kiosk"])
    assert device.exit_code == 0, device.output
    bad = runner.invoke(
        args=["device", "add", "Kiosk 10", "--office", "T1", "--printer", "file:///etc/passwd"]
    )
    assert bad.exit_code != 0
    assert [d["name"] for d in engine.devices("T1")] == ["Kiosk 9"]

    actions = audit_actions(engine, "T1")
    assert ("user.create", "hoa") in actions
    assert ("token.create", "hoa") in actions
    assert ("device.create", "Kiosk 9") in actions


def test_seed_demo_is_audited_and_idempotent(runner, engine):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and "created" in first.output, first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "already present" in second.output
    code = DEMO_OFFICE["code"]
    actions = {action for action, _target in audit_actions(engine, code)}
    assert {"office.create", "user.create", "device.create"} <= actions
    assert len(engine.devices(code)) == 3
    assert {u["username"] for u in engine.users()} >= {"admin", "quanly", "canbo1", "canbo2"}


def test_device_add_prints_the_url_to_open_on_the_device(runner, app, engine, office, client):
    """The README's promise: a token, shown once, and the URL that carries it to the device."""
    added = runner.invoke(
        args=["device", "add", "TV", "--office", "T1", "--kind", "display"]
        + ["--base-url", "http://192.168.1.10:5000/"]
    )
    assert added.exit_code == 0, added.output
    token = added.output.splitlines()[1]
    assert f"Open on it: http://192.168.1.10:5000/display/T1?key={token}\n" in added.output
    me = client.get("/api/v1/devices/me", headers=bearer(token)).get_json()
    assert me["kind"] == "display" and me["name"] == "TV"

    app.config["PUBLIC_BASE_URL"] = "https://luot.example.vn"
    rating = runner.invoke(
        args=["device", "add", "Tablet", "--office", "T1", "--kind", "rating", "--counter", "2"]
    )
    assert rating.exit_code == 0, rating.output
    token = rating.output.splitlines()[1]
    counter = next(d for d in engine.devices("T1") if d["name"] == "Tablet")["counter_id"]
    assert f"Open on it: https://luot.example.vn/rate/{counter}?key={token}\n" in rating.output

    app.config["PUBLIC_BASE_URL"] = ""
    kiosk = runner.invoke(args=["device", "add", "Kiosk", "--office", "T1"])
    token = kiosk.output.splitlines()[1]
    assert f"Open on it: <server address>/kiosk/T1?key={token}\n" in kiosk.output
    assert "--base-url" in kiosk.output
    assert client.get(f"/kiosk/T1?key={token}").status_code == 200

    unbound = runner.invoke(
        args=["device", "add", "Tablet 2", "--office", "T1", "--kind", "rating"]
    )
    assert unbound.exit_code == 0 and "Bind it to a counter" in unbound.output


def test_seed_demo_help_says_what_it_seeds(runner):
    shown = runner.invoke(args=["seed-demo", "--help"])
    assert shown.exit_code == 0
    text = " ".join(shown.output.split())
    assert f"The office {DEMO_OFFICE['code']} ({DEMO_OFFICE['name']}" in text
    assert f"its {len(DEMO_OFFICE['services'])} fields (HT Civil status and justice" in text
    assert f"{len(DEMO_OFFICE['counters'])} counters" in text
    assert "admin (admin), quanly (manager), canbo1 (officer), canbo2 (officer)" in text
    assert f"password {DEMO_ADMIN_PASSWORD}" in text
    assert "a kiosk, a waiting-room display, a rating tablet at counter 1" in text


def refused(result, text: str) -> None:
    """A one-line refusal (click's "Error: …") saying `text`."""
    assert result.exit_code == 1, result.output
    assert text in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_user_list_shows_role_offices_and_state(runner, engine, office):
    assert runner.invoke(args=["user", "list"]).output.startswith("No users")
    for args in (
        ["quantri", "--role", "admin", "--name", "Quản trị viên"],
        ["lan", "--office", "T1", "--name", "Nguyễn Thị Lan"],
    ):
        assert runner.invoke(args=["user", "add", *args]).exit_code == 0
    lan = next(u for u in engine.users() if u["username"] == "lan")
    engine.update_user(lan["id"], {"active": False})
    listed = runner.invoke(args=["user", "list"])
    assert listed.exit_code == 0, listed.output
    assert [line.split() for line in listed.output.splitlines()] == [
        ["lan", "officer", "T1", "inactive", "Nguyễn", "Thị", "Lan"],
        ["quantri", "admin", "-", "active", "Quản", "trị", "viên"],
    ]


def test_user_add_asks_what_the_api_asks_of_a_password(runner, engine, office, database_url):
    before = contents(database_url)
    refused(
        runner.invoke(args=["user", "add", "lan", "--office", "T1", "--password", "ngan"]),
        "A password has 8 to 200 characters; this one has 4.",
    )
    assert contents(database_url) == before


def test_user_passwd_lets_a_locked_out_admin_back_in(runner, engine, office, client):
    """Throttled after failed sign-ins, with a token out: the new password ends the token
    and any session, forgets the failures, and signs in at once from the same address."""
    assert runner.invoke(args=["user", "add", "quantri", "--role", "admin"]).exit_code == 0
    token = runner.invoke(args=["token", "create", "quantri"]).output.strip()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    for _ in range(5):
        assert post_sign_in(client, "quantri", "sai-mat-khau").status_code == 401
    assert post_sign_in(client, "quantri", "sai-mat-khau").status_code == 429

    changed = runner.invoke(args=["user", "passwd", "quantri", "--password", "mat-khau-moi-1"])
    assert changed.exit_code == 0, changed.output
    assert "1 session(s) and token(s) ended, 5 failed sign-in(s) forgotten" in changed.output
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert post_sign_in(client, "quantri", "mat-khau-moi-1").status_code == 302
    assert client.get("/api/v1/me").get_json()["role"] == "admin"

    (entry,) = [e for e in engine.audit_log(None) if e["action"] == "user.password"]
    assert entry["target"] == "quantri"
    assert entry["after"] == {"password": "changed", "signed_out": 1, "failed_sign_ins": 5}

    # Its own session ends with the next change, from the prompt this time (twice, hidden).
    prompted = runner.invoke(
        args=["user", "passwd", "quantri"], input="mat-khau-thu-3\nmat-khau-thu-3\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert "mat-khau-thu-3" not in prompted.output
    assert "1 session(s) and token(s) ended, 0 failed sign-in(s) forgotten" in prompted.output
    assert client.get("/api/v1/me").status_code == 401
    assert post_sign_in(client, "quantri", "mat-khau-thu-3").status_code == 302


def test_user_passwd_generates_one_for_an_officer_audited_in_their_office(
    runner, engine, office, client
):
    assert runner.invoke(args=["user", "add", "lan", "--office", "T1"]).exit_code == 0
    made = runner.invoke(args=["user", "passwd", "lan", "--generate"])
    assert made.exit_code == 0, made.output
    password = re.search(r"^Password: (\S{12,})$", made.output, re.M).group(1)
    assert post_sign_in(client, "lan", password).status_code == 302
    assert ("user.password", "lan") in audit_actions(engine, "T1")


@pytest.mark.parametrize(
    ("args", "given", "says"),
    [
        (["nobody", "--password", "mat-khau-dai"], None, "No user 'nobody'."),
        (["lan", "--password", "ngan"], None, "A password has 8 to 200 characters"),
        (["lan", "--password", "x" * 201], None, "this one has 201"),
        (["lan", "--password", "mat-khau-dai", "--generate"], None, "not both"),
        (["lan"], "mat-khau-dai-1\nmat-khau-dai-2\n", "Aborted"),
        (["lan"], "", "Aborted"),
    ],
)
def test_user_passwd_refusals_change_nothing(
    runner, engine, office, client, database_url, args, given, says
):
    assert runner.invoke(args=["user", "add", "lan", "--office", "T1"]).exit_code == 0
    token = runner.invoke(args=["token", "create", "lan"]).output.strip()
    assert post_sign_in(client, "lan", "sai-mat-khau").status_code == 401
    before = contents(database_url)
    result = runner.invoke(args=["user", "passwd", *args], input=given)
    assert result.exit_code == 1 and says in result.output, result.output
    assert contents(database_url) == before
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_device_list_and_revoke(runner, engine, office, client, database_url):
    assert runner.invoke(args=["device", "list"]).output.startswith("No devices")
    kiosk = runner.invoke(args=["device", "add", "Máy lấy số", "--office", "T1"])
    kiosk_token = kiosk.output.splitlines()[1]
    runner.invoke(args=["device", "add", "TV", "--office", "T1", "--kind", "display"])
    make_office(engine.db, code="T2", counters=[])
    runner.invoke(args=["device", "add", "Máy T2", "--office", "T2", "--printer", "dummy:"])
    ids = {d["name"]: d["id"] for code in ("T1", "T2") for d in engine.devices(code)}

    listed = runner.invoke(args=["device", "list"])
    assert listed.exit_code == 0, listed.output
    rows = [line.split() for line in listed.output.splitlines()]
    assert [row[:3] for row in rows] == [
        [str(ids["Máy lấy số"]), "T1", "kiosk"],
        [str(ids["TV"]), "T1", "display"],
        [str(ids["Máy T2"]), "T2", "kiosk"],
    ]
    assert all(row[-3:] == ["active", "never", "seen"] for row in rows), rows
    assert "dummy:" in listed.output.splitlines()[2]
    only = runner.invoke(args=["device", "list", "--office", "T2"])
    assert [line.split()[0] for line in only.output.splitlines()] == [str(ids["Máy T2"])]
    refused(runner.invoke(args=["device", "list", "--office", "T9"]), "No office with code 'T9'.")

    me = "/api/v1/devices/me"
    assert client.get(me, headers=bearer(kiosk_token)).status_code == 200
    revoked = runner.invoke(args=["device", "revoke", str(ids["Máy lấy số"])])
    assert revoked.exit_code == 0, revoked.output
    assert "(Máy lấy số, kiosk of T1) revoked; 1 token(s) stopped." in revoked.output
    assert client.get(me, headers=bearer(kiosk_token)).status_code == 401
    assert audit_actions(engine, "T1")[0] == ("device.revoke", "Máy lấy số")
    row = runner.invoke(args=["device", "list", "--office", "T1"]).output.splitlines()[0]
    assert row.split()[-3] == "inactive"

    # Revoked for good: reactivated in /admin, the old token still opens nothing.
    engine.update_device(ids["Máy lấy số"], {"active": True})
    assert client.get(me, headers=bearer(kiosk_token)).status_code == 401
    engine.update_device(ids["Máy lấy số"], {"active": False})

    before = contents(database_url)
    again = runner.invoke(args=["device", "revoke", str(ids["Máy lấy số"])])
    assert again.exit_code == 0 and "was revoked already" in again.output
    refused(runner.invoke(args=["device", "revoke", "999999"]), "Device 999999 does not exist.")
    assert runner.invoke(args=["device", "revoke", "x"]).exit_code == 2
    assert contents(database_url) == before
