"""Every response carries a request id, and refusals are logged with their request."""

from __future__ import annotations

import logging

import pytest

from server.web import request_log


def test_a_request_id_is_made_or_kept(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz").headers["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "nginx-42.a:b"})
    assert kept.headers["X-Request-ID"] == "nginx-42.a:b"
    odd = client.get("/healthz", headers={"X-Request-ID": "two words\u00e9"})
    assert len(odd.headers["X-Request-ID"]) == 32


def test_an_engine_refusal_is_logged_with_its_request(client, office, caplog):
    with caplog.at_level(logging.INFO, logger="server.web.errors"):
        answer = client.get("/api/v1/offices/NOPE/queue", headers={"X-Request-ID": "r-1"})
    assert answer.status_code == 404
    (record,) = [r for r in caplog.records if r.name == "server.web.errors"]
    assert "GET /api/v1/offices/NOPE/queue" in record.getMessage()
    assert "not_found" in record.getMessage()


def test_configure_reads_the_level_and_quiets_the_access_log():
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), request_log.access_log.disabled)
    try:
        request_log.configure("warning", quiet=True)
        assert root.level == logging.WARNING and request_log.access_log.disabled
        request_log.configure(None)
        assert root.level == logging.INFO and not request_log.access_log.disabled
        with pytest.raises(ValueError, match="LUOT_LOG_LEVEL"):
            request_log.configure("loud")
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        request_log.access_log.disabled = saved[2]
