"""`luot user add`, `token create`, `device add` and `seed-demo` go through the engine's
audited verbs: the audit log records them, and refusals say why and change nothing."""

from __future__ import annotations

from server.demo import DEMO_OFFICE


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
