"""The word catalogue: complete in both languages, served to scripts, embedded in pages."""

from __future__ import annotations

import json
import re
import string

from server.i18n import catalogue as vocabulary

VOCAB_JSON = re.compile(r'id="luot-vocabulary">(.*?)</script>', re.S)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_has_both_languages_with_the_same_placeholders():
    for key, (vi, en) in vocabulary.CATALOGUE.items():
        if key == "group_title.total":
            continue  # "figures" with no "by ..." on purpose
        assert vi and en, key
        assert _fields(vi) == _fields(en), key


def test_one_spelling_of_huy():
    assert not [key for key, (vi, _) in vocabulary.CATALOGUE.items() if "huỷ" in vi.lower()]


def test_lookups_fill_placeholders_and_fall_back():
    assert vocabulary.t("kiosk.waiting_n", n=3) == "3 người đang chờ"
    assert vocabulary.t("kiosk.waiting_n", "en", n=3) == "3 waiting"
    assert vocabulary.label("ticket_status", "on_hold") == "Tạm dừng"
    assert vocabulary.label("counter_state", "paused", "en") == "Paused"
    assert vocabulary.label("ticket_status", "unheard_of") == "unheard_of"
    assert vocabulary.t("no.such.key") == "no.such.key"


def test_the_json_block_cannot_close_its_script_tag():
    text = str(vocabulary.catalogue_json("vi"))
    assert "<" not in text and ">" not in text
    assert json.loads(text)["words"]["counter_state.paused"] == "Tạm nghỉ"


def test_served_to_scripts_and_embedded_in_pages(client, office):
    response = client.get("/vocabulary.json?lang=en")
    assert response.status_code == 200
    assert response.get_json()["lang"] == "en"
    assert response.get_json()["words"]["ticket_status.cancelled"] == "Cancelled"
    html = client.get("/display/T1").get_data(as_text=True)
    embedded = json.loads(VOCAB_JSON.search(html).group(1))
    assert embedded["lang"] == "vi"
    assert embedded["words"]["ticket_status.cancelled"] == "Đã hủy"


CITIZEN_SECTIONS = ("citizen_status.", "screen.", "kiosk.", "rating.", "rate_tablet.", "booking.")
FAMILIAR = re.compile(r"\b(bạn|quý khách)\b", re.I)


def test_citizens_are_addressed_as_ong_ba_everywhere():
    """One respectful form on every citizen screen and the printed ticket: "Ông/Bà", never
    the familiar "bạn" or a second form ("Quý khách") beside it."""
    from printer import layout

    familiar = [
        key
        for key, (vi, _) in vocabulary.CATALOGUE.items()
        if key.startswith(CITIZEN_SECTIONS) and FAMILIAR.search(vi)
    ]
    assert familiar == []
    assert not FAMILIAR.search(layout.CODE_LABEL + layout.AHEAD_LABEL)
    assert "Ông/Bà" in vocabulary.t("kiosk.priority_q")
    assert vocabulary.t("kiosk.hello_name", name="Nguyễn Văn A") == "Kính chào Ông/Bà Nguyễn Văn A"
