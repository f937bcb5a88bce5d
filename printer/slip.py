"""An appointment slip as ESC/POS bytes: the receipt and appointment a citizen takes home
when an officer receives their dossier (the dossier code, the field, the day and time of
the return, and the QR of the appointment's own page, which the kiosk also checks in by).

Built like the ticket (printer/layout.py): Vietnamese as rasters, the codes and the date
as native text, the QR native where the profile has it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from printer import profiles
from printer.fonts import BOLD
from printer.layout import Job
from printer.paper import Paper, paper_for
from printer.profiles import ProfileLike, QrMode
from printer.raster import qr_bitmap, stack
from printer.textimage import Paragraph, render_paragraphs

RETURN_TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
BOOKING_TITLE = "PHIẾU HẸN"
DOSSIER_LABEL = "Mã hồ sơ: {code}"
FIELD_LABEL = "Lĩnh vực: {name}"
WHEN_LABEL = "Hẹn Ông/Bà đến lúc"
CODE_LABEL = "Mã lịch hẹn"
QR_CAPTION = (
    "Khi đến, Ông/Bà quét mã này hoặc nhập mã lịch hẹn tại máy lấy số. "
    "Quét mã để xem hoặc đổi lịch hẹn."
)
DATE_FORMAT = "%H:%M  %d/%m/%Y"


@dataclass(frozen=True, slots=True)
class SlipPrint:
    """One slip as printed; ``start`` is already in the office's local time."""

    office_name: str
    service_name: str
    code: str
    start: datetime
    manage_url: str
    dossier_code: str | None = None
    kind: str = "return"
    footer: str = ""

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValueError("start must be timezone-aware (the office's local time)")
        if not self.code.strip() or not self.manage_url:
            raise ValueError("a slip needs its appointment code and page")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SlipPrint:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def render_slip(
    slip: SlipPrint | Mapping[str, Any],
    paper: Paper | int | str = 80,
    *,
    profile: ProfileLike = None,
    qr: QrMode = "auto",
) -> bytes:
    """The complete job for one slip, from printer reset to paper cut."""
    slip = slip if isinstance(slip, SlipPrint) else SlipPrint.from_mapping(slip)
    paper = paper_for(paper)
    fitted = profiles.fit_to_paper(profiles.load_profile(profile), paper)
    job = Job(fitted, paper, profiles.image_impl(fitted))
    body = paper.body_px

    job.printer.hw("INIT")
    job.printer.set(align="center")
    title = RETURN_TITLE if slip.kind == "return" else BOOKING_TITLE
    head = [
        Paragraph(slip.office_name, paper.title_px, BOLD),
        Paragraph(title, body, BOLD, space_before=body // 2),
        Paragraph(FIELD_LABEL.format(name=slip.service_name), body, space_before=body // 2),
    ]
    if slip.dossier_code:
        head.append(Paragraph(DOSSIER_LABEL.format(code=slip.dossier_code), body))
    head.append(Paragraph(WHEN_LABEL, body, space_before=body // 2))
    job.picture(render_paragraphs(head, paper.dots, paper.margin))
    job.text_line(slip.start.strftime(DATE_FORMAT), magnify=2, bold=True)
    job.picture(render_paragraphs([Paragraph(CODE_LABEL, body)], paper.dots, paper.margin))
    job.big_code(slip.code)
    closing = [Paragraph(QR_CAPTION, body)]
    if slip.footer:
        closing.append(Paragraph(slip.footer, body, space_before=body // 2))
    caption = render_paragraphs(closing, paper.dots, paper.margin)
    if profiles.uses_native_qr(fitted, qr):
        job.native_qr(slip.manage_url)
        job.picture(caption)
    else:
        job.picture(stack([qr_bitmap(slip.manage_url, paper.qr_module), caption], paper.dots))
    job.cut()
    return job.printer.output
