"""A ticket as ESC/POS bytes.

Rendering only produces bytes (through escpos's Dummy printer); sending is elsewhere, so
a print queue can render once and retry the send. Vietnamese text goes out as 1-bit
pictures exactly as wide as the paper; the big code and the date are ASCII and stay
native printer text, which is both sharper and far smaller on the wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from escpos.capabilities import BaseProfile
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image

from printer import profiles
from printer.fonts import BOLD
from printer.paper import Paper, paper_for
from printer.profiles import ProfileLike, QrMode
from printer.raster import qr_bitmap, stack
from printer.sheet import Sheet, png
from printer.textimage import Paragraph, render_paragraphs
from printer.ticket import TicketPrint, as_ticket

CODE_LABEL = "Số thứ tự của Ông/Bà"
AHEAD_LABEL = "Số người đang chờ trước Ông/Bà: {ahead}"
ETA_LABEL = "Thời gian chờ dự kiến: ~{minutes} phút"
PRIORITY_LABEL = "Ưu tiên: {name}"
COUNTERS_LABEL = "Quầy phục vụ: {numbers}"
QR_CAPTION = "Quét mã để theo dõi lượt"
DATE_FORMAT = "%d/%m/%Y %H:%M"

# Font A is 12 dots wide; the big code is magnified up to this factor (6 -> 18 mm tall).
_FONT_A_WIDTH = 12
_MAX_CODE_MAGNIFY = 6


def render_ticket(
    ticket: TicketPrint | Mapping[str, Any],
    paper: Paper | int | str = 80,
    *,
    profile: ProfileLike = None,
    qr: QrMode = "auto",
    image_impl: str | None = None,
) -> bytes:
    """The complete job for one ticket, from printer reset to paper cut.

    ``qr="auto"`` prints the QR natively when the profile has the feature, else as a
    picture; ``image_impl`` overrides the raster command the profile would choose.
    """
    return _compose(ticket, paper, profile, qr, image_impl).printer.output


@dataclass(frozen=True)
class TicketRendering:
    """One ticket rendered once: the printer's bytes and the paper they print."""

    escpos: bytes
    image: Image.Image

    def png(self) -> bytes:
        return png(self.image)


def preview_ticket(
    ticket: TicketPrint | Mapping[str, Any],
    paper: Paper | int | str = 80,
    *,
    profile: ProfileLike = None,
    qr: QrMode = "auto",
    image_impl: str | None = None,
) -> TicketRendering:
    """What `render_ticket` sends, with the picture of the paper it prints (the same
    rasters, and the printer's own text and QR drawn as it would): a check without a printer."""
    job = _compose(ticket, paper, profile, qr, image_impl)
    return TicketRendering(job.printer.output, job.sheet.image())


def _compose(
    ticket: TicketPrint | Mapping[str, Any],
    paper: Paper | int | str,
    profile: ProfileLike,
    qr: QrMode,
    image_impl: str | None,
) -> Job:
    ticket = as_ticket(ticket)
    paper = paper_for(paper)
    fitted = profiles.fit_to_paper(profiles.load_profile(profile), paper)
    native_qr = profiles.uses_native_qr(fitted, qr)
    job = Job(fitted, paper, image_impl or profiles.image_impl(fitted))

    job.printer.hw("INIT")
    job.printer.set(align="center")
    job.picture(render_paragraphs(_header(ticket, paper), paper.dots, paper.margin))
    job.big_code(ticket.code)
    job.text_line(ticket.issued_at.strftime(DATE_FORMAT))
    job.picture(render_paragraphs(_details(ticket, paper), paper.dots, paper.margin))
    closing = render_paragraphs(_closing(ticket, paper), paper.dots, paper.margin)
    if native_qr:
        job.native_qr(ticket.track_url)
        job.picture(closing)
    else:
        job.picture(stack([qr_bitmap(ticket.track_url, paper.qr_module), closing], paper.dots))
    job.cut()
    return job


class Job:
    """A Dummy printer plus the choices that stay fixed for the whole ticket.

    Every piece goes through these methods, which also lay it on `sheet`: the preview is
    drawn from the same pictures the printer is sent.
    """

    def __init__(self, profile: BaseProfile, paper: Paper, impl: str) -> None:
        self.printer = Dummy()
        # Assigned, not passed: Dummy(profile=...) only accepts names or Profile objects.
        self.printer.profile = profile
        self.paper = paper
        self.impl = impl
        self.sheet = Sheet(paper.dots)

    def picture(self, image: Image.Image | None) -> None:
        if image is not None:
            self.printer.image(image, impl=self.impl)
            self.sheet.picture(image)

    def text_line(self, text: str, magnify: int = 1, bold: bool = False) -> None:
        """A line of the printer's own (ASCII) text, magnified and bold if asked."""
        styled = magnify != 1 or bold
        if styled:
            self.printer.set(custom_size=True, width=magnify, height=magnify, bold=bold)
        self.printer.textln(text)
        if styled:
            self.printer.set(custom_size=True, width=1, height=1, bold=False)
        self.sheet.text(text, magnify, bold)

    def native_qr(self, data: str) -> None:
        """The printer draws the QR itself; a blank line above and below (it adds no quiet
        zone of its own below)."""
        self.printer.ln()
        self.printer.qr(data, ec=QR_ECLEVEL_M, size=self.paper.qr_module, native=True)
        self.printer.ln()
        self.sheet.feed()
        self.sheet.qr(data, self.paper.qr_module)
        self.sheet.feed()

    def cut(self) -> None:
        self.printer.cut()
        self.sheet.cut()

    def big_code(self, code: str) -> None:
        """The number an elderly citizen must read from arm's length: as large as fits."""
        if not (code.isascii() and code.isprintable()):
            para = Paragraph(code, size=self.paper.title_px * 4, weight=BOLD)
            self.picture(render_paragraphs([para], self.paper.dots, self.paper.margin))
            return
        columns = self.paper.dots // _FONT_A_WIDTH
        magnify = max(1, min(_MAX_CODE_MAGNIFY, columns // len(code)))
        self.text_line(code, magnify, bold=True)


def _header(ticket: TicketPrint, paper: Paper) -> list[Paragraph]:
    return [
        Paragraph(ticket.office_name, paper.title_px, BOLD),
        Paragraph(ticket.service_name, paper.title_px, BOLD, space_before=paper.body_px // 2),
        Paragraph(CODE_LABEL, paper.body_px, space_before=paper.body_px // 2),
    ]


def _details(ticket: TicketPrint, paper: Paper) -> list[Paragraph]:
    paras = [Paragraph(AHEAD_LABEL.format(ahead=ticket.ahead), paper.body_px)]
    if ticket.eta_minutes is not None:
        paras.append(Paragraph(ETA_LABEL.format(minutes=ticket.eta_minutes), paper.body_px))
    if ticket.priority_name:
        priority = PRIORITY_LABEL.format(name=ticket.priority_name)
        paras.append(Paragraph(priority, paper.body_px, BOLD))
    if ticket.counters:
        numbers = ", ".join(str(number) for number in ticket.counters)
        paras.append(Paragraph(COUNTERS_LABEL.format(numbers=numbers), paper.body_px, BOLD))
    return paras


def _closing(ticket: TicketPrint, paper: Paper) -> list[Paragraph]:
    return [
        Paragraph(QR_CAPTION, paper.body_px),
        Paragraph(ticket.footer, paper.body_px, space_before=paper.body_px // 2),
    ]
