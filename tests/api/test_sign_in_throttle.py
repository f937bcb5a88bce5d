"""Sign-in tells no usernames and locks nobody out: unknown and real users cost the same
password check, guessing is slowed per address (and per username from an address), and
failures from one address never hold up the real user elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest

from server.engine import credentials
from tests.factories import make_token

START = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin(engine, office):
    make_token(engine.db, "admin", role="admin", offices=())
    return "admin"


def attempt(engine, username: str, password: str, address: str, minutes: float = 0):
    with engine.db.write() as session:
        return credentials.sign_in(
            session, username, password, address, START + dt.timedelta(minutes=minutes)
        )


class CountingHasher:
    """argon2's hasher, recording which hashes were checked."""

    def __init__(self, hasher) -> None:
        self.hasher = hasher
        self.checked: list[str] = []

    def verify(self, hash_: str, password: str) -> bool:
        self.checked.append(hash_)
        return self.hasher.verify(hash_, password)

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    counting = CountingHasher(credentials._hasher)
    monkeypatch.setattr(credentials, "_hasher", counting)
    return counting.checked


def test_unknown_and_real_users_cost_the_same_password_check(engine, admin, checks):
    assert attempt(engine, "admin", "wrong", "10.0.0.1") is None
    assert attempt(engine, "no-such-user", "wrong", "10.0.0.1") is None
    assert len(checks) == 2
    # Same algorithm and cost for both: the hashes carry identical parameters.
    assert checks[0].rsplit("$", 2)[0] == checks[1].rsplit("$", 2)[0]


def test_a_deactivated_user_costs_the_same_check_and_gets_in_nowhere(engine, admin):
    user_id = next(u["id"] for u in engine.users() if u["username"] == "admin")
    make_token(engine.db, "lan")
    lan = next(u["id"] for u in engine.users() if u["username"] == "lan")
    engine.update_user(lan, {"active": False}, user_id)
    counting = CountingHasher(credentials._hasher)
    credentials._hasher, original = counting, credentials._hasher
    try:
        assert attempt(engine, "lan", "pw-lan", "10.0.0.1") is None
    finally:
        credentials._hasher = original
    assert len(counting.checked) == 1


def test_many_usernames_from_one_address_are_throttled(engine, admin):
    for n in range(credentials.ADDRESS_FAILURES):
        assert attempt(engine, f"guess{n}", "x", "203.0.113.9", n * 0.01) is None
    with pytest.raises(credentials.Throttled):
        attempt(engine, "guess-next", "x", "203.0.113.9", 0.5)
    # Someone else, from another address, is not held up.
    assert attempt(engine, "admin", "pw-admin", "10.0.0.2", 0.5).username == "admin"


def test_nobody_can_lock_the_admin_out_by_failing_on_purpose(engine, admin):
    for n in range(12):
        address = f"198.51.100.{n}"
        for i in range(credentials.FREE_FAILURES):
            attempt(engine, "admin", "wrong", address, n * 0.1 + i * 0.01)
        with pytest.raises(credentials.Throttled):
            attempt(engine, "admin", "wrong", address, n * 0.1 + 0.06)
    assert attempt(engine, "admin", "pw-admin", "10.0.0.7", 2).username == "admin"


def test_the_web_form_answers_429_with_retry_after(client, admin):
    from tests.signin import post_sign_in

    for _ in range(credentials.FREE_FAILURES):
        assert post_sign_in(client, "admin", "wrong").status_code == 401
    throttled = post_sign_in(client, "admin", "pw-admin")
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.20.30.40"
    assert post_sign_in(other, "admin", "pw-admin").status_code == 302
