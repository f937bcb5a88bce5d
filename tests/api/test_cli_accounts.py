"""`luot user add`, `token create`, `device add` and `seed-demo` go through the engine's
audited verbs: the audit log records them, and refusals say why and change nothing."""

from __future__ import annotations

from server.demo import DEMO_ADMIN_PASSWORD, DEMO_OFFICE
from tests.factories import bearer


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
