"""The public booking pages' words (`/book/<office>` and a booking's own page `/b/<token>`),
vi and en.

Part of the one catalogue (server/i18n/catalogue.py merges it), kept in its own module like the
staff pages' words. Citizens read these on their phones: respectful ("Ông/Bà"), short, and
saying what to do next. The refusals themselves come from the server (server/i18n/refusals.py).
"""

from __future__ import annotations

BOOKING: dict[str, tuple[str, str]] = {
    # ---- the page around the steps
    "booking.title": ("Đặt lịch hẹn", "Book an appointment"),
    "booking.intro": (
        "Ông/Bà chọn lĩnh vực, ngày và giờ đến làm thủ tục. Không cần tài khoản.",
        "Choose the field, the day and the time of your visit. No account needed.",
    ),
    "booking.switch": ("English", "Tiếng Việt"),
    "booking.switch_title": ("Xem trang bằng tiếng Anh", "Xem trang bằng tiếng Việt"),
    "booking.closed_title": ("Chưa nhận đặt lịch hẹn", "Bookings are not open"),
    "booking.closed_text": (
        "{office} hiện chưa nhận đặt lịch hẹn qua mạng. Ông/Bà vui lòng đến trực tiếp và lấy số "
        "thứ tự tại quầy tiếp đón.",
        "{office} does not take bookings online at the moment. Please come in person and take "
        "a number at the reception.",
    ),
    "booking.centre_title": ("Đặt lịch tại trung tâm xã", "Book at the commune centre"),
    "booking.centre_text": (
        "Trang này là bản sao của tỉnh. Lịch hẹn của {office} được đặt trên trang đặt lịch "
        "của chính trung tâm xã (hỏi tại quầy tiếp đón hoặc xem thông báo của xã), hoặc Ông/Bà "
        "đến trực tiếp và lấy số thứ tự.",
        "This page is the province's copy. Appointments at {office} are booked on the commune "
        "centre's own booking page (ask at its reception or see its notices), or come in "
        "person and take a number.",
    ),
    "booking.loading": ("Đang tải…", "Loading…"),
    # ---- step 1: the field
    "booking.step_field": ("1. Chọn lĩnh vực", "1. Choose the field"),
    # ---- step 2: the day
    "booking.step_day": ("2. Chọn ngày", "2. Choose the day"),
    "booking.day_closed": ("Nghỉ", "Closed"),
    "booking.day_full": ("Hết chỗ", "Fully booked"),
    "booking.day_free": ("Còn {n} chỗ", "{n} places left"),
    "booking.no_days": (
        "Trong {days} ngày tới không còn ngày nào nhận đặt lịch.",
        "No day in the next {days} days can be booked.",
    ),
    "booking.weekday_0": ("Chủ nhật", "Sunday"),
    "booking.weekday_1": ("Thứ Hai", "Monday"),
    "booking.weekday_2": ("Thứ Ba", "Tuesday"),
    "booking.weekday_3": ("Thứ Tư", "Wednesday"),
    "booking.weekday_4": ("Thứ Năm", "Thursday"),
    "booking.weekday_5": ("Thứ Sáu", "Friday"),
    "booking.weekday_6": ("Thứ Bảy", "Saturday"),
    "booking.today": ("Hôm nay", "Today"),
    # ---- step 3: the slot
    "booking.step_slot": ("3. Chọn giờ", "3. Choose the time"),
    "booking.slot_free": ("Còn {n} chỗ", "{n} left"),
    "booking.slot_full": ("Kín chỗ", "Full"),
    "booking.slot_current": ("Lịch hiện tại", "Your booking"),
    "booking.no_slots": (
        "Ngày này không còn giờ nào để đặt. Xin chọn ngày khác.",
        "No time is left on this day. Please choose another day.",
    ),
    # ---- step 4: who comes
    "booking.step_person": ("4. Thông tin người đến", "4. Who is coming"),
    "booking.chosen": ("Lịch Ông/Bà chọn", "Your choice"),
    "booking.name": ("Họ và tên", "Full name"),
    "booking.phone": ("Số điện thoại di động", "Mobile number"),
    "booking.phone_hint": ("Ví dụ: 0912 345 678", "For example: 0912 345 678"),
    "booking.phone_code": ("Mã xác nhận", "Confirmation code"),
    "booking.code_hint": (
        "Đơn vị cần xác nhận số điện thoại: bấm “Gửi mã”, rồi nhập 6 chữ số trong tin nhắn.",
        "The office confirms phone numbers: press “Send code”, then type the 6 digits it texts.",
    ),
    "booking.send_code": ("Gửi mã", "Send code"),
    "booking.code_sent": (
        "Đã gửi mã tới số {phone}. Mã dùng trong 10 phút.",
        "A code was sent to {phone}. It works for 10 minutes.",
    ),
    "booking.need_code": (
        "Xin nhập mã xác nhận 6 chữ số đã gửi tới số điện thoại.",
        "Please type the 6-digit code sent to the phone.",
    ),
    "booking.checking": (
        "Đang có nhiều lượt đặt lịch: trang đang kiểm tra trình duyệt, xin chờ vài giây…",
        "Many bookings are coming in: the page is checking this browser, a few seconds…",
    ),
    "booking.check_failed": (
        "Không kiểm tra được trình duyệt (trang cần kết nối an toàn HTTPS). Xin thử lại hoặc "
        "đặt lịch tại đơn vị.",
        "The browser check did not work (the page needs a secure HTTPS connection). Try again "
        "or book at the office.",
    ),
    "booking.consent": (
        "Tôi đồng ý nhận tin nhắn nhắc lịch hẹn này qua số điện thoại trên.",
        "I agree to get messages about this appointment on this number.",
    ),
    "booking.privacy": (
        "Chúng tôi chỉ lưu họ tên và số điện thoại của Ông/Bà để quản lý lịch hẹn này.",
        "We keep only your name and phone number, to manage this appointment.",
    ),
    "booking.confirm": ("Xác nhận đặt lịch", "Confirm the booking"),
    "booking.sending": ("Đang gửi…", "Sending…"),
    "booking.need_field": ("Xin chọn lĩnh vực.", "Please choose a field."),
    "booking.need_slot": ("Xin chọn ngày và giờ.", "Please choose a day and a time."),
    "booking.need_name": ("Xin nhập họ tên người đến làm thủ tục.", "Please enter the name."),
    "booking.need_phone": (
        "Xin nhập số điện thoại di động 10 chữ số, ví dụ 0912 345 678.",
        "Please enter a 10-digit mobile number, like 0912 345 678.",
    ),
    "booking.offline": (
        "Không kết nối được tới máy chủ. Thông tin Ông/Bà đã nhập vẫn được giữ: xin kiểm tra "
        "mạng rồi bấm lại.",
        "Cannot reach the server. What you entered is kept: check your connection and try again.",
    ),
    "booking.failed": (
        "Chưa đặt được lịch. Xin thử lại sau ít phút.",
        "The booking did not go through. Please try again in a few minutes.",
    ),
    "booking.too_many": (
        "Có quá nhiều lượt đặt lịch từ nơi Ông/Bà đang kết nối. Xin chờ một phút rồi bấm lại.",
        "Too many bookings from your connection. Please wait a minute and try again.",
    ),
    # ---- the result and the booking's own page
    "booking.done_title": ("Đã đặt lịch hẹn", "Your appointment is booked"),
    "booking.code": ("Mã lịch hẹn", "Booking code"),
    "booking.keep_code": (
        "Ông/Bà vui lòng lưu mã này (hoặc chụp màn hình) và đưa mã hoặc mã QR tại ki-ốt khi đến.",
        "Please keep this code (or take a screenshot) and show it or the QR at the kiosk.",
    ),
    "booking.when": ("Thời gian", "When"),
    "booking.field": ("Lĩnh vực", "Field"),
    "booking.office": ("Nơi làm thủ tục", "Where"),
    "booking.phone_kept": ("Số điện thoại", "Phone"),
    "booking.messages_on": (
        "Ông/Bà sẽ nhận tin nhắn nhắc lịch.",
        "You will get reminder messages.",
    ),
    "booking.qr_alt": ("Mã QR mở trang lịch hẹn này", "QR code of this booking's page"),
    "booking.qr_note": (
        "Khi đến, đưa mã QR này vào đầu đọc của máy lấy số (ki-ốt) để lấy số thứ tự.",
        "When you come, show this QR to the reader of the ticket kiosk to get your number.",
    ),
    "booking.manage": ("Xem lịch hẹn", "See the booking"),
    "booking.change": ("Đổi lịch", "Change"),
    "booking.cancel": ("Hủy lịch", "Cancel"),
    "booking.book_again": ("Đặt lịch khác", "Book another"),
    # ---- the booking's own page (/b/<token>)
    "booking.manage_title": ("Lịch hẹn của Ông/Bà", "Your appointment"),
    "booking.status": ("Trạng thái", "Status"),
    "booking.status_booked": ("Đã đặt", "Booked"),
    "booking.status_checked_in": ("Đã đến", "Checked in"),
    "booking.status_cancelled": ("Đã hủy", "Cancelled"),
    "booking.dossier": ("Mã hồ sơ", "Dossier"),
    "booking.result_ready": ("Kết quả đã sẵn sàng để nhận.", "The result is ready."),
    "booking.ticket": ("Số thứ tự", "Ticket"),
    "booking.ticket_status": ("Tình trạng số", "Ticket status"),
    "booking.change_title": ("Chọn ngày giờ mới", "Choose a new day and time"),
    "booking.pick_time": ("Chọn giờ", "Choose the time"),
    "booking.change_confirm": ("Xác nhận đổi lịch", "Confirm the change"),
    "booking.changed": ("Đã đổi lịch sang {when}.", "Moved to {when}."),
    "booking.back": ("Quay lại", "Back"),
    "booking.cancel_ask": (
        "Ông/Bà có chắc muốn hủy lịch hẹn này? Chỗ này sẽ được nhường cho người khác.",
        "Cancel this appointment? Its place goes to someone else.",
    ),
    "booking.cancel_yes": ("Có, hủy lịch", "Yes, cancel it"),
    "booking.cancel_no": ("Không, giữ lịch", "No, keep it"),
    "booking.cancelled": (
        "Lịch hẹn này đã được hủy. Ông/Bà có thể đặt lịch mới bất cứ lúc nào.",
        "This appointment is cancelled. You may book again at any time.",
    ),
    "booking.checked_in_note": (
        "Ông/Bà đã đến và nhận số thứ tự. Xin chờ gọi số tại khu vực chờ.",
        "You have checked in and have a ticket. Please wait to be called.",
    ),
    "booking.missing_title": ("Không tìm thấy lịch hẹn", "Appointment not found"),
    "booking.missing_text": (
        "Đường dẫn này không ứng với lịch hẹn nào. Ông/Bà kiểm tra lại đường dẫn trong tin nhắn "
        "hoặc mã QR, hoặc đặt lịch mới.",
        "This link matches no appointment. Please check the link in your message or the QR, "
        "or book again.",
    ),
}
