"""The kiosk's own routes without a browser: the page, its options, the QR image."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from kiosk.views import DEFAULTS, kiosk_options, valid_qr_data
from tests.factories import make_office

ROOT = Path(__file__).resolve().parents[2]


def page_config(html: str) -> dict:
    match = re.search(
        r'<script id="kiosk-config" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "the page carries its configuration"
    return json.loads(match.group(1))


def test_the_page_carries_office_fields_classes_and_options(client, office):
    response = client.get("/kiosk/T1")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Trung tâm Phục vụ hành chính công xã Thử" in html
    assert 'lang="vi"' in html
    assert "user-scalable=no" in html
    config = page_config(html)
    assert config["office"] == {
        "code": "T1",
        "name": "Trung tâm Phục vụ hành chính công xã Thử",
        "elderly_age": 60,
    }
    assert [s["code"] for s in config["services"]] == ["A", "B"]
    assert [c["code"] for c in config["priority_classes"]][0] == "elderly"
    assert config["options"] == DEFAULTS


def test_unknown_office_is_a_friendly_404(client, office):
    response = client.get("/kiosk/NOPE")
    assert response.status_code == 404
    assert "text/html" in response.content_type


def test_script_in_settings_cannot_break_out_of_the_config_tag(client, engine):
    make_office(engine.db, name="</script><script>alert(1)</script>")
    html = client.get("/kiosk/T1").get_data(as_text=True)
    assert "</script><script>alert(1)" not in html
    assert page_config(html)["office"]["name"] == "</script><script>alert(1)</script>"


def test_office_settings_and_query_set_the_options(client, engine):
    make_office(
        engine.db,
        settings={
            "kiosk": {
                "return_seconds": 45,
                "services_per_page": 4,
                "ask_priority": False,
                "groups": [{"title": "Đất đai", "services": ["B"]}],
            }
        },
    )
    options = page_config(client.get("/kiosk/T1?return=3").get_data(as_text=True))["options"]
    assert options["return_seconds"] == 3
    assert options["services_per_page"] == 4
    assert options["ask_priority"] is False
    assert options["groups"] == [{"title": "Đất đai", "title_en": "Đất đai", "services": ["B"]}]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"return_seconds": "abc"}, {"return_seconds": 20}),
        ({"return_seconds": True}, {"return_seconds": 20}),
        ({"return_seconds": 1}, {"return_seconds": 3}),
        ({"return_seconds": 99999}, {"return_seconds": 600}),
        ({"services_per_page": 0}, {"services_per_page": 1}),
        ({"ask_priority": "no"}, {"ask_priority": True}),
        ({"elderly_class": ""}, {"elderly_class": "elderly"}),
        ({"elderly_class": "old"}, {"elderly_class": "old"}),
        ({"groups": "x"}, {"groups": []}),
        ({"groups": [{"title": "x"}, {"services": []}, 3]}, {"groups": []}),
        (
            {"groups": [{"title": 5, "services": ["A", 7, ""]}]},
            {"groups": [{"title": "", "title_en": "", "services": ["A"]}]},
        ),
    ],
)
def test_bad_settings_fall_back_to_defaults(raw, expected):
    options = kiosk_options({"kiosk": raw})
    assert {key: options[key] for key in expected} == expected


def test_settings_without_a_kiosk_part():
    assert kiosk_options({}) == DEFAULTS
    assert kiosk_options({"kiosk": "nonsense"}) == DEFAULTS
    assert kiosk_options({}, {"return": "0", "idle": "x"})["return_seconds"] == 1
    assert kiosk_options({}, {"idle": "x"})["idle_seconds"] == DEFAULTS["idle_seconds"]


def test_qr_svg_holds_the_url(client):
    url = "http://127.0.0.1:5000/t/AbCdEf-123_xyz"
    response = client.get("/kiosk/qr.svg", query_string={"data": url})
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<path" in svg
    assert "<script" not in svg


def test_qr_svg_decodes_to_the_url(client):
    """Rasterise the SVG's modules and read it back with a real QR reader."""
    pil = pytest.importorskip("PIL.Image")
    zxingcpp = pytest.importorskip("zxingcpp")
    url = "https://luot.example.vn/t/Zx9-_aBc"
    svg = client.get("/kiosk/qr.svg", query_string={"data": url}).get_data(as_text=True)
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    scale = 8
    image = pil.new("L", (size * scale, size * scale), 255)
    pixels = image.load()
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    modules = re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", path)
    assert len(modules) > 100
    for x, y, x2, y2 in modules:
        for px in range(int(x) * scale, int(x2) * scale):
            for py in range(int(y) * scale, int(y2) * scale):
                pixels[px, py] = 0
    texts = [r.text for r in zxingcpp.read_barcodes(image)]
    assert texts == [url]


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "javascript:alert(1)",
        "data:text/html,hi",
        "ftp://host/file",
        "http://",
        "http:///path",
        "http://host/" + "a" * 600,
        "http://host/with space",
        "http://host/\u00e9",
        "http://host/\nx",
        "/t/relative",
    ],
)
def test_qr_svg_refuses_what_is_not_a_ticket_url(client, data):
    query = {} if data is None else {"data": data}
    assert client.get("/kiosk/qr.svg", query_string=query).status_code == 400


def test_valid_qr_data_accepts_ticket_urls():
    assert valid_qr_data("http://192.168.1.10:5000/t/abc")
    assert valid_qr_data("https://motcua.example.gov.vn/t/abc?x=1")
    assert not valid_qr_data("https://[::1")


def test_kiosk_assets_use_no_outside_urls():
    """Offices often have no internet: nothing in the kiosk's files reaches outside."""
    files = [
        *sorted((ROOT / "kiosk" / "templates").rglob("*.html")),
        *sorted((ROOT / "static" / "js" / "kiosk").glob("*.js")),
        ROOT / "static" / "css" / "kiosk.css",
    ]
    assert len(files) >= 3
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://|(?<![:\w])//[\w.-]+\.\w", text), path
        assert "@import" not in text, path


def test_qr_svg_is_not_a_page_of_an_office(client, office):
    """`/kiosk/qr.svg` is the QR route, whatever offices exist."""
    response = client.get("/kiosk/qr.svg", query_string={"data": "http://h/t/x"})
    assert response.mimetype == "image/svg+xml"
    assert io.BytesIO(response.get_data()).read(5) == b"<?xml"
