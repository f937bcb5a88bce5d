"""The test decoder itself: known commands decode, anything else is refused."""

import pytest
from PIL import Image

from tests.escpos_decode import (
    Align,
    Bold,
    Cut,
    DecodeError,
    Init,
    Qr,
    Size,
    Text,
    decode,
    qr_payloads,
    rasters,
)


def test_simple_commands_and_text():
    data = b"\x1b@\x1ba\x01\x1d!\x55\x1bE\x01A001\n\x1dV\x00\x1dVB\x03"
    assert decode(data) == [
        Init(),
        Align(1),
        Size(6, 6),
        Bold(True),
        Text("A001\n"),
        Cut(0, None),
        Cut(66, 3),
    ]


def test_raster_bits_set_mean_black_dots():
    # 16 dots wide, 2 rows: the first row's leftmost 8 dots black, the second row blank.
    (raster,) = rasters(decode(b"\x1dv0\x00\x02\x00\x02\x00" + b"\xff\x00\x00\x00"))
    assert (raster.width, raster.height, raster.command) == (16, 2, "GS v 0")
    assert raster.image.getpixel((0, 0)) == 0
    assert raster.image.getpixel((8, 0)) == 255
    assert raster.image.getpixel((0, 1)) == 255


def test_column_stripes_are_joined_into_one_picture():
    stripe = b"\x1b*\x21\x02\x00" + b"\x80\x00\x00" + b"\x00\x00\x01" + b"\n"
    (raster,) = rasters(decode(b"\x1b3\x10" + stripe + stripe + b"\x1b2"))
    assert (raster.width, raster.height) == (2, 48)
    black = {(x, y) for x in range(2) for y in range(48) if raster.image.getpixel((x, y)) == 0}
    assert black == {(0, 0), (1, 23), (0, 24), (1, 47)}


def test_qr_payload_counts_only_once_printed():
    store = b"\x1d(k\x08\x00\x31\x50\x30hello"
    show = b"\x1d(k\x03\x00\x31\x51\x30"
    assert qr_payloads(decode(store)) == []
    assert qr_payloads(decode(store + show)) == ["hello"]
    assert decode(store)[0] == Qr(80, b"0hello")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x07", "unknown byte 0x07"),
        (b"\x1bp\x00\x19\xfa", "unknown command ESC 0x70"),
        (b"\x1dB\x01", "unknown command GS 0x42"),
        (b"\x1d(k\x03\x00\x30\x41\x00", "other than QR"),
        (b"\x1dv0\x00\x10\x00\x10\x00\xff", "truncated"),
        ("Đ".encode(), "unknown byte 0xc4"),
    ],
)
def test_unknown_or_broken_bytes_raise(data, message):
    with pytest.raises(DecodeError, match=message):
        decode(data)


def test_graphics_command_roundtrip():
    image = Image.new("1", (10, 3), 1)
    image.putpixel((9, 2), 0)
    body = b"0p" + b"0\x01\x011" + b"\x0a\x00\x03\x00" + b"\x00\x00" * 2 + b"\x00\x40"
    data = b"\x1d(L" + len(body).to_bytes(2, "little") + body + b"\x1d(L\x02\x0002"
    (raster,) = rasters(decode(data))
    assert raster.command == "GS ( L"
    assert raster.image.tobytes() == image.tobytes()
