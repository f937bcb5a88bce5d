"""Screen wording, Vietnamese first; `?lang=en` switches a page to English.

One table for both the server-rendered HTML and the scripts (passed to them as JSON),
so a label never says one thing at first paint and another after the first update.
"""

from __future__ import annotations

from flask import request

LANGS = ("vi", "en")

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "board_title": "Màn hình gọi số",
        "now_calling": "Mời công dân có số",
        "to_counter": "đến",
        "counter": "Quầy",
        "counters": "Các quầy",
        "recent": "Vừa gọi",
        "waiting": "Đang chờ",
        "people": "người",
        "recall": "gọi lại",
        "no_call_yet": "Chưa gọi số nào",
        "closed": "Tạm đóng",
        "paused": "Tạm dừng",
        "idle": "Sẵn sàng",
        "serving": "Đang phục vụ",
        "calling": "Đang mời",
        "offline": "Mất kết nối — đang kết nối lại…",
        "polling": "Kết nối chậm — tự cập nhật định kỳ",
        "sound_on": "Đang bật âm thanh — bấm để tắt",
        "sound_off": "Đang tắt âm thanh — bấm để bật",
        "tap_for_sound": "Chạm để bật âm thanh",
        "tap_for_sound_hint": "Trình duyệt chặn tự phát âm thanh. Chạm một lần để nghe gọi số.",
        "your_ticket": "Số thứ tự của bạn",
        "field": "Lĩnh vực",
        "ahead": "Số người trước bạn",
        "eta": "Thời gian chờ dự kiến",
        "minutes": "phút",
        "about": "khoảng",
        "soon": "sắp đến lượt",
        "st_waiting": "Đang chờ",
        "st_called": "Đến lượt bạn",
        "st_serving": "Đang được phục vụ",
        "st_done": "Đã hoàn thành",
        "st_no_show": "Đã qua lượt",
        "st_on_hold": "Tạm dừng",
        "st_cancelled": "Đã huỷ",
        "called_go": "Mời bạn đến",
        "serving_at": "Bạn đang được phục vụ tại",
        "thanks": "Cảm ơn bạn đã sử dụng dịch vụ!",
        "no_show_hint": "Số của bạn đã được gọi nhưng bạn chưa đến. Vui lòng hỏi cán bộ tại quầy.",
        "on_hold_hint": "Hồ sơ của bạn đang tạm dừng. Cán bộ sẽ gọi lại bạn.",
        "cancelled_hint": "Số thứ tự này không còn hiệu lực.",
        "keep_open": "Giữ trang này mở: trang tự cập nhật và báo khi đến lượt bạn.",
        "notify": "Báo cho tôi khi đến lượt",
        "notify_on": "Sẽ báo khi đến lượt bạn",
        "updated": "Cập nhật lúc",
        "missing_title": "Không tìm thấy số thứ tự",
        "missing_text": "Mã trên phiếu không đúng hoặc phiếu đã hết hạn "
        "(phiếu chỉ dùng trong ngày).",
        "missing_hint": "Vui lòng hỏi cán bộ hoặc lấy số mới tại máy lấy số.",
    },
    "en": {
        "board_title": "Calling board",
        "now_calling": "Now calling",
        "to_counter": "at",
        "counter": "Counter",
        "counters": "Counters",
        "recent": "Recent calls",
        "waiting": "Waiting",
        "people": "people",
        "recall": "recall",
        "no_call_yet": "No calls yet",
        "closed": "Closed",
        "paused": "Paused",
        "idle": "Ready",
        "serving": "Serving",
        "calling": "Calling",
        "offline": "Connection lost — reconnecting…",
        "polling": "Slow connection — updating periodically",
        "sound_on": "Sound on — press to mute",
        "sound_off": "Sound off — press to unmute",
        "tap_for_sound": "Tap to enable sound",
        "tap_for_sound_hint": "The browser blocks autoplay. Tap once to hear the calls.",
        "your_ticket": "Your ticket",
        "field": "Field",
        "ahead": "People ahead of you",
        "eta": "Estimated wait",
        "minutes": "min",
        "about": "about",
        "soon": "almost your turn",
        "st_waiting": "Waiting",
        "st_called": "It's your turn",
        "st_serving": "Being served",
        "st_done": "Done",
        "st_no_show": "Missed",
        "st_on_hold": "On hold",
        "st_cancelled": "Cancelled",
        "called_go": "Please go to",
        "serving_at": "You are being served at",
        "thanks": "Thank you for using our service!",
        "no_show_hint": "Your number was called but you did not come. Please ask at a counter.",
        "on_hold_hint": "Your case is on hold. An officer will call you again.",
        "cancelled_hint": "This ticket is no longer valid.",
        "keep_open": "Keep this page open: it updates itself and tells you when it is your turn.",
        "notify": "Notify me when it is my turn",
        "notify_on": "You will be notified",
        "updated": "Updated",
        "missing_title": "Ticket not found",
        "missing_text": "The code is wrong or the ticket has expired "
        "(tickets are valid for one day).",
        "missing_hint": "Please ask an officer or take a new number at the kiosk.",
    },
}


def current_lang() -> str:
    """`?lang=en` for English; anything else is Vietnamese."""
    lang = request.args.get("lang", "vi")
    return lang if lang in LANGS else "vi"


def labels(lang: str) -> dict[str, str]:
    return LABELS[lang]
