"""The provincial server says what changes in a centre's sync, not each push: a centre
pushing every 0.2 s for several seconds leaves one line at the province, not one a push."""

from __future__ import annotations

import time

import pytest

from tests.province.test_live import wait_for
from tests.province.test_live_restore import Box, centre_box, joined, settled

pytestmark = pytest.mark.slow


def test_a_province_logs_a_centre_once_while_its_sync_stays_the_same(
    database_url, sqlite_template, tmp_path
):
    province = Box(tmp_path / "province", database_url)
    centre = centre_box(tmp_path, sqlite_template)
    centre.env["LUOT_PROVINCE_PUSH_SECONDS"] = "0.2"
    try:
        province.start()
        centre.start()
        joined(province, centre)
        centre.issue(3)
        wait_for(lambda: settled(centre, province), what="3 tickets at the province")
        time.sleep(3)  # about 15 more pushes, all alike
    finally:
        centre.stop()
        province.stop()
    lines = (tmp_path / "province" / "server.log").read_text().splitlines()
    pushes = [line for line in lines if "/api/v1/province/sync" in line]
    said = [line for line in lines if "centre XA1:" in line]
    assert pushes == [], pushes[:3]
    assert len(said) == 1 and "pushing here" in said[0], said
