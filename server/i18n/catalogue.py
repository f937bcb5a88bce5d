"""One catalogue of the words Lượt shows: statuses, states, labels, messages, vi and en.

Templates read it through the Jinja global `t` (and `vocabulary`), the exports and the
display read it here, and every page gets it as a JSON data block that static/js/lib/i18n.js
reads, so a status is called the same on the counter, the board, the phone and the export.
Vietnamese spells "hủy" (modern placement); a key missing in English falls back to Vietnamese.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from .admin_words import ADMIN
from .booking_words import BOOKING
from .staff_words import STAFF

LANGS = ("vi", "en")

# key -> (Vietnamese, English). `{name}` placeholders are filled by t() here and in i18n.js.
CATALOGUE: dict[str, tuple[str, str]] = {
    # ---- tickets, as staff pages and exports name them
    "ticket_status.waiting": ("Đang chờ", "Waiting"),
    "ticket_status.called": ("Đang gọi", "Called"),
    "ticket_status.serving": ("Đang phục vụ", "Being served"),
    "ticket_status.done": ("Hoàn thành", "Done"),
    "ticket_status.no_show": ("Vắng mặt", "No-show"),
    "ticket_status.on_hold": ("Tạm dừng", "On hold"),
    "ticket_status.cancelled": ("Đã hủy", "Cancelled"),
    # ---- the same statuses, said to the citizen (phone page)
    "citizen_status.waiting": ("Đang chờ", "Waiting"),
    "citizen_status.called": ("Đến lượt Ông/Bà", "It's your turn"),
    "citizen_status.serving": ("Đang được phục vụ", "Being served"),
    "citizen_status.done": ("Đã hoàn thành", "Done"),
    "citizen_status.no_show": ("Đã qua lượt", "Missed"),
    "citizen_status.on_hold": ("Tạm dừng", "On hold"),
    "citizen_status.cancelled": ("Đã hủy", "Cancelled"),
    # ---- counters: the state an officer sets, and what a counter is doing right now
    "counter_state.open": ("Đang mở", "Open"),
    "counter_state.paused": ("Tạm nghỉ", "Paused"),
    "counter_state.closed": ("Đã đóng", "Closed"),
    "counter_activity.idle": ("Sẵn sàng", "Ready"),
    "counter_activity.calling": ("Đang mời", "Calling"),
    "counter_activity.serving": ("Đang phục vụ", "Serving"),
    "counter_activity.closed": ("Tạm đóng", "Closed"),
    # ---- ticket actions, as verbs inside a sentence ("Không thể {action} số A001")
    "action.call": ("gọi", "call"),
    "action.recall": ("gọi lại", "recall"),
    "action.start": ("bắt đầu", "start"),
    "action.finish": ("hoàn thành", "finish"),
    "action.no-show": ("đánh dấu vắng mặt", "mark as no-show"),
    "action.hold": ("tạm dừng", "put on hold"),
    "action.resume": ("tiếp tục", "resume"),
    "action.transfer": ("chuyển", "transfer"),
    "action.cancel": ("hủy", "cancel"),
    "action.requeue": ("xếp lại", "requeue"),
    # ---- the live connection (static/js/lib/live.js)
    "live.connecting": ("Đang kết nối…", "Connecting…"),
    "live.online": ("Trực tiếp", "Live"),
    "live.offline": ("Mất kết nối — đang kết nối lại…", "Connection lost — reconnecting…"),
    "live.polling": (
        "Kết nối chậm — tự cập nhật định kỳ",
        "Slow connection — updating periodically",
    ),
    "live.refused": ("Không được phép theo dõi", "Not allowed to follow this"),
    # ---- errors the API client turns into text (static/js/lib/api.js)
    "error.network": (
        "Không kết nối được tới máy chủ. Xin thử lại.",
        "Cannot reach the server. Please try again.",
    ),
    "error.csrf": (
        "Phiên làm việc đã cũ. Xin tải lại trang.",
        "This page is out of date. Please reload it.",
    ),
    "error.server": (
        "Máy chủ gặp lỗi. Xin thử lại.",
        "The server had a problem. Please try again.",
    ),
    "error.conflict": ("Không thực hiện được lúc này.", "That cannot be done right now."),
    "error.invalid_transition": (
        "Thao tác này không hợp lệ với trạng thái hiện tại của số.",
        "That action does not fit the ticket's current status.",
    ),
    "error.http": ("Lỗi {status}", "Error {status}"),
    # ---- report groups: column heading and "figures by ..." title
    "group.total": ("Tổng", "Total"),
    "group.office": ("Đơn vị", "Office"),
    "group.service": ("Lĩnh vực", "Field"),
    "group.counter": ("Quầy", "Counter"),
    "group.officer": ("Cán bộ", "Officer"),
    "group.day": ("Ngày", "Day"),
    "group.hour": ("Giờ", "Hour"),
    "group_title.total": ("", ""),
    "group_title.office": ("theo đơn vị", "by office"),
    "group_title.service": ("theo lĩnh vực", "by field"),
    "group_title.counter": ("theo quầy", "by counter"),
    "group_title.officer": ("theo cán bộ", "by officer"),
    "group_title.day": ("theo ngày", "by day"),
    "group_title.hour": ("theo giờ lấy số", "by hour issued"),
    "group.none_counter": ("(chưa qua quầy)", "(no counter yet)"),
    "group.none_officer": ("(chưa có cán bộ)", "(no officer yet)"),
    "group.none": ("(không có)", "(none)"),
    "group.grand_total": ("Tổng cộng", "Grand total"),
    "group.any": ("Nhóm", "Group"),
    # ---- device kinds
    "device.kiosk": ("Máy lấy số", "Kiosk"),
    "device.display": ("Màn hình phòng chờ", "Waiting-room display"),
    "device.rating": ("Máy đánh giá", "Rating tablet"),
    # ---- the calling board, the counter display and the phone page (display/)
    "screen.board_title": ("Màn hình gọi số", "Calling board"),
    "screen.now_calling": ("Mời công dân có số", "Now calling"),
    "screen.to_counter": ("đến", "at"),
    "screen.counter": ("Quầy", "Counter"),
    "screen.counters": ("Các quầy", "Counters"),
    "screen.recent": ("Vừa gọi", "Recent calls"),
    "screen.waiting": ("Đang chờ", "Waiting"),
    "screen.people": ("người", "people"),
    "screen.recall": ("gọi lại", "recall"),
    "screen.no_call_yet": ("Chưa gọi số nào", "No calls yet"),
    "screen.sound_on": ("Đang bật âm thanh — bấm để tắt", "Sound on — press to mute"),
    "screen.sound_off": ("Đang tắt âm thanh — bấm để bật", "Sound off — press to unmute"),
    "screen.tap_for_sound": ("Chạm để bật âm thanh", "Tap to enable sound"),
    "screen.tap_for_sound_hint": (
        "Trình duyệt chặn tự phát âm thanh. Chạm một lần để nghe gọi số.",
        "The browser blocks autoplay. Tap once to hear the calls.",
    ),
    "screen.your_ticket": ("Số thứ tự của Ông/Bà", "Your ticket"),
    "screen.field": ("Lĩnh vực", "Field"),
    "screen.ahead": ("Số người trước Ông/Bà", "People ahead of you"),
    "screen.eta": ("Thời gian chờ dự kiến", "Estimated wait"),
    "screen.minutes": ("phút", "min"),
    "screen.about": ("khoảng", "about"),
    "screen.soon": ("sắp đến lượt", "almost your turn"),
    "screen.no_estimate": (
        "chưa ước tính được (chưa có quầy mở)",
        "no estimate yet (no counter open)",
    ),
    "screen.called_go": ("Mời Ông/Bà đến", "Please go to"),
    "screen.serving_at": ("Ông/Bà đang được phục vụ tại", "You are being served at"),
    "screen.thanks": ("Cảm ơn Ông/Bà đã sử dụng dịch vụ!", "Thank you for using our service!"),
    "screen.no_show_hint": (
        "Số của Ông/Bà đã được gọi nhưng Ông/Bà chưa đến. Vui lòng hỏi cán bộ tại quầy.",
        "Your number was called but you did not come. Please ask at a counter.",
    ),
    "screen.on_hold_hint": (
        "Hồ sơ của Ông/Bà đang tạm dừng. Cán bộ sẽ gọi lại Ông/Bà.",
        "Your case is on hold. An officer will call you again.",
    ),
    "screen.cancelled_hint": (
        "Số thứ tự này không còn hiệu lực.",
        "This ticket is no longer valid.",
    ),
    "screen.keep_open": (
        "Giữ trang này mở: trang tự cập nhật và báo khi đến lượt Ông/Bà.",
        "Keep this page open: it updates itself and tells you when it is your turn.",
    ),
    "screen.notify": ("Báo cho tôi khi đến lượt", "Notify me when it is my turn"),
    "screen.notify_on": ("Sẽ báo khi đến lượt Ông/Bà", "You will be notified"),
    # Only what the phone will do: a page rings (and vibrates, where the phone can) while it
    # is open on a lit screen; a locked phone's browser is asleep.
    "screen.notify_hint": (
        "Giữ trang này mở và màn hình sáng: điện thoại sẽ đổ chuông khi gần đến lượt và khi "
        "được gọi. Khi điện thoại khóa màn hình, trang không báo được",
        "Keep this page open and the screen on: the phone rings when your turn is near and "
        "when you are called. A locked phone cannot be alerted",
    ),
    "screen.notify_hint_vibrate": (
        "Giữ trang này mở và màn hình sáng: điện thoại sẽ đổ chuông và rung khi gần đến lượt "
        "và khi được gọi. Khi điện thoại khóa màn hình, trang không báo được",
        "Keep this page open and the screen on: the phone rings and vibrates when your turn "
        "is near and when you are called. A locked phone cannot be alerted",
    ),
    "screen.near": ("Sắp đến lượt Ông/Bà", "Your turn is near"),
    "screen.updated": ("Cập nhật lúc", "Updated"),
    "screen.missing_title": ("Không tìm thấy số thứ tự", "Ticket not found"),
    "screen.missing_text": (
        "Mã trên phiếu không đúng hoặc phiếu đã hết hạn (phiếu chỉ dùng trong ngày).",
        "The code is wrong or the ticket has expired (tickets are valid for one day).",
    ),
    "screen.missing_hint": (
        "Vui lòng hỏi cán bộ hoặc lấy số mới tại máy lấy số.",
        "Please ask an officer or take a new number at the kiosk.",
    ),
    # ---- the kiosk (static/js/kiosk/)
    "kiosk.lang_toggle": ("English", "Tiếng Việt"),
    "kiosk.choose_service": ("Mời chọn lĩnh vực", "Please choose a service"),
    "kiosk.choose_service_hint": (
        "Chạm vào lĩnh vực Ông/Bà cần làm thủ tục",
        "Touch the service you came for",
    ),
    "kiosk.prev_page": ("Trang trước", "Previous"),
    "kiosk.next_page": ("Trang sau", "Next"),
    "kiosk.page_of": ("Trang {n}/{total}", "Page {n} of {total}"),
    "kiosk.other_services": ("Lĩnh vực khác", "Other services"),
    "kiosk.continued": ("(tiếp)", "(continued)"),
    "kiosk.no_services": (
        "Hiện chưa có lĩnh vực nào nhận hồ sơ. Vui lòng hỏi cán bộ hướng dẫn.",
        "No service is taking tickets right now. Please ask a staff member.",
    ),
    "kiosk.waiting_none": ("Không có người chờ", "Nobody waiting"),
    "kiosk.waiting_n": ("{n} người đang chờ", "{n} waiting"),
    "kiosk.eta_n": ("khoảng {n} phút", "about {n} min"),
    "kiosk.not_served": ("Hiện chưa có quầy phục vụ", "Not served now"),
    "kiosk.not_served_toast": (
        "Lĩnh vực {name} hiện chưa có quầy phục vụ. Vui lòng hỏi cán bộ hướng dẫn.",
        "{name} is not served at any counter now. Please ask a member of staff.",
    ),
    "kiosk.your_service": ("Lĩnh vực", "Service"),
    "kiosk.priority_q": ("Ông/Bà có thuộc diện ưu tiên không?", "Do you have priority?"),
    "kiosk.priority_hint": (
        "Chạm vào nhóm của Ông/Bà. Nếu không thuộc nhóm nào, chọn “Không ưu tiên”.",
        "Touch your group. If none applies, choose “No priority”.",
    ),
    "kiosk.suggested": ("Dành cho Ông/Bà", "For you"),
    "kiosk.priority_groups": ("Hoặc chọn nhóm ưu tiên:", "Or choose a priority group:"),
    "kiosk.back": ("Quay lại", "Back"),
    "kiosk.no_priority": ("Không ưu tiên", "No priority"),
    "kiosk.no_priority_sub": ("Tiếp tục lấy số", "Continue"),
    "kiosk.issuing": ("Đang lấy số…", "Getting your number…"),
    "kiosk.issuing_hint": ("Vui lòng chờ trong giây lát", "Please wait a moment"),
    "kiosk.your_number": ("Số thứ tự của Ông/Bà", "Your number"),
    "kiosk.ahead": ("Số người trước Ông/Bà", "People ahead of you"),
    "kiosk.ahead_none": ("Không có ai", "Nobody"),
    "kiosk.ahead_n": ("{n} người", "{n}"),
    "kiosk.wait": ("Thời gian chờ dự kiến", "Estimated wait"),
    "kiosk.wait_none": ("Sắp đến lượt", "Very soon"),
    "kiosk.wait_n": ("Khoảng {n} phút", "About {n} minutes"),
    "kiosk.wait_unknown": (
        "Chưa ước tính được — chưa có quầy mở",
        "No estimate yet — no counter is open",
    ),
    "kiosk.priority_ticket": ("Ưu tiên: {name}", "Priority: {name}"),
    "kiosk.qr_caption": (
        "Quét mã bằng điện thoại để theo dõi lượt của Ông/Bà",
        "Scan with your phone to follow your turn",
    ),
    "kiosk.print_none": (
        "Máy này không in vé — Ông/Bà vui lòng nhớ số hoặc chụp ảnh màn hình.",
        "This kiosk does not print — please remember your number or take a photo.",
    ),
    "kiosk.print_pending": ("Đang in vé…", "Printing your ticket…"),
    "kiosk.slot_below": ("Vé ra ở khe phía dưới màn hình", "The ticket comes out below the screen"),
    "kiosk.slot_left": ("Vé ra ở khe bên trái màn hình", "The ticket comes out left of the screen"),
    "kiosk.slot_right": (
        "Vé ra ở khe bên phải màn hình",
        "The ticket comes out right of the screen",
    ),
    "kiosk.print_printed": (
        "Đã in vé. Mời Ông/Bà nhận vé.",
        "Your ticket is printed. Please take it.",
    ),
    "kiosk.print_failed": (
        "Máy in đang gặp sự cố — Ông/Bà vui lòng nhớ số hoặc chụp ảnh màn hình.",
        "The printer has a problem — please remember your number or take a photo of the screen.",
    ),
    "kiosk.print_unknown": (
        "Nếu không nhận được vé in, Ông/Bà vui lòng nhớ số hoặc chụp ảnh màn hình.",
        "If no ticket comes out, please remember your number or take a photo of the screen.",
    ),
    "kiosk.countdown": ("Màn hình tự quay về sau {n} giây", "Returning to the start in {n} s"),
    "kiosk.done": ("Xong", "Done"),
    "kiosk.retry": ("Thử lại", "Try again"),
    "kiosk.home": ("Về đầu", "Start over"),
    "kiosk.retry_network_title": ("Không kết nối được máy chủ", "Cannot reach the server"),
    "kiosk.retry_timeout_title": ("Máy chủ phản hồi chậm", "The server is slow to answer"),
    "kiosk.retry_server_title": ("Hệ thống đang bận", "The system is busy"),
    "kiosk.retry_message": (
        "Chưa lấy được số. Vui lòng chạm “Thử lại”. Nếu vẫn không được, xin báo cán bộ hướng dẫn.",
        "You have no number yet. Please touch “Try again”. If it still fails, ask a staff member.",
    ),
    "kiosk.retry_maybe": (
        "Nếu máy đã in vé cho Ông/Bà, Ông/Bà không cần lấy số lại.",
        "If a ticket was printed for you, you do not need another one.",
    ),
    "kiosk.hours_title": ("Ngoài giờ làm việc", "Outside opening hours"),
    "kiosk.hours_message": (
        "Bộ phận một cửa hiện không nhận hồ sơ. Vui lòng quay lại trong giờ làm việc.",
        "The office is not taking tickets now. Please come back during opening hours.",
    ),
    "kiosk.offline_title": (
        "Máy lấy số đang mất kết nối",
        "This kiosk has lost its connection",
    ),
    "kiosk.offline_message": (
        "Hệ thống đang tự kết nối lại. Ông/Bà vui lòng chờ trong giây lát hoặc báo cán bộ "
        "hướng dẫn.",
        "It is reconnecting by itself. Please wait a moment or tell a staff member.",
    ),
    "kiosk.hours_today": ("Giờ làm việc hôm nay: {periods}", "Today's hours: {periods}"),
    "kiosk.closed_today": ("Hôm nay không làm việc", "Closed today"),
    "kiosk.next_open_today": ("Mở lại lúc {time} hôm nay", "Opens again today at {time}"),
    "kiosk.next_open_day": ("Mở lại lúc {time}, {day}", "Opens again at {time}, {day}"),
    "kiosk.next_open_none": (
        "Vui lòng xem lịch làm việc tại bảng thông báo.",
        "Please see the opening hours on the notice board.",
    ),
    "kiosk.closed_title": (
        "Lĩnh vực này hiện chưa nhận hồ sơ",
        "This service is not taking tickets now",
    ),
    "kiosk.closed_message": (
        "Có thể đang ngoài giờ làm việc hoặc lĩnh vực tạm ngừng. Vui lòng hỏi cán bộ hướng dẫn.",
        "It may be outside opening hours or the service is paused. Please ask a staff member.",
    ),
    "kiosk.device_title": ("Máy lấy số chưa được cấp quyền", "This kiosk is not authorised"),
    "kiosk.device_message": ("Vui lòng báo cán bộ hướng dẫn.", "Please tell a staff member."),
    "kiosk.scan_expired_title": (
        "Thông tin thẻ căn cước đã hết hạn",
        "The ID card reading has expired",
    ),
    "kiosk.scan_expired_message": (
        "Vui lòng quét lại thẻ, hoặc lấy số không cần thẻ.",
        "Please scan your card again, or take a number without it.",
    ),
    "kiosk.refused_title": ("Không lấy được số", "Could not get a number"),
    "kiosk.refused_message": ("Vui lòng hỏi cán bộ hướng dẫn.", "Please ask a staff member."),
    "kiosk.server_says": ("Hệ thống báo: {message}", "The system says: {message}"),
    "kiosk.hello_name": ("Kính chào Ông/Bà {name}", "Hello, {name}"),
    "kiosk.hello": ("Kính chào Ông/Bà", "Hello"),
    "kiosk.greet_elderly": (
        "Ông/Bà từ {age} tuổi trở lên được ưu tiên. Mời Ông/Bà chọn lĩnh vực.",
        "You are {age} or over and have priority. Please choose a service.",
    ),
    "kiosk.greet_elderly_applied": (
        "Ông/Bà từ {age} tuổi trở lên: số thứ tự sẽ được ưu tiên. Mời Ông/Bà chọn lĩnh vực.",
        "You are {age} or over: your ticket will have priority. Please choose a service.",
    ),
    "kiosk.greet_declined": (
        "Số thứ tự sẽ không dùng ưu tiên. Mời Ông/Bà chọn lĩnh vực.",
        "Your ticket will not use priority. Please choose a service.",
    ),
    "kiosk.decline_priority": ("Không dùng ưu tiên", "No priority"),
    "kiosk.use_priority": ("Dùng ưu tiên", "Use priority"),
    "kiosk.scan_invite": (
        "Có thẻ căn cước gắn chip? Đưa mã QR trên thẻ vào đầu đọc: người từ {age} tuổi được "
        "ưu tiên ngay.",
        "Have a chip ID card? Hold its QR code to the reader: people {age} and over get "
        "priority at once.",
    ),
    "kiosk.greet_ok": (
        "Đã đọc thẻ căn cước. Mời chọn lĩnh vực.",
        "Your ID card was read. Please choose a service.",
    ),
    "kiosk.scan_failed": (
        "Không đọc được thẻ. Vui lòng quét lại.",
        "Could not read the card. Please scan again.",
    ),
    "kiosk.scan_offline": (
        "Không kết nối được máy chủ. Vui lòng quét lại sau.",
        "Cannot reach the server. Please scan again later.",
    ),
    "kiosk.scan_wait": (
        "Vui lòng chờ lấy số xong rồi quét thẻ.",
        "Please wait for your number, then scan your card.",
    ),
    # check-in of an appointment (static/js/kiosk/checkin.js)
    "kiosk.have_appointment": ("Tôi đã đặt lịch hẹn", "I have an appointment"),
    "kiosk.have_appointment_sub": (
        "Nhập mã lịch hẹn hoặc quét mã QR",
        "Type its code or scan its QR code",
    ),
    "kiosk.checkin_title": ("Xác nhận lịch hẹn", "Check in for your appointment"),
    "kiosk.checkin_hint": (
        "Nhập mã lịch hẹn 6 ký tự (trong tin nhắn hoặc trên giấy hẹn), hoặc đưa mã QR của "
        "lịch hẹn hay thẻ căn cước vào đầu đọc.",
        "Type the 6-character code from your message or slip, or hold the booking's QR code "
        "or your ID card to the reader.",
    ),
    "kiosk.checkin_code": ("Mã lịch hẹn", "Appointment code"),
    "kiosk.checkin_delete": ("Xóa", "Delete"),
    "kiosk.checkin_confirm": ("Xác nhận", "Check in"),
    "kiosk.checkin_busy": ("Đang xác nhận lịch hẹn…", "Checking you in…"),
    "kiosk.checkin_tried": ("Mã đã nhập: {code}", "Code typed: {code}"),
    "kiosk.checkin_missing_title": ("Không tìm thấy lịch hẹn", "No appointment found"),
    "kiosk.checkin_missing_code": (
        "Không có lịch hẹn nào với mã này tại đơn vị. Ông/Bà vui lòng kiểm tra và nhập lại mã.",
        "There is no appointment with this code here. Please check it and type it again.",
    ),
    "kiosk.checkin_missing_card": (
        "Không có lịch hẹn hôm nay theo thẻ căn cước này. Ông/Bà vui lòng nhập mã lịch hẹn.",
        "There is no appointment today for this ID card. Please type the appointment code.",
    ),
    "kiosk.checkin_refused_title": (
        "Chưa xác nhận được lịch hẹn",
        "Your appointment could not be checked in",
    ),
    "kiosk.checkin_network": (
        "Không kết nối được máy chủ. Ông/Bà vui lòng chạm “Xác nhận” để thử lại.",
        "Cannot reach the server. Please touch “Check in” to try again.",
    ),
    "kiosk.checkin_again": (
        "Ông/Bà có thể nhập lại mã, hoặc chạm “Quay lại” để lấy số thông thường.",
        "You can type the code again, or touch “Back” to take an ordinary number.",
    ),
    "kiosk.appointment_ticket": ("Số của lịch hẹn lúc {time}", "For your appointment at {time}"),
    "kiosk.return_ticket": (
        "Số của lịch hẹn trả kết quả lúc {time}",
        "For your return of results at {time}",
    ),
    # ---- the rating widget (static/js/rating.js)
    "rating.loading": ("Đang tải…", "Loading…"),
    "rating.reasons_title": (
        "Ông/Bà chưa hài lòng về điều gì?",
        "What were you not satisfied with?",
    ),
    "rating.reasons_hint": (
        "Chạm để chọn một hoặc nhiều ý, rồi bấm Gửi.",
        "Tap one or more, then Send.",
    ),
    "rating.send": ("Gửi đánh giá", "Send"),
    "rating.back": ("Chọn lại", "Choose again"),
    "rating.sending": ("Đang gửi…", "Sending…"),
    "rating.thanks": ("Cảm ơn Ông/Bà đã đánh giá!", "Thank you for your feedback!"),
    "rating.already": (
        "Phiếu này đã được đánh giá. Xin cảm ơn!",
        "This ticket has been rated already. Thank you!",
    ),
    "rating.not_finished": (
        "Chỉ đánh giá được sau khi hồ sơ đã được giải quyết xong.",
        "You can rate once your visit is finished.",
    ),
    "rating.failed": (
        "Chưa gửi được đánh giá. Xin vui lòng chạm lại.",
        "Your rating was not sent. Please tap again.",
    ),
    "rating.scale_failed": (
        "Chưa tải được câu hỏi đánh giá.",
        "The rating question could not be loaded.",
    ),
    "rating.retry": ("Thử lại", "Try again"),
    # ---- the counter's rating tablet (static/js/rate_tablet.js)
    "rate_tablet.unregistered": (
        "Máy đánh giá chưa được đăng ký",
        "This rating screen is not registered",
    ),
    "rate_tablet.unregistered_text": (
        "Quản trị viên mở trang này một lần với mã thiết bị: "
        "/rate/{counter}?key=MÃ_THIẾT_BỊ (Quản trị → Thiết bị).",
        "An administrator opens this page once with the device key: "
        "/rate/{counter}?key=DEVICE_KEY (Admin → Devices).",
    ),
    "rate_tablet.refused": (
        "Máy đánh giá không thuộc quầy này",
        "This rating screen belongs to another counter",
    ),
    "rate_tablet.bad_token": (
        "Mã thiết bị không hợp lệ hoặc đã bị thu hồi",
        "The device key is wrong or was revoked",
    ),
    "rate_tablet.bad_token_text": (
        "Xin liên hệ quản trị viên để cấp lại mã thiết bị.",
        "Please ask an administrator for a new device key.",
    ),
    "rate_tablet.ticket": ("Số", "Ticket"),
    "rate_tablet.served_by": ("Cán bộ tiếp nhận", "Served by"),
    "rate_tablet.already": (
        "Đánh giá đã được ghi nhận. Xin cảm ơn!",
        "Your rating has been recorded. Thank you!",
    ),
}
CATALOGUE.update(STAFF)  # the staff pages' words (server/i18n/staff_words.py)
CATALOGUE.update(BOOKING)  # the public booking pages' words (server/i18n/booking_words.py)
CATALOGUE.update(ADMIN)  # the admin pages' scripts' words (server/i18n/admin_words.py)


def lang_or_default(lang: str | None) -> str:
    """A supported language code; anything else is Vietnamese."""
    return lang if lang in LANGS else "vi"


def t(key: str, /, lang: str = "vi", **params: Any) -> str:
    """The text for `key` in `lang` (Vietnamese if English lacks it), placeholders filled.

    An unknown key comes back as itself, so a missing word shows up plainly on the page.
    """
    pair = CATALOGUE.get(key)
    if pair is None:
        return key
    vi, en = pair
    text = en if lang == "en" and en else vi
    return text.format(**params) if params else text


def label(group: str, value: str, lang: str = "vi", default: str | None = None) -> str:
    """The word for `value` in a group ("ticket_status", "group", ...); else `default`/value."""
    key = f"{group}.{value}"
    if key in CATALOGUE:
        return t(key, lang)
    return value if default is None else default


def section(prefix: str, lang: str = "vi") -> dict[str, str]:
    """Every entry under `prefix.` in one language, keyed by the rest of the key."""
    start = prefix + "."
    return {key[len(start) :]: t(key, lang) for key in CATALOGUE if key.startswith(start)}


def catalogue(lang: str = "vi") -> dict[str, str]:
    """The whole catalogue in one language (what the pages' JSON block carries)."""
    return {key: t(key, lang) for key in CATALOGUE}


def catalogue_json(lang: str = "vi", *also: str) -> Markup:
    """The catalogue as JSON safe inside `<script type="application/json">`.

    `also` adds other languages for a page that switches at run time (the kiosk).
    """
    lang = lang_or_default(lang)
    data: dict[str, Any] = {"lang": lang, "words": catalogue(lang)}
    if also:
        data["langs"] = {code: catalogue(code) for code in also if code in LANGS}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
