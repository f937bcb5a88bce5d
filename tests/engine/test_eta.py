"""Position and estimated wait on a scenario computed by hand."""

from __future__ import annotations

from server.engine.rules.eta import estimate_minutes, mean_minutes


def serve(engine, counter_id: int, clock, minutes: float) -> None:
    """Call the next ticket at the counter and finish it `minutes` after the call."""
    ticket = engine.call_next(counter_id)
    engine.start(ticket["id"])
    clock.advance(minutes=minutes)
    engine.finish(ticket["id"])


def test_position_and_eta_by_hand(engine, office, open_counters, clock):
    # History of field B: two tickets taking 4 and 8 minutes from call to finish → 6 min.
    engine.issue("T1", "B")
    engine.issue("T1", "B")
    serve(engine, open_counters[2], clock, 4)
    serve(engine, open_counters[2], clock, 8)

    # Now four ordinary tickets of B, then one priority ticket of B.
    ordinary = [engine.issue("T1", "B") for _ in range(4)]
    clock.advance(minutes=1)
    priority = engine.issue("T1", "B", priority="disability")

    # B is served by both open counters: eta = ahead × 6 min ÷ 2.
    assert (priority["position"], priority["ahead"], priority["eta_minutes"]) == (1, 0, 0)
    views = [engine.ticket(t["id"]) for t in ordinary]
    assert [v["ahead"] for v in views] == [1, 2, 3, 4]  # the priority ticket went ahead
    assert [v["eta_minutes"] for v in views] == [3, 6, 9, 12]
    # What the first ordinary ticket was told when it was issued: 0 ahead then.
    assert ordinary[0]["ahead"] == 0 and ordinary[3]["ahead"] == 3

    # Field A: only counter 1 serves it and it has no history: the 5-minute default.
    a = [engine.issue("T1", "A") for _ in range(3)]
    assert [t["eta_minutes"] for t in a] == [0, 5, 10]

    # Close counter 2: B now has one counter, so the waits double.
    engine.set_counter_state(open_counters[2], "closed")
    assert engine.ticket(ordinary[3]["id"])["eta_minutes"] == 24

    # The public view by token says the same, without personal or internal data.
    public = engine.ticket_by_token(ordinary[3]["token"])
    assert (public["position"], public["eta_minutes"]) == (5, 24)
    assert "id" not in public and "citizen_name" not in public and "token" not in public


def test_a_called_ticket_has_no_place_in_line(engine, office, open_counters):
    ticket = engine.issue("T1", "A")
    engine.call_next(open_counters[1])
    view = engine.ticket(ticket["id"])
    assert (view["position"], view["ahead"], view["eta_minutes"]) == (None, None, None)


def test_eta_arithmetic():
    assert mean_minutes([240, 480], default=5) == 6
    assert mean_minutes([], default=5) == 5
    assert estimate_minutes(3, 2, 6) == 9
    assert estimate_minutes(1, 2, 5) == 3  # 2.5 rounds half up
    assert estimate_minutes(4, 0, 5) == 20  # no counter counts as one
