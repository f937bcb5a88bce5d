"""A manager adds, deactivates and reactivates the officers of their own office, through
the admins' own endpoints and engine (issue 25, point 7): each change audited like an
admin's; everything else (other offices' users, managers, administrators, themselves, a
role) refused 403 with a clear message in both languages, and nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import AuditEntry, User
from tests.factories import bearer, make_office, make_token

NEW = {"username": "hoa", "full_name": "Lê Thị Hoa", "password": "mat-khau-dai"}


@pytest.fixture
def people(engine, office, manager):
    """boss manages T1 (the `manager` fixture); T2 beside it; officers of each and of
    both, another manager of T1, an administrator, and a manager of T2."""
    make_office(engine.db, code="T2", counters=[])
    tokens = {
        "officer1": make_token(engine.db, "officer1"),
        "officer2": make_token(engine.db, "officer2", offices=("T2",)),
        "both": make_token(engine.db, "both", offices=("T1", "T2")),
        "boss2": make_token(engine.db, "boss2", role="manager"),
        "boss_t2": make_token(engine.db, "boss_t2", role="manager", offices=("T2",)),
        "root": make_token(engine.db, "root", role="admin", offices=()),
    }
    with engine.db.read() as session:
        ids = dict(session.execute(select(User.username, User.id)).all())
    return {"headers": {n: bearer(t) for n, t in tokens.items()} | {"boss": manager}, "ids": ids}


def users_state(engine) -> tuple:
    """Every user as the database holds them, and the audit log's length."""
    with engine.db.read() as session:
        users = tuple(
            (
                u.username,
                u.role,
                u.active,
                u.full_name,
                u.password_hash,
                tuple(o.code for o in u.offices),
            )
            for u in session.scalars(select(User).order_by(User.id))
        )
        audit = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    return users, audit


def test_a_manager_lists_the_users_of_their_own_office(client, people):
    listed = client.get("/api/v1/users", headers=people["headers"]["boss"])
    assert listed.status_code == 200
    assert {u["username"] for u in listed.get_json()} == {"boss", "boss2", "officer1", "both"}
    everyone = client.get("/api/v1/users", headers=people["headers"]["root"]).get_json()
    assert {"officer2", "root", "boss_t2"} <= {u["username"] for u in everyone}


def test_a_manager_adds_an_officer_to_their_office_audited(client, engine, people):
    created = client.post(
        "/api/v1/users",
        headers=people["headers"]["boss"],
        json={**NEW, "role": "officer", "offices": ["T1"]},
    )
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert (user["role"], user["offices"], user["active"]) == ("officer", ["T1"], True)
    log = client.get("/api/v1/offices/T1/audit", headers=people["headers"]["boss"]).get_json()
    assert (log[0]["action"], log[0]["target"], log[0]["user"]) == ("user.create", "hoa", "boss")
    with engine.db.read() as session:
        assert session.scalar(select(User).where(User.username == "hoa")).active


def test_a_manager_deactivates_and_reactivates_an_officer_audited(client, people):
    boss, officer = people["headers"]["boss"], people["headers"]["officer1"]
    target = people["ids"]["officer1"]
    assert client.get("/api/v1/me", headers=officer).status_code == 200
    off = client.patch(f"/api/v1/users/{target}", headers=boss, json={"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert client.get("/api/v1/me", headers=officer).status_code == 401  # their token ended
    on = client.patch(
        f"/api/v1/users/{target}", headers=boss, json={"active": True, "password": "moi-mat-khau"}
    )
    assert on.status_code == 200 and on.get_json()["active"] is True
    log = client.get("/api/v1/offices/T1/audit", headers=boss).get_json()
    assert [(e["action"], e["target"], e["user"]) for e in log[:2]] == [
        ("user.update", "officer1", "boss"),
        ("user.update", "officer1", "boss"),
    ]
    assert log[1]["after"]["active"] is False and log[0]["after"]["active"] is True
    assert log[0]["after"]["password"] == "changed"


REFUSED = [
    ("boss", "post", None, {**NEW, "role": "manager", "offices": ["T1"]}, "tài khoản quản lý"),
    ("boss", "post", None, {**NEW, "role": "admin", "offices": []}, "tài khoản quản lý"),
    ("boss", "post", None, {**NEW, "role": "officer", "offices": ["T2"]}, "đơn vị mình quản lý"),
    (
        "boss",
        "post",
        None,
        {**NEW, "role": "officer", "offices": ["T1", "T2"]},
        "đơn vị mình quản lý",
    ),
    ("boss", "patch", "officer2", {"active": False}, "không phải cán bộ của đơn vị"),
    ("boss", "patch", "both", {"active": False}, "không phải cán bộ của đơn vị"),
    ("boss", "patch", "boss2", {"active": False}, "không phải cán bộ: chỉ quản trị viên"),
    ("boss", "patch", "root", {"full_name": "X"}, "không phải cán bộ: chỉ quản trị viên"),
    ("boss", "patch", "boss", {"active": False}, "tự sửa hay khóa tài khoản"),
    ("boss", "patch", "boss", {"full_name": "Sếp"}, "tự sửa hay khóa tài khoản"),
    ("boss", "patch", "officer1", {"role": "manager"}, "tài khoản quản lý"),
    ("boss", "patch", "officer1", {"offices": ["T1", "T2"]}, "đơn vị mình quản lý"),
    ("boss_t2", "patch", "officer1", {"active": False}, "không phải cán bộ của đơn vị"),
    ("officer1", "get", None, None, "không có quyền"),
    ("officer1", "post", None, {**NEW, "role": "officer", "offices": ["T1"]}, None),
    ("officer1", "patch", "both", {"active": False}, None),
]


@pytest.mark.parametrize(
    ("caller", "method", "target", "body", "words"),
    REFUSED,
    ids=[f"{c} {m} {t or ''} {b}" for c, m, t, b, _w in REFUSED],
)
def test_what_a_manager_may_not_do_is_refused_and_changes_nothing(
    client, engine, people, caller, method, target, body, words
):
    url = "/api/v1/users" + (f"/{people['ids'][target]}" if target else "")
    before = users_state(engine)
    response = getattr(client, method)(url, headers=people["headers"][caller], json=body)
    assert response.status_code == 403, response.get_json()
    answer = response.get_json()
    assert answer["message"] and answer["vi"]["message"] != answer["message"]
    if words:
        assert words in answer["vi"]["message"], answer
    assert users_state(engine) == before
