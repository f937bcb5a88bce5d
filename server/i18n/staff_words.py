"""The staff pages' words (counter console, staff bar, admin labels), vi and en.

Part of the one catalogue (server/i18n/catalogue.py merges it): kept in its own module so
neither file outgrows a read. Same rules: `{name}` placeholders alike in both languages.
"""

from __future__ import annotations

STAFF: dict[str, tuple[str, str]] = {
    # ---- the staff bar (server/templates/staff_base.html)
    "staff.counter": ("Quầy", "Counter"),
    "staff.admin": ("Quản trị", "Administration"),
    "staff.sign_out": ("Đăng xuất", "Sign out"),
    "staff.switch": ("English", "Tiếng Việt"),
    "staff.switch_title": ("Xem các trang bằng tiếng Anh", "Show these pages in Vietnamese"),
    # ---- roles and device kinds as the admin pages list them
    "role.officer": ("Cán bộ", "Officer"),
    "role.manager": ("Quản lý", "Manager"),
    "role.admin": ("Quản trị viên", "Administrator"),
    # ---- a device's connection, one reading for the devices page and the overview
    # (static/js/lib/presence.js over engine/presence.py's `connection`)
    "presence.connected": ("Đã kết nối", "Connected"),
    "presence.lost": ("Mất kết nối", "Connection lost"),
    "presence.lost_since": ("Mất kết nối từ {time} {day}", "Connection lost since {time} {day}"),
    "presence.never": ("Chưa kết nối lần nào", "Never connected"),
    "presence.column": ("Kết nối", "Connection"),
    # ---- the counter console (server/console/templates/console/counter.html + JS)
    "console.title": ("Quầy giao dịch", "Counter console"),
    "console.pick_title": ("Chọn quầy làm việc", "Choose your counter"),
    "console.pick_keys": (
        "Bấm số của quầy (1–9) hoặc dùng phím mũi tên rồi Enter: quầy được mở ngay.",
        "Press the counter's number (1–9) or the arrow keys and Enter: the counter opens at once.",
    ),
    "console.office": ("Đơn vị", "Office"),
    "console.no_office": (
        "Tài khoản của bạn chưa được gán cho đơn vị nào. Xin liên hệ quản trị viên.",
        "Your account belongs to no office yet. Please ask an administrator.",
    ),
    "console.counter": ("Quầy", "Counter"),
    "console.counter_n": ("Quầy {number}", "Counter {number}"),
    "console.counter_state": ("Trạng thái quầy", "Counter state"),
    "console.open": ("Mở quầy", "Open"),
    "console.pause": ("Tạm nghỉ", "Pause"),
    "console.close": ("Đóng quầy", "Close"),
    "console.today": ("Hôm nay", "Today"),
    "console.stat_waiting": ("Đang chờ", "Waiting"),
    "console.stat_done": ("Đã phục vụ", "Served"),
    "console.stat_no_show": ("Vắng mặt", "No-show"),
    "console.switch": ("Đổi quầy", "Change counter"),
    "console.serving_now": ("Số đang phục vụ", "Ticket being served"),
    "console.none_yet": ("Chưa có số nào", "No ticket yet"),
    "console.next": ("Gọi số tiếp theo", "Call next"),
    "console.finish_next": ("Hoàn thành & gọi số tiếp theo", "Finish & call next"),
    "console.ticket_actions": ("Thao tác với số hiện tại", "Actions on this ticket"),
    "console.recall": ("Gọi lại", "Recall"),
    "console.start": ("Bắt đầu", "Start"),
    "console.finish": ("Hoàn thành", "Finish"),
    "console.no_show": ("Vắng mặt", "No-show"),
    "console.hold": ("Tạm dừng", "Hold"),
    "console.transfer": ("Chuyển…", "Transfer…"),
    "console.dossier": ("Mã hồ sơ…", "Dossier…"),
    "console.reprint": ("In lại", "Reprint"),
    "console.requeue": ("Xếp lại vào hàng", "Back in line"),
    "console.held": ("Đang tạm dừng", "On hold"),
    "console.held_none": ("Không có số nào đang tạm dừng.", "No ticket is on hold."),
    "console.waiting": ("Danh sách chờ", "Waiting list"),
    "console.waiting_none": ("Không có ai đang chờ.", "Nobody is waiting."),
    "console.cancel": ("Hủy", "Cancel"),
    "console.save": ("Lưu", "Save"),
    "console.transfer_title": ("Chuyển số", "Transfer ticket"),
    "console.to_field": ("Sang lĩnh vực", "To field"),
    "console.to_counter": ("Đến quầy", "To counter"),
    "console.transfer_go": ("Chuyển", "Transfer"),
    "console.dossier_title": ("Hồ sơ của số", "Dossier of ticket"),
    "console.dossier_code": ("Mã hồ sơ", "Dossier code"),
    "console.dossier_help": (
        "Dạng V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX, ví dụ 000.00.23.H26-250715-0001",
        "Form V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX, e.g. 000.00.23.H26-250715-0001",
    ),
    "console.note": ("Ghi chú", "Note"),
    "console.session_over": ("Phiên đăng nhập đã hết hạn. ", "Your session has expired. "),
    "console.sign_in_again": ("Đăng nhập lại", "Sign in again"),
    "console.officer_on_duty": ("Cán bộ trực: {name} · ", "Officer on duty: {name} · "),
    "console.fields": ("Lĩnh vực: {names}", "Fields: {names}"),
    "console.hint_open": ("Mở quầy để gọi số.", "Open the counter to call tickets."),
    "console.hint_called": (
        "Số {code} đang được gọi: bắt đầu, gọi lại hoặc đánh dấu vắng mặt.",
        "{code} is being called: start, recall or mark as no-show.",
    ),
    "console.hint_empty": (
        "Hiện không có ai chờ ở các lĩnh vực của quầy.",
        "Nobody is waiting in this counter's fields.",
    ),
    "console.recall_first": (
        "Vắng mặt (V): hãy gọi lại (L) thêm {n} lần trước, công dân có thể chưa nghe thấy.",
        "No-show (V): recall (L) {n} more time(s) first; the citizen may not have heard.",
    ),
    "console.reconnected": (
        "Đã kết nối lại. Thao tác lúc mất kết nối chưa được thực hiện: xin làm lại nếu cần.",
        "Connected again. The action tried while offline was not done: repeat it if needed.",
    ),
    "console.transfer_keys": (
        "Phím: ↑ ↓ chọn · Tab sang danh sách quầy · Enter chuyển · Esc hủy",
        "Keys: ↑ ↓ choose · Tab to the counters · Enter transfers · Esc cancels",
    ),
    "console.noshow_wait": (
        "Vắng mặt (V) được sau {time}: chờ công dân đến quầy.",
        "No-show (V) possible in {time}: give the citizen time to reach the counter.",
    ),
    "console.press_next": (
        "Bấm “Gọi số tiếp theo” để mời công dân.",
        "Press “Call next” to invite a citizen.",
    ),
    "console.tag_priority": ("Ưu tiên: {name}", "Priority: {name}"),
    "console.tag_recalled": ("Đã gọi lại {n} lần", "Recalled {n} times"),
    "console.tag_citizen": ("Công dân: {name}", "Citizen: {name}"),
    "console.tag_id": (" (CCCD …{last4})", " (ID …{last4})"),
    "console.tag_dossier": ("Mã hồ sơ: {code}", "Dossier: {code}"),
    "console.tag_note": ("Ghi chú: {note}", "Note: {note}"),
    "console.tag_transferred": ("Chuyển đến quầy", "Sent to this counter"),
    "console.recent_no_show": ("Vừa đánh dấu vắng mặt: số {code}", "Just marked no-show: {code}"),
    "console.recent_done": ("Vừa hoàn thành: số {code}", "Just finished: {code}"),
    "console.resume": ("Tiếp tục", "Resume"),
    "console.resume_blocked": (
        "Hoàn thành hoặc tạm dừng số hiện tại trước",
        "Finish or hold the current ticket first",
    ),
    "console.just_issued": ("vừa lấy số", "just now"),
    "console.waited": ("chờ {n} phút", "waiting {n} min"),
    "console.call": ("Gọi", "Call"),
    "console.call_title": ("Gọi số {code} (ngoài thứ tự)", "Call {code} (out of turn)"),
    "console.call_label": ("Gọi số {code}", "Call {code}"),
    "console.more": ("… và {n} số khác", "… and {n} more"),
    "console.timer_serving": ("Phục vụ", "Serving"),
    "console.timer_called": ("Đã gọi", "Called"),
    "console.said_called": ("Đã gọi số {code}", "Called {code}"),
    "console.said_nobody": ("Hiện không có ai đang chờ.", "Nobody is waiting."),
    "console.said_called_out": ("Đã gọi số {code} (ngoài thứ tự)", "Called {code} (out of turn)"),
    "console.said_resumed": ("Tiếp tục phục vụ số {code}", "Serving {code} again"),
    "console.said_recalled": ("Đã gọi lại số {code}", "Recalled {code}"),
    "console.said_started": ("Bắt đầu phục vụ số {code}", "Serving {code}"),
    "console.said_finished": ("Đã hoàn thành số {code}", "Finished {code}"),
    "console.said_no_show": ("Số {code} vắng mặt", "{code} did not come"),
    "console.said_held": ("Đã tạm dừng số {code}", "{code} is on hold"),
    "console.said_reprint": ("Đã gửi lệnh in lại số {code}", "Reprint of {code} sent"),
    "console.said_requeued": (
        "Đã xếp số {code} lại vào hàng chờ",
        "{code} is back in the waiting line",
    ),
    "console.said_open": ("Quầy đã mở", "Counter open"),
    "console.said_paused": ("Quầy tạm nghỉ", "Counter paused"),
    "console.said_closed": ("Quầy đã đóng", "Counter closed"),
    "console.keeps_place": (
        "Công dân giữ nguyên thứ tự trong hàng chờ.",
        "The citizen keeps their place in line.",
    ),
    "console.goes_last": (
        "Công dân xếp vào cuối hàng chờ mới.",
        "The citizen goes to the end of the new line.",
    ),
    "console.keep_field": ("Giữ lĩnh vực {name}", "Keep field {name}"),
    "console.any_counter": ("Quầy nào phục vụ lĩnh vực đó", "Any counter serving that field"),
    "console.n_waiting": ("{n} đang chờ", "{n} waiting"),
    "console.where_field": ("lĩnh vực {name}", "field {name}"),
    "console.where_counter": ("quầy {number}", "counter {number}"),
    "console.said_transferred": ("Đã chuyển số {code} sang {where}", "Sent {code} to {where}"),
    "console.dossier_bad_day": (
        "Ngày trong mã hồ sơ (YYMMDD: {day}) không có thật.",
        "The date in the dossier code (YYMMDD: {day}) does not exist.",
    ),
    "console.dossier_form": (
        "Mã hồ sơ phải có dạng V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX, "
        "ví dụ 000.00.23.H26-250715-0001.",
        "A dossier code has the form V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX, "
        "e.g. 000.00.23.H26-250715-0001.",
    ),
    "console.dossier_or_note": ("Nhập mã hồ sơ hoặc ghi chú.", "Give a dossier code or a note."),
    "console.said_dossier": ("Đã lưu hồ sơ cho số {code}", "Saved the dossier of {code}"),
    "console.refused": (
        "Không vào được quầy này: {message}",
        "Cannot open this counter: {message}",
    ),
    "console.offline": (
        "Mất kết nối — đang kết nối lại… Danh sách có thể chưa cập nhật.",
        "Connection lost — reconnecting… The lists may be out of date.",
    ),
    "console.polling": (
        "Mất kết nối trực tiếp — đang cập nhật định kỳ.",
        "Live connection lost — updating periodically.",
    ),
    "console.failed": ("Không thực hiện được.", "That did not work."),
    # ---- the admin pages' frame (server/console/admin_pages.py, admin.html)
    "admin.office": ("Thông tin đơn vị", "Office"),
    "admin.office_hint": (
        "Tên, địa chỉ, giờ nhận số, ngày nghỉ, thông báo, câu hỏi đánh giá, quy tắc ưu tiên.",
        "Name, address, opening hours, closed days, notice, rating question, priority rules.",
    ),
    "admin.fields": ("Lĩnh vực", "Fields"),
    "admin.fields_hint": (
        "Các lĩnh vực (nhóm thủ tục) công dân chọn trên máy lấy số, và cách đánh số vé.",
        "The fields (groups of procedures) citizens choose at the kiosk, and ticket numbering.",
    ),
    # ---- the ticket preview on /admin (static/js/admin_ticket_preview.js)
    "admin.ticket_preview": ("Xem trước vé", "Ticket preview"),
    "admin.ticket_preview_hint": (
        "Vé đúng như máy in của máy lấy số sẽ in, vẽ từ chính lệnh gửi máy in: tên đơn vị, "
        "dòng cuối, khổ giấy, mã QR và các quầy phục vụ lĩnh vực. Dùng cài đặt đã lưu; "
        "không phát số nào.",
        "The ticket exactly as the kiosk's printer would print it, drawn from the very job "
        "sent to the printer: the office's name, the last line, the paper width, the QR and "
        "the counters serving the field. It uses the saved settings; no ticket is issued.",
    ),
    "admin.ticket_preview_field": ("Lĩnh vực", "Field"),
    "admin.ticket_preview_paper": ("Khổ giấy", "Paper"),
    "admin.ticket_preview_paper_kiosk": (
        "Như máy in của máy lấy số",
        "As the kiosk's printer",
    ),
    "admin.ticket_preview_mm": ("Giấy {mm} mm", "{mm} mm paper"),
    "admin.ticket_preview_unserved": (
        "{name} (chưa có quầy phục vụ)",
        "{name} (no counter serves it)",
    ),
    "admin.ticket_preview_show": ("Xem trước vé", "Preview the ticket"),
    "admin.ticket_preview_loading": ("Đang vẽ vé…", "Drawing the ticket…"),
    "admin.ticket_preview_alt": (
        "Vé mẫu của lĩnh vực {field}, như máy in sẽ in, rộng {dots} điểm in",
        "A sample ticket of {field} as the printer would print it, {dots} dots wide",
    ),
    "admin.ticket_preview_no_fields": (
        "Đơn vị chưa có lĩnh vực nào đang nhận số.",
        "The office has no field taking tickets yet.",
    ),
    "admin.counters": ("Quầy", "Counters"),
    "admin.counters_hint": (
        "Các quầy giao dịch và những lĩnh vực mỗi quầy phục vụ.",
        "The service counters and the fields each one serves.",
    ),
    "admin.priority": ("Đối tượng ưu tiên", "Priority groups"),
    "admin.priority_hint": (
        "Những nhóm được gọi trước (người cao tuổi, người khuyết tật, ...).",
        "The groups called first (the elderly, people with disabilities, ...).",
    ),
    "admin.booking": ("Lịch hẹn và tin nhắn", "Booking and messages"),
    "admin.booking_hint": (
        "Đặt lịch hẹn trên trang công khai, quy tắc khi công dân đến, tin nhắn SMS hoặc Zalo.",
        "Booking on the public page, the rules when citizens arrive, SMS or Zalo messages.",
    ),
    "admin.devices": ("Thiết bị", "Devices"),
    "admin.devices_hint": (
        "Máy lấy số, màn hình phòng chờ và máy đánh giá; máy in của từng máy lấy số.",
        "Kiosks, waiting-room displays and rating tablets; each kiosk's printer.",
    ),
    "admin.users": ("Người dùng", "Users"),
    "admin.users_hint": (
        "Tài khoản cán bộ, quản lý và quản trị viên; quản lý thêm và khóa cán bộ của đơn vị mình.",
        "Accounts of officers, managers and administrators; a manager adds and locks their "
        "own office's officers.",
    ),
    # ---- the reports page's CSV choice (server/console/templates/console/reports.html)
    "reports.csv_style": ("Kiểu CSV:", "CSV style:"),
    "reports.csv_excel_vi": ("Excel (tiếng Việt)", "Excel (Vietnamese)"),
    "reports.csv_excel_vi_hint": (
        "Dấu ; giữa các ô, dấu phẩy thập phân: Excel đặt tiếng Việt mở đúng từng cột.",
        "';' between cells, ',' as the decimal mark: Excel set to Vietnamese opens columns.",
    ),
    "reports.csv_plain": ("CSV chuẩn", "Standard CSV"),
    "reports.csv_plain_hint": (
        "Dấu , giữa các ô, dấu chấm thập phân: cho phần mềm khác và Excel tiếng Anh.",
        "',' between cells, '.' as the decimal mark: for other software and English Excel.",
    ),
    # ---- /admin/users as a manager sees it (static/js/admin_users.js)
    "users.add_officer": ("+ Thêm cán bộ", "+ Add an officer"),
    "users.steward_note": (
        "Bạn thêm, sửa, khóa và mở khóa được cán bộ của đơn vị mình. Tài khoản quản lý và "
        "quản trị viên do quản trị viên tạo và sửa.",
        "You can add, change, lock and unlock your own office's officers. Managers' and "
        "administrators' accounts are made and changed by an administrator.",
    ),
    "users.admin_only": ("Quản trị viên sửa", "An administrator's"),
    "users.offices_steward": ("(đơn vị bạn quản lý)", "(offices you manage)"),
    "admin.config": ("Xuất / nhập cấu hình", "Export / import"),
    "admin.config_hint": (
        "Lưu toàn bộ cấu hình đơn vị thành tệp, hoặc nạp cấu hình từ tệp.",
        "Save an office's whole configuration as a file, or load one from a file.",
    ),
    "admin.audit": ("Nhật ký thay đổi", "Change log"),
    "admin.audit_hint": (
        "Ai đã thay đổi gì trong cấu hình, và khi nào.",
        "Who changed what in the configuration, and when.",
    ),
    "admin.overview": ("Tổng quan", "Overview"),
    "admin.reports": ("Báo cáo", "Reports"),
    "admin.choose": ("Chọn", "Choose"),
    "admin.no_office": ("Chưa có đơn vị nào để quản trị.", "There is no office to manage yet."),
    "admin.create_office": ("Tạo đơn vị mới", "Create an office"),
    "admin.create_office_how": (
        "(trống, hoặc từ một tệp cấu hình).",
        "(empty, or from a configuration file).",
    ),
    # ---- the exported files' headings (server/reports/exports.py)
    "export.issued": ("Số phiếu đã cấp", "Tickets issued"),
    "export.served": ("Đã phục vụ", "Served"),
    "export.no_show": ("Vắng mặt", "No-show"),
    "export.cancelled": ("Đã hủy", "Cancelled"),
    "export.transferred": ("Chuyển tiếp", "Transferred"),
    "export.wait_mean": ("Chờ TB (phút)", "Wait, mean (min)"),
    "export.wait_median": ("Chờ trung vị (phút)", "Wait, median (min)"),
    "export.wait_p90": ("Chờ P90 (phút)", "Wait, P90 (min)"),
    "export.wait_max": ("Chờ lâu nhất (phút)", "Wait, longest (min)"),
    "export.service_mean": ("Phục vụ TB (phút)", "Service, mean (min)"),
    "export.service_median": ("Phục vụ trung vị (phút)", "Service, median (min)"),
    "export.service_p90": ("Phục vụ P90 (phút)", "Service, P90 (min)"),
    "export.service_max": ("Phục vụ lâu nhất (phút)", "Service, longest (min)"),
    "export.within_target": ("Tỷ lệ trong thời gian chờ chuẩn", "Share within the target wait"),
    "export.rated": ("Số lượt đánh giá", "Ratings"),
    "export.office": ("Đơn vị", "Office"),
    "export.day": ("Ngày", "Day"),
    "export.code": ("Số thứ tự", "Ticket"),
    "export.service": ("Lĩnh vực", "Field"),
    "export.priority": ("Ưu tiên", "Priority"),
    "export.channel": ("Kênh", "Channel"),
    "export.status": ("Trạng thái", "Status"),
    "export.issued_at": ("Giờ lấy số", "Issued at"),
    "export.first_call": ("Giờ gọi lần đầu", "First called at"),
    "export.started": ("Giờ bắt đầu", "Started at"),
    "export.finished": ("Giờ kết thúc", "Finished at"),
    "export.wait": ("Thời gian chờ (phút)", "Wait (min)"),
    "export.service_time": ("Thời gian phục vụ (phút)", "Service time (min)"),
    "export.eta": ("Dự kiến chờ (phút)", "Expected wait (min)"),
    "export.counter": ("Quầy", "Counter"),
    "export.officer": ("Cán bộ", "Officer"),
    "export.dossier": ("Mã hồ sơ", "Dossier code"),
    "export.rating": ("Đánh giá", "Rating"),
    "export.yes": ("Có", "Yes"),
    "export.sheet_figures": ("Số liệu", "Figures"),
    "export.sheet_log": ("Nhật ký phiếu", "Ticket log"),
    "export.sheet_appointments": ("Lịch hẹn", "Appointments"),
    "export.appt_booked": ("Lịch hẹn đã đặt", "Appointments booked"),
    "export.appt_arrived": ("Đã đến", "Arrived"),
    "export.appt_missed": ("Không đến", "Did not come"),
    "export.appt_on_time": ("Đến đúng giờ", "On time"),
    "export.appt_punctuality": ("Tỷ lệ đúng giờ", "Punctuality"),
    "export.appt_lateness": ("Đến muộn TB (phút)", "Lateness, mean (min)"),
    # ---- refusals the console names by the API's error code
    "error.closed": ("Đơn vị đang ngoài giờ làm việc.", "The office is outside opening hours."),
    "error.invalid": ("Dữ liệu không hợp lệ.", "Some values are not valid."),
    "error.validation_error": ("Dữ liệu không hợp lệ.", "Some values are not valid."),
    "error.not_found": (
        "Không tìm thấy (có thể đã bị xóa hoặc thuộc ngày khác).",
        "Not found (it may have been removed or be from another day).",
    ),
    "error.forbidden": (
        "Tài khoản của bạn không có quyền làm việc này.",
        "Your account may not do this.",
    ),
    "error.unauthorized": (
        "Phiên đăng nhập đã hết hạn. Xin đăng nhập lại.",
        "Your session has expired. Please sign in again.",
    ),
    "error.bad_request": (
        "Yêu cầu không hợp lệ. Xin tải lại trang.",
        "The request was not valid. Please reload the page.",
    ),
    "error.too_many_requests": (
        "Thao tác quá nhanh, xin thử lại sau giây lát.",
        "Too fast: please try again in a moment.",
    ),
    # ---- the counter console: no-show confirmation, keys, one counter per officer
    "console.no_show_title": ("Đánh dấu vắng mặt số", "Mark as no-show:"),
    "console.no_show_text": (
        "Công dân không đến quầy? Số này sẽ rời hàng chờ. Nếu họ quay lại trong ngày, "
        "bấm “Xếp lại vào hàng”.",
        "The citizen did not come? The ticket leaves the line. Should they come back today, "
        "press “Back in line”.",
    ),
    "console.no_show_go": ("Vắng mặt", "No-show"),
    "console.yours": ("Quầy bạn đang giữ", "Your counter"),
    "console.holds_other": (
        "Bạn đang giữ {counter}: hãy đóng quầy đó trước khi mở quầy này.",
        "You hold {counter}: close it before opening this one.",
    ),
    # ---- the counter console: today's appointments and the return of results
    "appt_state.booked": ("Chưa đến", "Not yet here"),
    "appt_state.checked_in": ("Đã đến", "Checked in"),
    "appt_state.attended": ("Đã phục vụ", "Served"),
    "appt_state.no_show": ("Vắng mặt khi gọi", "Absent when called"),
    "appt_state.missed": ("Lỡ hẹn", "Missed"),
    "appt_state.cancelled": ("Đã hủy", "Cancelled"),
    "appt_kind.booking": ("Đặt lịch", "Booking"),
    "appt_kind.return": ("Trả kết quả", "Return of results"),
    "console.appts": ("Lịch hẹn hôm nay", "Today's appointments"),
    "console.appts_none": ("Hôm nay chưa có lịch hẹn nào.", "No appointments today."),
    "console.appts_failed": (
        "Chưa tải được lịch hẹn; sẽ thử lại.",
        "Could not load the appointments; trying again.",
    ),
    "console.appt_ticket": ("Số {code}", "Ticket {code}"),
    "console.appt_dossier": ("Hồ sơ {code}", "Dossier {code}"),
    "console.appt_ready": ("Đã có kết quả", "Result ready"),
    "console.appt_ready_label": (
        "Báo công dân hẹn lúc {time} (mã {code}): đã có kết quả",
        "Tell the citizen of {time} (code {code}): the result is ready",
    ),
    "console.appt_ready_done": ("Đã báo có kết quả", "Told: result ready"),
    "console.said_ready": (
        "Đã báo có kết quả cho lịch hẹn {code}",
        "Result ready noted for appointment {code}",
    ),
    "console.return": ("Hẹn trả kết quả", "Return date"),
    "console.return_needs_dossier": (
        "Gắn mã hồ sơ (M) trước khi hẹn trả kết quả.",
        "Give the dossier code (M) before setting a return date.",
    ),
    "console.return_title": ("Hẹn trả kết quả cho số", "Return of results for ticket"),
    "console.return_dossier": ("Mã hồ sơ: {code}", "Dossier code: {code}"),
    "console.return_date": ("Ngày trả", "Date"),
    "console.return_time": ("Giờ (GG:PP)", "Time (HH:MM)"),
    "console.return_hours": (
        "{day}: giờ làm việc {hours}",
        "{day}: open {hours}",
    ),
    "console.return_closed_day": (
        "{day}: đơn vị không làm việc.",
        "{day}: the office is closed.",
    ),
    "console.return_phone": (
        "Số di động của công dân (không bắt buộc)",
        "Citizen's mobile (optional)",
    ),
    "console.return_consent": (
        "Công dân đồng ý nhận tin nhắn về lịch hẹn và khi có kết quả",
        "The citizen agrees to messages about the appointment and the result",
    ),
    "console.return_go": ("Đặt lịch hẹn", "Set the date"),
    "console.return_bad_time": (
        "Nhập giờ dạng GG:PP, ví dụ 14:30.",
        "Give the time as HH:MM, for example 14:30.",
    ),
    "console.return_no_date": ("Chọn ngày trả kết quả.", "Choose the return date."),
    "console.return_done": (
        "Đã hẹn trả kết quả: mã {code}, {time} ngày {date}.",
        "Return set: code {code}, {time} on {date}.",
    ),
    "console.return_printed": ("Đã gửi in phiếu hẹn.", "The appointment slip was sent to print."),
    "console.return_open_slip": (
        "Mở phiếu hẹn (có mã QR) để in",
        "Open the appointment slip (with its QR) to print",
    ),
    "console.return_messages": (
        "Công dân sẽ nhận tin nhắn xác nhận.",
        "The citizen will get a confirmation message.",
    ),
    "console.said_return": (
        "Đã hẹn trả kết quả cho số {ticket}: mã {code}",
        "Return set for ticket {ticket}: code {code}",
    ),
    "console.close_dialog": ("Đóng", "Close"),
}
