"""One truth about a device's connection (issue 25, point 7): the devices list, the
overview and a single device read `engine/presence.py`'s `device_view`, so a screen that
never came, one that left, one whose process died without a word and one still there are
told apart the same way everywhere."""

from __future__ import annotations

import datetime as dt

from server.engine import credentials


def _by_name(devices: list[dict]) -> dict[str, dict]:
    return {d["name"]: d for d in devices}


def test_the_devices_list_and_the_overview_say_the_same(client, manager, engine, office, clock):
    with engine.db.write() as session:
        ids = {
            name: credentials.create_device(session, "T1", kind, name, **extra).id
            for name, kind, extra in (
                ("kiosk", "kiosk", {}),
                ("board", "display", {}),
                ("tablet", "rating", {"counter_number": 1}),
                ("spare", "display", {}),
            )
        }
    engine.device_presence([ids["kiosk"], ids["board"], ids["tablet"]], True)
    clock.advance(minutes=1)
    engine.device_presence([ids["board"]], False)  # its screen went away
    # The tablet's process died without saying goodbye: no heartbeat for 2 minutes more.
    clock.advance(minutes=2)
    engine.device_presence([ids["kiosk"]], None)  # the kiosk's process beats on

    listed = _by_name(client.get("/api/v1/offices/T1/devices", headers=manager).get_json())
    overview = client.get("/api/v1/offices/T1/overview", headers=manager).get_json()
    shown = _by_name(overview["devices"])
    expected = {"kiosk": "connected", "board": "lost", "tablet": "lost", "spare": "never"}
    for name, state in expected.items():
        for view in (listed[name], shown[name]):
            assert view["connection"] == state, (name, view)
            assert view["connected"] is view["online"] is (state == "connected")
        assert listed[name]["last_seen_at"] == shown[name]["last_seen_at"]
        assert shown[name]["fault"] is (state != "connected")
    board_seen = dt.datetime.fromisoformat(listed["board"]["last_seen_at"].replace("Z", "+00:00"))
    assert board_seen == clock.now - dt.timedelta(minutes=2)  # lost since it went away
    assert engine.device(ids["spare"])["connection"] == "never"
