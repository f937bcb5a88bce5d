"""A small ESC/POS decoder for the tests, written independently of python-escpos.

It understands exactly the commands a Lượt ticket may contain and raises DecodeError on
anything else, so a change in the emitted bytes cannot slip past the tests unnoticed.
``preview`` draws the decoded job roughly as the paper would look, for a human to check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import qrcode
from PIL import Image, ImageDraw, ImageFont

ESC, GS, LF, CR = 0x1B, 0x1D, 0x0A, 0x0D
QR_CN = 49  # GS ( k symbol type "QR Code"
QR_STORE, QR_PRINT, QR_MODULE = 80, 81, 67
_INVERT = bytes(255 - b for b in range(256))


class DecodeError(ValueError):
    """The byte stream holds something this decoder does not know."""


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Init:
    pass


@dataclass(frozen=True)
class Align:
    value: int  # 0 left, 1 centre, 2 right


@dataclass(frozen=True)
class Size:
    width: int
    height: int


@dataclass(frozen=True)
class Bold:
    on: bool


@dataclass(frozen=True)
class PrintMode:
    value: int  # ESC !


@dataclass(frozen=True)
class CodePage:
    value: int


@dataclass(frozen=True)
class FeedLines:
    count: int


@dataclass(frozen=True)
class LineSpacing:
    value: int | None  # None: back to the default


@dataclass(frozen=True)
class Raster:
    image: Image.Image = field(compare=False)
    command: str  # "GS v 0", "GS ( L" or "ESC *"

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


@dataclass(frozen=True)
class GraphicsPrint:
    pass


@dataclass(frozen=True)
class Qr:
    fn: int
    params: bytes

    @property
    def payload(self) -> bytes:
        if self.fn != QR_STORE:
            raise DecodeError(f"GS ( k fn {self.fn} stores no data")
        return self.params[1:]  # after m = '0'


@dataclass(frozen=True)
class Cut:
    mode: int
    feed: int | None


Segment = (
    Text
    | Init
    | Align
    | Size
    | Bold
    | PrintMode
    | CodePage
    | FeedLines
    | LineSpacing
    | Raster
    | GraphicsPrint
    | Qr
    | Cut
)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def more(self) -> bool:
        return self.pos < len(self.data)

    def peek(self) -> int:
        return self.data[self.pos]

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise DecodeError(f"command truncated at offset {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        low, high = self.take(2)
        return low + 256 * high


def decode(data: bytes) -> list[Segment]:
    """Split a job into segments; consecutive ESC * stripes become one Raster."""
    reader = _Reader(data)
    out: list[Segment] = []
    stripes: list[Image.Image] = []
    while reader.more():
        start = reader.pos
        first = reader.byte()
        if first == ESC and reader.more() and reader.peek() == ord("*"):
            reader.byte()
            stripes.append(_column_stripe(reader))
            if reader.more() and reader.peek() == LF:
                reader.byte()
            continue
        if stripes:
            out.append(Raster(_stack(stripes), "ESC *"))
            stripes = []
        if first == ESC:
            out.append(_esc(reader, start))
        elif first == GS:
            out.append(_gs(reader, start))
        elif first in (LF, CR) or 0x20 <= first < 0x7F:
            end = reader.pos
            while end < len(data) and (data[end] in (LF, CR) or 0x20 <= data[end] < 0x7F):
                end += 1
            out.append(Text(data[start:end].decode("ascii")))
            reader.pos = end
        else:
            raise DecodeError(f"unknown byte 0x{first:02x} at offset {start}")
    if stripes:
        out.append(Raster(_stack(stripes), "ESC *"))
    return out


def _esc(reader: _Reader, start: int) -> Segment:
    cmd = reader.byte()
    simple = {
        ord("a"): lambda n: Align(n % 48),
        ord("E"): lambda n: Bold(bool(n & 1)),
        ord("!"): PrintMode,
        ord("t"): CodePage,
        ord("d"): FeedLines,
        ord("3"): LineSpacing,
    }
    if cmd == ord("@"):
        return Init()
    if cmd == ord("2"):
        return LineSpacing(None)
    if cmd in simple:
        return simple[cmd](reader.byte())
    raise DecodeError(f"unknown command ESC 0x{cmd:02x} at offset {start}")


def _gs(reader: _Reader, start: int) -> Segment:
    cmd = reader.byte()
    if cmd == ord("!"):
        n = reader.byte()
        return Size(width=(n >> 4) + 1, height=(n & 0x0F) + 1)
    if cmd == ord("V"):
        mode = reader.byte()
        return Cut(mode, reader.byte() if mode in (65, 66) else None)
    if cmd == ord("v"):
        if reader.byte() != ord("0"):
            raise DecodeError(f"unknown GS v variant at offset {start}")
        reader.byte()  # density
        width_bytes, height = reader.u16(), reader.u16()
        return Raster(_bitmap(reader.take(width_bytes * height), width_bytes * 8, height), "GS v 0")
    if cmd == ord("("):
        kind = reader.byte()
        body = reader.take(reader.u16())
        if kind == ord("k"):
            return _qr(body, start)
        if kind == ord("L"):
            return _graphics(body, start)
        raise DecodeError(f"unknown GS ( 0x{kind:02x} at offset {start}")
    raise DecodeError(f"unknown command GS 0x{cmd:02x} at offset {start}")


def _qr(body: bytes, start: int) -> Qr:
    if len(body) < 2 or body[0] != QR_CN:
        raise DecodeError(f"GS ( k for a symbol other than QR at offset {start}")
    return Qr(fn=body[1], params=body[2:])


def _graphics(body: bytes, start: int) -> Segment:
    fn = body[1]
    if fn == ord("2"):
        return GraphicsPrint()
    if fn != ord("p") or len(body) < 10:
        raise DecodeError(f"unknown GS ( L function {fn} at offset {start}")
    width = body[6] + 256 * body[7]
    height = body[8] + 256 * body[9]
    data = body[10:]
    if len(data) != (width + 7) // 8 * height:
        raise DecodeError(f"GS ( L image size does not match its data at offset {start}")
    return Raster(_bitmap(data, (width + 7) // 8 * 8, height).crop((0, 0, width, height)), "GS ( L")


def _column_stripe(reader: _Reader) -> Image.Image:
    mode = reader.byte()
    width = reader.u16()
    dots = {0: 8, 1: 8, 32: 24, 33: 24}.get(mode)
    if dots is None:
        raise DecodeError(f"unknown ESC * mode {mode}")
    data = reader.take(width * dots // 8)
    # Column data is the stripe transposed: each column is dots/8 bytes, top bit first.
    return _bitmap(data, dots, width).transpose(Image.Transpose.TRANSPOSE)


def _bitmap(data: bytes, width: int, height: int) -> Image.Image:
    """ESC/POS sets a bit for a black dot; PIL's "1" mode uses a set bit for white."""
    return Image.frombytes("1", (width, height), data.translate(_INVERT))


def _stack(stripes: Sequence[Image.Image]) -> Image.Image:
    canvas = Image.new("1", (stripes[0].width, sum(s.height for s in stripes)), 1)
    top = 0
    for stripe in stripes:
        canvas.paste(stripe, (0, top))
        top += stripe.height
    return canvas


def rasters(segments: Iterable[Segment]) -> list[Raster]:
    return [s for s in segments if isinstance(s, Raster)]


def cuts(segments: Iterable[Segment]) -> list[Cut]:
    return [s for s in segments if isinstance(s, Cut)]


def qr_payloads(segments: Iterable[Segment]) -> list[str]:
    """Payloads that were stored and then printed (fn 80 followed by fn 81)."""
    printed: list[str] = []
    stored: bytes | None = None
    for seg in segments:
        if isinstance(seg, Qr) and seg.fn == QR_STORE:
            stored = seg.payload
        elif isinstance(seg, Qr) and seg.fn == QR_PRINT and stored is not None:
            printed.append(stored.decode("utf-8"))
    return printed


def plain_text(segments: Iterable[Segment]) -> str:
    return "".join(s.text for s in segments if isinstance(s, Text))


def is_blank(image: Image.Image) -> bool:
    """No black dot at all (an empty image counts as blank)."""
    return image.convert("L").getextrema() in ((255, 255), None)


def preview(segments: Sequence[Segment], width: int) -> Image.Image:
    """Draw the job as the paper would roughly look (native text in a stand-in font)."""
    canvas = Image.new("L", (width, 6000), 255)
    draw = ImageDraw.Draw(canvas)
    y, align, size = 0, 0, (1, 1)
    module, stored, graphics = 3, b"", None
    line = ""

    def place(im: Image.Image) -> None:
        nonlocal y
        x = {0: 0, 1: (width - im.width) // 2, 2: width - im.width}[align]
        canvas.paste(im.convert("L"), (x, y))
        y += im.height

    for seg in segments:
        match seg:
            case Text(text=text):
                for char in text:
                    if char == "\n":
                        place(_native_line(line, size))
                        line = ""
                    elif char != "\r":
                        line += char
            case Align(value=value):
                align = value
            case Size(width=w, height=h):
                size = (w, h)
            case Init():
                align, size = 0, (1, 1)
            case Raster(command="GS ( L"):
                graphics = seg.image
            case GraphicsPrint() if graphics is not None:
                place(graphics)
            case Raster():
                place(seg.image)
            case Qr(fn=fn) if fn == QR_MODULE:
                module = seg.params[0]
            case Qr(fn=fn) if fn == QR_STORE:
                stored = seg.payload
            case Qr(fn=fn) if fn == QR_PRINT:
                code = qrcode.QRCode(box_size=module, border=0)
                code.add_data(stored.decode("utf-8"))
                place(code.make_image().get_image())
            case FeedLines(count=count):
                y += 30 * count
            case Cut():
                for x in range(0, width, 16):
                    draw.line((x, y + 4, x + 8, y + 4), fill=0)
                y += 10
    return canvas.crop((0, 0, width, y))


def _native_line(text: str, size: tuple[int, int]) -> Image.Image:
    """Font A is 12x24 dots per character, magnified by GS !; drawn with Pillow's font."""
    w, h = size
    cell_w, cell_h = 12 * w, 24 * h
    line = Image.new("L", (max(cell_w * len(text), 1), max(cell_h, 30)), 255)
    face = ImageFont.load_default(size=int(22 * h))
    for i, char in enumerate(text):
        glyph = Image.new("L", (12 * h, cell_h), 255)
        ImageDraw.Draw(glyph).text((6 * h, cell_h // 2), char, font=face, fill=0, anchor="mm")
        line.paste(glyph.resize((cell_w, cell_h)), (i * cell_w, 0))
    return line
