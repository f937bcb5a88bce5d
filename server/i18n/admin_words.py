"""The admin pages' words (static/js/admin*.js, lib/admin_kit.js, province.js,
overview_sources.js, the reports' modules), vi and en.

Part of the one catalogue (server/i18n/catalogue.py merges it), like staff_words.py: the
scripts read them with `t("admin.…")` (static/js/lib/i18n.js), so the staff pages' English
switch reaches every word they show. Same rules: `{name}` placeholders alike in both
languages; a word both pages and scripts show is one entry (see tests/unit/test_js_words.py).
"""

from __future__ import annotations

ADMIN: dict[str, tuple[str, str]] = {
    # ---- shared by every admin page (static/js/lib/admin_kit.js)
    "admin.kit.copy": ("Sao chép", "Copy"),
    "admin.kit.copied": ("Đã chép ✓", "Copied ✓"),
    "admin.kit.copy_by_hand": ("Hãy chép bằng tay", "Please copy it by hand"),
    "admin.day_short.mon": ("T2", "Mon"),
    "admin.day_short.tue": ("T3", "Tue"),
    "admin.day_short.wed": ("T4", "Wed"),
    "admin.day_short.thu": ("T5", "Thu"),
    "admin.day_short.fri": ("T6", "Fri"),
    "admin.day_short.sat": ("T7", "Sat"),
    "admin.day_short.sun": ("CN", "Sun"),
    # ---- export / import (static/js/admin_config.js)
    "admin.cfg.too_big": (
        "Tệp quá lớn (tối đa 60 KB). Đây có phải tệp cấu hình của Lượt?",
        "The file is too large (60 KB at most). Is it a Lượt configuration file?",
    ),
    "admin.cfg.unreadable": ("Không đọc được tệp.", "The file could not be read."),
    "admin.cfg.not_json": (
        "Tệp không phải JSON hợp lệ: hãy dùng tệp đã xuất từ Lượt.",
        "The file is not valid JSON: use a file exported from Lượt.",
    ),
    "admin.cfg.not_object": (
        "Tệp không phải tệp cấu hình của Lượt (cần một đối tượng JSON).",
        "This is not a Lượt configuration file (a JSON object is needed).",
    ),
    "admin.cfg.no_code": ("thiếu mã đơn vị (code)", "the office code (code) is missing"),
    "admin.cfg.not_list": ("“{name}” phải là một danh sách", "“{name}” must be a list"),
    "admin.cfg.field_unnamed": (
        "lĩnh vực thứ {n} thiếu mã hoặc tên",
        "field number {n} has no code or no name",
    ),
    "admin.cfg.field_twice": (
        "lĩnh vực “{code}” xuất hiện hai lần",
        "field “{code}” appears twice",
    ),
    "admin.cfg.field_range": (
        "lĩnh vực “{code}”: số đầu lớn hơn số cuối",
        "field “{code}”: the first number is above the last",
    ),
    "admin.cfg.counter_unnumbered": ("có quầy thiếu số quầy", "a counter has no number"),
    "admin.cfg.counter_twice": (
        "quầy {number} xuất hiện hai lần",
        "counter {number} appears twice",
    ),
    "admin.cfg.counter_unknown_field": (
        "quầy {number} phục vụ lĩnh vực “{code}” không có trong tệp",
        "counter {number} serves field “{code}”, which the file does not have",
    ),
    "admin.cfg.problems": (
        "Tệp cấu hình chưa đúng: {problems}.",
        "The configuration file is not right: {problems}.",
    ),
    "admin.cfg.all_day": (
        "Phát số cả ngày (không giới hạn giờ)",
        "Tickets all day (no opening hours)",
    ),
    "admin.cfg.day_off": ("nghỉ", "closed"),
    "admin.cfg.file_office": ("Đơn vị trong tệp", "Office in the file"),
    "admin.cfg.no_name": ("(không có tên)", "(no name)"),
    "admin.cfg.address": ("Địa chỉ", "Address"),
    "admin.cfg.fields_n": ("Lĩnh vực ({n})", "Fields ({n})"),
    "admin.cfg.counters_n": ("Quầy ({n})", "Counters ({n})"),
    "admin.cfg.paused_suffix": (" (tạm ngừng)", " (paused)"),
    "admin.cfg.none": ("Không có", "None"),
    "admin.cfg.no_fields": ("chưa có lĩnh vực", "no fields yet"),
    "admin.cfg.default_classes": ("Mặc định (5 nhóm)", "Default (5 groups)"),
    "admin.cfg.interleave": ("Gọi xen kẽ", "Interleaving"),
    "admin.cfg.default": ("Mặc định", "Default"),
    "admin.cfg.priority_always": ("Luôn gọi người ưu tiên trước", "Priority always called first"),
    "admin.cfg.priority_streak": (
        "Tối đa {n} người ưu tiên liên tiếp",
        "At most {n} priority tickets in a row",
    ),
    "admin.cfg.hours": ("Giờ nhận số", "Opening hours"),
    "admin.cfg.closed_days": ("Ngày nghỉ", "Closed days"),
    "admin.cfg.notice": ("Thông báo", "Notice"),
    "admin.cfg.rating_scale": ("Thang đánh giá", "Rating scale"),
    "admin.cfg.five_stars": ("Năm sao", "Five stars"),
    "admin.cfg.three_levels": ("Ba mức", "Three levels"),
    "admin.cfg.change_name": ("Tên đơn vị: “{old}” → “{new}”", "Office name: “{old}” → “{new}”"),
    "admin.cfg.add_fields": ("Thêm lĩnh vực: {list}", "New fields: {list}"),
    "admin.cfg.edit_fields": ("Sửa lĩnh vực: {list}", "Changed fields: {list}"),
    "admin.cfg.pause_fields": (
        "Tạm ngừng lĩnh vực không có trong tệp: {list} (vé cũ vẫn giữ nguyên)",
        "Fields not in the file are paused: {list} (their tickets stay as they are)",
    ),
    "admin.cfg.add_counters": ("Thêm quầy: {list}", "New counters: {list}"),
    "admin.cfg.edit_counters": ("Sửa quầy: {list}", "Changed counters: {list}"),
    "admin.cfg.keep_counters": (
        "Giữ nguyên các quầy không có trong tệp: {list}",
        "Counters not in the file stay as they are: {list}",
    ),
    "admin.cfg.replace_settings": (
        "Thay toàn bộ giờ nhận số, ngày nghỉ, thông báo và thang đánh giá bằng nội dung tệp",
        "Opening hours, closed days, notice and rating scale all replaced by the file's",
    ),
    "admin.cfg.apply_to": ("Áp dụng vào {office}", "Apply to {office}"),
    "admin.cfg.file_holds": ("Tệp “{file}” chứa", "The file “{file}” holds"),
    "admin.cfg.other_office": (
        "Tệp được xuất từ đơn vị {from}; cấu hình sẽ được áp dụng cho {office}.",
        "The file was exported from office {from}; its configuration will apply to {office}.",
    ),
    "admin.cfg.what_changes": ("Những gì sẽ thay đổi ở {office}", "What will change at {office}"),
    "admin.cfg.no_change": (
        "Không có gì khác so với cấu hình hiện tại.",
        "Nothing differs from the current configuration.",
    ),
    "admin.cfg.keep_identity": (
        "Giữ nguyên tên, địa chỉ và huyện/tỉnh hiện tại của {office} "
        "(chỉ lấy phần cấu hình từ tệp mẫu)",
        "Keep the current name, address and district/province of {office} "
        "(take only the configuration from the template file)",
    ),
    "admin.cfg.imported_into": (
        "Đã nhập cấu hình vào {office}.",
        "Configuration imported into {office}.",
    ),
    "admin.cfg.imported": ("Đã nhập cấu hình.", "Configuration imported."),
    "admin.cfg.template_info": (
        "Mẫu “{file}”: {fields} lĩnh vực, {counters} quầy (từ đơn vị {office}).",
        "Template “{file}”: {fields} fields, {counters} counters (from office {office}).",
    ),
    "admin.cfg.code_form": (
        "Mã gồm chữ không dấu, số, “-” hoặc “_” (tối đa 32 ký tự).",
        "A code is plain letters, digits, “-” or “_” (32 characters at most).",
    ),
    "admin.cfg.code_taken": ("Đã có đơn vị mã “{code}”.", "There is already an office “{code}”."),
    "admin.cfg.name_needed": ("Nhập tên đơn vị.", "Give the office's name."),
    "admin.cfg.created": ("Đã tạo đơn vị {code}.", "Office {code} created."),
    "admin.cfg.open_admin": ("Mở trang quản trị của {code}", "Open the administration of {code}"),
    # ---- the change log (static/js/admin_audit.js): what was done, what changed
    "admin.audit_action.office.create": ("Tạo đơn vị", "Office created"),
    "admin.audit_action.office.update": ("Sửa thông tin đơn vị", "Office details changed"),
    "admin.audit_action.office.import": ("Nhập cấu hình", "Configuration imported"),
    "admin.audit_action.service.create": ("Thêm lĩnh vực", "Field added"),
    "admin.audit_action.service.update": ("Sửa lĩnh vực", "Field changed"),
    "admin.audit_action.counter.create": ("Thêm quầy", "Counter added"),
    "admin.audit_action.counter.update": ("Sửa quầy", "Counter changed"),
    "admin.audit_action.priority.create": ("Thêm đối tượng ưu tiên", "Priority group added"),
    "admin.audit_action.priority.update": ("Sửa đối tượng ưu tiên", "Priority group changed"),
    "admin.audit_action.device.create": ("Đăng ký thiết bị", "Device registered"),
    "admin.audit_action.device.update": ("Sửa thiết bị", "Device changed"),
    "admin.audit_action.device.token": ("Cấp mã thiết bị mới", "New device key issued"),
    "admin.audit_action.user.create": ("Thêm người dùng", "User added"),
    "admin.audit_action.user.update": ("Sửa người dùng", "User changed"),
    "admin.audit_action.user.password": ("Đặt lại mật khẩu", "Password reset"),
    "admin.audit_action.device.revoke": ("Thu hồi thiết bị", "Device revoked"),
    "admin.audit_key.name": ("Tên", "Name"),
    "admin.audit_key.name_en": ("Tên tiếng Anh", "English name"),
    "admin.audit_key.address": ("Địa chỉ", "Address"),
    "admin.audit_key.timezone": ("Múi giờ", "Time zone"),
    "admin.audit_key.priority_streak_limit": (
        "Số người ưu tiên liên tiếp",
        "Priority tickets in a row",
    ),
    "admin.audit_key.transfer_keeps_place": ("Giữ thứ tự khi chuyển", "Keep place on transfer"),
    "admin.audit_key.recalls_before_no_show": (
        "Số lần gọi lại trước khi vắng mặt",
        "Recalls before no-show",
    ),
    "admin.audit_key.elderly_age": ("Tuổi người cao tuổi", "Age of the elderly"),
    "admin.audit_key.settings": ("Thiết lập", "Settings"),
    "admin.audit_key.notice": ("Thông báo", "Notice"),
    "admin.audit_key.hours": ("Giờ nhận số", "Opening hours"),
    "admin.audit_key.closed_days": ("Ngày nghỉ", "Closed days"),
    "admin.audit_key.rating": ("Đánh giá", "Rating"),
    "admin.audit_key.kiosk": ("Máy lấy số", "Kiosk"),
    "admin.audit_key.voice": ("Giọng đọc", "Voice"),
    "admin.audit_key.ticket_footer": ("Dòng cuối trên vé", "Ticket footer"),
    "admin.audit_key.announce_max_age": ("Thời hạn đọc số", "Announcement deadline"),
    "admin.audit_key.start_on_call": ("Gọi số là bắt đầu phục vụ", "Calling starts the service"),
    "admin.audit_key.counters_per_officer": ("Số quầy mỗi cán bộ", "Counters per officer"),
    "admin.audit_key.no_show_grace_seconds": (
        "Thời gian chờ trước khi vắng mặt",
        "Grace before no-show",
    ),
    "admin.audit_key.targets": ("Mục tiêu báo cáo", "Report targets"),
    "admin.audit_key.prefix": ("Chữ đứng trước", "Prefix"),
    "admin.audit_key.number_start": ("Số đầu", "First number"),
    "admin.audit_key.number_end": ("Số cuối", "Last number"),
    "admin.audit_key.digits": ("Số chữ số", "Digits"),
    "admin.audit_key.active": ("Đang dùng", "In use"),
    "admin.audit_key.sort_order": ("Thứ tự", "Order"),
    "admin.audit_key.default_service_minutes": ("Phút phục vụ", "Service minutes"),
    "admin.audit_key.target_wait_minutes": ("Phút chờ mục tiêu", "Target wait minutes"),
    "admin.audit_key.services": ("Lĩnh vực", "Fields"),
    "admin.audit_key.counters": ("Quầy", "Counters"),
    "admin.audit_key.priority_classes": ("Đối tượng ưu tiên", "Priority groups"),
    "admin.audit_key.code": ("Mã", "Code"),
    "admin.audit_key.kind": ("Loại", "Kind"),
    "admin.audit_key.printer_url": ("Máy in", "Printer"),
    "admin.audit_key.paper": ("Khổ giấy", "Paper width"),
    "admin.audit_key.counter_id": ("Quầy", "Counter"),
    "admin.audit_key.printer_profile": ("Mẫu máy in", "Printer model"),
    "admin.audit_key.username": ("Tên đăng nhập", "User name"),
    "admin.audit_key.full_name": ("Họ tên", "Full name"),
    "admin.audit_key.role": ("Vai trò", "Role"),
    "admin.audit_key.offices": ("Đơn vị", "Offices"),
    "admin.audit_key.password": ("Mật khẩu", "Password"),
    "admin.audit_key.question": ("Câu hỏi", "Question"),
    "admin.audit_key.preset": ("Thang", "Scale"),
    "admin.audit_key.levels": ("Các mức", "Levels"),
    "admin.audit_key.number": ("Số quầy", "Counter number"),
    "admin.audit_key.signed_out": ("Phiên và mã đã kết thúc", "Sessions and keys ended"),
    "admin.audit_key.failed_sign_ins": ("Lần đăng nhập sai được xoá", "Failed sign-ins cleared"),
    "admin.audit_key.tokens_revoked": ("Mã đã thu hồi", "Keys revoked"),
    "admin.audit.empty": ("(trống)", "(empty)"),
    "admin.audit.yes": ("có", "yes"),
    "admin.audit.no": ("không", "no"),
    "admin.audit.added": ("{what}: thêm", "{what}: added"),
    "admin.audit.removed": ("{what}: bỏ", "{what}: removed"),
    "admin.audit.old_key_void": ("Mã cũ hết hiệu lực", "The old key no longer works"),
    "admin.audit.more": ("… và {n} thay đổi khác", "… and {n} more changes"),
    "admin.audit.count": ("{n} thay đổi", "{n} changes"),
    "admin.audit.none": ("Chưa có thay đổi nào.", "No changes yet."),
    "admin.audit.system": ("(hệ thống)", "(system)"),
    # ---- shared by several admin pages
    "admin.move_up": ("Lên trên", "Move up"),
    "admin.move_down": ("Xuống dưới", "Move down"),
    "admin.in_use": ("Đang dùng", "In use"),
    "admin.paused": ("Tạm ngừng", "Paused"),
    "admin.edit": ("Sửa", "Edit"),
    "admin.pause": ("Tạm ngừng", "Pause"),
    "admin.use_again": ("Dùng lại", "Use again"),
    "admin.paused_name": ("Đã tạm ngừng “{name}”.", "“{name}” paused."),
    "admin.used_again_name": ("Đã dùng lại “{name}”.", "“{name}” in use again."),
    "admin.code_form": (
        "Chỉ dùng chữ không dấu, số, “-” hoặc “_” (tối đa 32 ký tự).",
        "Use only plain letters, digits, “-” or “_” (32 characters at most).",
    ),
    "admin.order_needed": ("Nhập thứ tự.", "Give the order."),
    "admin.whole_number": ("Phải là số nguyên.", "Must be a whole number."),
    # ---- fields (static/js/admin_fields.js)
    "admin.fields.count": ("{active} đang dùng / {n} lĩnh vực", "{active} in use / {n} fields"),
    "admin.fields.none": (
        "Chưa có lĩnh vực nào. Bấm “Thêm lĩnh vực”.",
        "No fields yet. Press “Add a field”.",
    ),
    "admin.fields.unserved": (
        "Chưa có quầy nào phục vụ: {names}. Máy lấy số không cấp số cho lĩnh vực chưa có quầy — "
        "hãy gán lĩnh vực cho một quầy ở trang Quầy.",
        "No counter serves: {names}. The kiosk gives no tickets for a field without a counter — "
        "assign it to a counter on the Counters page.",
    ),
    "admin.fields.counters": ("Quầy {list}", "Counter {list}"),
    "admin.fields.no_counter_no_tickets": (
        "Chưa có quầy — không cấp số",
        "No counter — no tickets",
    ),
    "admin.fields.no_counter": ("Chưa có quầy", "No counter"),
    "admin.fields.code_needed": ("Nhập mã lĩnh vực.", "Give the field's code."),
    "admin.fields.code_taken": (
        "Đã có lĩnh vực mã “{code}”.",
        "There is already a field “{code}”.",
    ),
    "admin.fields.name_needed": ("Nhập tên lĩnh vực.", "Give the field's name."),
    "admin.fields.prefix_form": (
        "Tối đa 4 chữ cái in hoa không dấu (A–Z), hoặc để trống.",
        "Up to 4 plain capital letters (A–Z), or empty.",
    ),
    "admin.fields.number_range": ("Số từ 0 đến 999999.", "A number from 0 to 999999."),
    "admin.fields.end_before_start": (
        "Số cuối phải lớn hơn hoặc bằng số đầu.",
        "The last number must not be below the first.",
    ),
    "admin.fields.digits_range": ("Từ 1 đến 6 chữ số.", "From 1 to 6 digits."),
    "admin.fields.service_minutes_range": ("Từ 0,5 đến 240 phút.", "From 0.5 to 240 minutes."),
    "admin.fields.wait_minutes_range": ("Từ 1 đến 600 phút.", "From 1 to 600 minutes."),
    "admin.fields.preview_needs": (
        "Nhập số đầu, số cuối và số chữ số để xem vé mẫu.",
        "Give the first and last numbers and the digits to see a sample ticket.",
    ),
    "admin.fields.first_ticket": ("Vé đầu tiên mỗi ngày:", "First ticket each day:"),
    "admin.fields.last_ticket": ("vé cuối:", "last ticket:"),
    "admin.fields.per_day": ("tối đa {n} vé mỗi ngày.", "at most {n} tickets a day."),
    "admin.fields.uneven": (
        "Số cuối dài hơn số chữ số: các vé sẽ không cùng độ dài.",
        "The last number has more digits than set: tickets will not all be the same length.",
    ),
    "admin.fields.clash": (
        "Trùng dãy số với lĩnh vực “{name}”: hai lĩnh vực có thể phát cùng một số.",
        "Same numbers as field “{name}”: both could give the same ticket.",
    ),
    "admin.fields.edit_title": ("Sửa lĩnh vực {code}", "Edit field {code}"),
    "admin.fields.add_title": ("Thêm lĩnh vực", "Add a field"),
    "admin.fields.saved": ("Đã lưu lĩnh vực “{name}”.", "Field “{name}” saved."),
    "admin.fields.added": ("Đã thêm lĩnh vực “{name}”.", "Field “{name}” added."),
    # ---- days of the week
    "admin.day.mon": ("Thứ Hai", "Monday"),
    "admin.day.tue": ("Thứ Ba", "Tuesday"),
    "admin.day.wed": ("Thứ Tư", "Wednesday"),
    "admin.day.thu": ("Thứ Năm", "Thursday"),
    "admin.day.fri": ("Thứ Sáu", "Friday"),
    "admin.day.sat": ("Thứ Bảy", "Saturday"),
    "admin.day.sun": ("Chủ nhật", "Sunday"),
    # ---- the office (static/js/admin_office.js)
    "admin.office.from": ("từ", "from"),
    "admin.office.to": ("đến", "to"),
    "admin.office.day": ("Ngày", "Day"),
    "admin.office.morning": ("Buổi sáng", "Morning"),
    "admin.office.afternoon": ("Buổi chiều", "Afternoon"),
    "admin.office.period_n": ("Buổi {n}", "Period {n}"),
    "admin.office.period_incomplete": (
        "{day}: nhập đủ giờ bắt đầu và giờ kết thúc của buổi.",
        "{day}: give both the start and the end of the period.",
    ),
    "admin.office.period_backwards": (
        "{day}: giờ kết thúc phải sau giờ bắt đầu.",
        "{day}: the end must come after the start.",
    ),
    "admin.office.periods_overlap": (
        "{day}: các buổi bị chồng lên nhau.",
        "{day}: the periods overlap.",
    ),
    "admin.office.closed": ("Nghỉ", "Closed"),
    "admin.office.no_closed_days": ("Chưa có ngày nghỉ nào.", "No closed days yet."),
    "admin.office.drop_day": ("Bỏ ngày này", "Remove this day"),
    "admin.office.drop_day_n": ("Bỏ ngày {day}", "Remove {day}"),
    "admin.office.pick_day": ("Chọn một ngày.", "Choose a day."),
    "admin.office.custom_levels": (
        "Đơn vị đang dùng các mức đánh giá riêng (từ tệp cấu hình): {levels}. Chúng được giữ "
        "nguyên.",
        "The office uses its own rating levels (from a configuration file): {levels}. They are "
        "kept.",
    ),
    "admin.office.streak_range": (
        "Nhập số người ưu tiên liên tiếp, từ 0 đến 100.",
        "Give the priority tickets in a row, from 0 to 100.",
    ),
    "admin.office.age_range": ("Tuổi từ 40 đến 100.", "An age from 40 to 100."),
    "admin.office.recalls_range": ("Từ 0 đến 10 lần.", "From 0 to 10 times."),
    "admin.office.hours_needed": (
        "Nhập giờ làm việc cho ít nhất một ngày, hoặc bỏ chọn “Chỉ phát số trong giờ làm việc”.",
        "Give opening hours for at least one day, or untick “Tickets only during opening hours”.",
    ),
    "admin.office.grace_range": ("Từ 0 đến 1800 giây.", "From 0 to 1800 seconds."),
    "admin.office.counters_range": ("Từ 1 đến 50 quầy.", "From 1 to 50 counters."),
    "admin.office.target_range": ("Từ 0 đến {most}.", "From 0 to {most}."),
    "admin.office.unsaved": ("Có thay đổi chưa lưu.", "Unsaved changes."),
    "admin.office.unchanged": ("Chưa có thay đổi.", "No changes."),
    "admin.office.nothing_changed": ("Không có gì thay đổi.", "Nothing has changed."),
    "admin.office.saved": ("Đã lưu thông tin đơn vị.", "Office details saved."),
    # ---- shared: saved, added
    "admin.saved_name": ("Đã lưu “{name}”.", "“{name}” saved."),
    "admin.added_name": ("Đã thêm “{name}”.", "“{name}” added."),
    # ---- priority groups (static/js/admin_priority.js)
    "admin.prio.none": (
        "Chưa có đối tượng ưu tiên: máy lấy số sẽ không hỏi về ưu tiên.",
        "No priority groups: the kiosk will not ask about priority.",
    ),
    "admin.prio.applied": ("Đang áp dụng", "Applied"),
    "admin.prio.apply_again": ("Áp dụng lại", "Apply again"),
    "admin.prio.applied_again": ("Đã áp dụng lại “{name}”.", "“{name}” applied again."),
    "admin.prio.edit_title": ("Sửa đối tượng ưu tiên “{name}”", "Edit priority group “{name}”"),
    "admin.prio.add_title": ("Thêm đối tượng ưu tiên", "Add a priority group"),
    "admin.prio.code_form": (
        "Chữ thường không dấu, số, “-” hoặc “_” (ví dụ: veteran).",
        "Plain lower-case letters, digits, “-” or “_” (for example: veteran).",
    ),
    "admin.prio.code_taken": ("Đã có đối tượng mã “{code}”.", "There is already a group “{code}”."),
    "admin.prio.name_needed": ("Nhập tên đối tượng ưu tiên.", "Give the group's name."),
    "admin.prio.whole_number": ("Nhập một số nguyên.", "Give a whole number."),
    # ---- counters (static/js/admin_counters.js)
    "admin.counters.count": ("{n} quầy", "{n} counters"),
    "admin.counters.none": (
        "Chưa có quầy nào. Bấm “Thêm quầy”.",
        "No counters yet. Press “Add a counter”.",
    ),
    "admin.counters.no_fields": ("Chưa phục vụ lĩnh vực nào", "Serves no field yet"),
    "admin.counters.up": ("Lên", "Up"),
    "admin.counters.down": ("Xuống", "Down"),
    "admin.counters.add_fields_first": (
        "Chưa có lĩnh vực nào: thêm lĩnh vực trước.",
        "No fields yet: add fields first.",
    ),
    "admin.counters.edit_title": ("Sửa quầy {number}", "Edit counter {number}"),
    "admin.counters.add_title": ("Thêm quầy", "Add a counter"),
    "admin.counters.number_range": ("Số quầy từ 1 đến 999.", "A counter number from 1 to 999."),
    "admin.counters.number_taken": (
        "Đã có quầy số {number}.",
        "There is already a counter {number}.",
    ),
    "admin.counters.name_needed": ("Nhập tên quầy.", "Give the counter's name."),
    "admin.counters.saved": ("Đã lưu {name}.", "{name} saved."),
    "admin.counters.added": ("Đã thêm {name}.", "{name} added."),
    # ---- who issued today's tickets (static/js/overview_sources.js)
    "admin.source.net": ("Mạng", "Network"),
    "admin.source.device": ("Máy lấy số", "Kiosk"),
    "admin.source.user": ("Cán bộ", "Officer"),
    "admin.source.addr": ("Địa chỉ", "Address"),
    "admin.source.unknown": ("Không rõ", "Unknown"),
    "admin.source.cancel_q": (
        "Hủy {n} số đang chờ do “{label}” cấp hôm nay?",
        "Cancel the {n} waiting tickets “{label}” issued today?",
    ),
    "admin.source.cancelled": (
        "Đã hủy {n} số của “{label}”.",
        "Cancelled {n} tickets of “{label}”.",
    ),
    "admin.source.cancel_failed": ("Không hủy được: {message}", "Could not cancel: {message}"),
    "admin.source.cancel": ("Hủy số đang chờ", "Cancel waiting tickets"),
    "admin.source.none": ("Hôm nay chưa cấp số nào.", "No tickets issued today."),
    "admin.source.cancel_bookings_q": (
        "Hủy {n} lịch hẹn sắp tới đặt từ “{label}”? Người đặt không nhận tin nhắn báo hủy.",
        "Cancel the {n} upcoming appointments booked from “{label}”? Those who booked get no "
        "message about it.",
    ),
    "admin.source.bookings_cancelled": (
        "Đã hủy {n} lịch hẹn của “{label}”.",
        "Cancelled {n} appointments of “{label}”.",
    ),
    "admin.source.cancel_bookings": ("Hủy các lịch này", "Cancel these appointments"),
    "admin.source.addresses": ("{n} địa chỉ", "{n} addresses"),
    "admin.source.no_bookings": ("Chưa có lịch hẹn sắp tới.", "No upcoming appointments."),
    # ---- the provincial overview (static/js/province.js)
    "admin.prov.ago": ("{span} trước", "{span} ago"),
    "admin.prov.seconds": ("{n} giây", "{n} s"),
    "admin.prov.minutes": ("{n} phút", "{n} min"),
    "admin.prov.hours": ("{n} giờ", "{n} h"),
    "admin.prov.days": ("{n} ngày", "{n} days"),
    "admin.prov.hours_minutes": ("{h} giờ {m} phút", "{h} h {m} min"),
    "admin.prov.revoked": ("Đã thu hồi", "Revoked"),
    "admin.prov.not_joined": ("Chưa tham gia", "Not joined yet"),
    "admin.prov.never_heard": ("Chưa liên lạc", "Not heard from yet"),
    "admin.prov.lost_since": ("Mất liên lạc từ {time}", "Lost contact since {time}"),
    "admin.prov.dropped": (
        "; bỏ {n} phiếu trung tâm không còn (ghi trong nhật ký)",
        "; {n} tickets the centre no longer has were dropped (in the log)",
    ),
    "admin.prov.resynced": (
        "Đã nhận lại toàn bộ dữ liệu lúc {time}",
        "All data received again at {time}",
    ),
    "admin.prov.diverged": (
        "Dữ liệu trung tâm khác bản ở tỉnh (trung tâm được khôi phục từ bản sao lưu?): chờ trung "
        "tâm gửi lại toàn bộ",
        "The centre's data differs from the province's copy (restored from a backup?): waiting "
        "for the centre to send it all again",
    ),
    "admin.prov.resyncing": (
        "Đang nhận lại toàn bộ dữ liệu sau khi trung tâm khôi phục: {got}/{total} bản ghi",
        "Receiving all data again after the centre's restore: {got}/{total} entries",
    ),
    "admin.prov.refused": ("Bị từ chối: {message}", "Refused: {message}"),
    "admin.prov.synced": ("Đủ", "Up to date"),
    "admin.prov.behind": ("Còn {n} bản ghi", "{n} entries behind"),
    "admin.prov.late": (", chậm {span}", ", {span} late"),
    "admin.prov.template_failed": (
        ": không áp dụng được ({error})",
        ": could not be applied ({error})",
    ),
    "admin.prov.template_waiting": (": chờ trung tâm nhận", ": waiting for the centre to take it"),
    "admin.prov.template_kept": (
        " · {n} giá trị riêng của trung tâm",
        " · {n} values of the centre's own",
    ),
    "admin.prov.n_lost": ("{n} trung tâm mất liên lạc", "{n} centres lost contact"),
    "admin.prov.n_not_joined": ("{n} chưa tham gia", "{n} not joined yet"),
    "admin.prov.showing": ("Đang hiện {n}/{total} trung tâm", "Showing {n}/{total} centres"),
    "admin.prov.online": ("Trực tuyến", "Online"),
    "admin.prov.load_failed": (
        "Không tải được số liệu: {message}",
        "Could not load the figures: {message}",
    ),
    "admin.prov.offline": ("Mất kết nối", "Connection lost"),
    # ---- the reports' grades and printed summary (static/js/reports/)
    "report.grade.good": ("Đạt", "Met"),
    "report.grade.good_words": ("Đạt mục tiêu", "Target met"),
    "report.grade.near": ("Gần đạt", "Near"),
    "report.grade.near_words": ("Gần đạt mục tiêu", "Near the target"),
    "report.grade.poor": ("Chưa đạt", "Missed"),
    "report.grade.poor_words": ("Chưa đạt mục tiêu", "Target missed"),
    "report.measure.wait": ("chờ trong chỉ tiêu", "waited within the target"),
    "report.measure.satisfied": ("hài lòng", "satisfied"),
    "report.measure.no_show": ("vắng mặt", "no-show"),
    "report.summary.folded": ("{others} gộp thành một dòng.", "{others} folded into one row."),
    "report.summary.busiest": (
        "{n} dòng nhiều phiếu nhất trong {total}; đủ số liệu trong tệp tải về (XLSX, CSV).",
        "The {n} busiest rows of {total}; every figure is in the download (XLSX, CSV).",
    ),
    "report.summary.issued": ("Cấp", "Issued"),
    "report.summary.served": ("Phục vụ", "Served"),
    "report.summary.no_show": ("Vắng mặt", "No-show"),
    "report.summary.wait_mean": ("Chờ TB (phút)", "Wait, mean (min)"),
    "report.summary.wait_p90": ("Chờ P90 (phút)", "Wait, P90 (min)"),
    "report.summary.within_target": ("Chờ trong chỉ tiêu", "Within the target wait"),
    "report.summary.service_mean": ("Phục vụ TB (phút)", "Service, mean (min)"),
    "report.summary.satisfied": ("Hài lòng", "Satisfied"),
    # ---- export / import: the page (console/admin_config.html)
    "admin.cfg.export_title": ("Xuất cấu hình của {code}", "Export the configuration of {code}"),
    "admin.cfg.export_what": (
        "Tệp gồm thông tin đơn vị, giờ nhận số, ngày nghỉ, thông báo, thang đánh giá, lĩnh vực, "
        "quầy và đối tượng ưu tiên — không gồm tài khoản, thiết bị hay số liệu vé. Dùng để sao "
        "lưu, hoặc làm mẫu cho đơn vị khác.",
        "The file holds the office's details, opening hours, closed days, notice, rating scale, "
        "fields, counters and priority groups — no accounts, devices or ticket figures. Use it as "
        "a backup, or as a template for another office.",
    ),
    "admin.cfg.download": ("Tải tệp cấu hình ({file})", "Download the configuration ({file})"),
    "admin.cfg.import_title": ("Nhập cấu hình vào {code}", "Import a configuration into {code}"),
    "admin.cfg.import_how": (
        "Chọn một tệp cấu hình (.json) đã xuất từ Lượt. Trước khi áp dụng, trang sẽ cho xem tệp "
        "có gì và những gì sẽ thay đổi.",
        "Choose a configuration file (.json) exported from Lượt. Before it applies, the page "
        "shows what the file holds and what will change.",
    ),
    "admin.cfg.file": ("Tệp cấu hình", "Configuration file"),
    "admin.cfg.create_how": (
        "Đơn vị trống, hoặc lấy toàn bộ cấu hình từ một tệp mẫu (ví dụ tệp mẫu của tỉnh).",
        "An empty office, or one with the whole configuration of a template file (the province's, "
        "for example).",
    ),
    "admin.cfg.code": ("Mã đơn vị", "Office code"),
    "admin.cfg.code_example": ("vd: XA-MAU", "e.g. XA-MAU"),
    "admin.cfg.name": ("Tên đơn vị", "Office name"),
    "admin.cfg.template_file": ("Tệp cấu hình mẫu (không bắt buộc)", "Template file (optional)"),
    "admin.cfg.create": ("Tạo đơn vị", "Create the office"),
    # ---- the change log: the page (console/admin_audit.html)
    "admin.audit.filter": ("Lọc", "Filter"),
    "admin.audit.all": ("Tất cả thay đổi", "All changes"),
    "admin.audit.office": ("Thông tin đơn vị, nhập cấu hình", "Office details, imports"),
    "admin.audit.reload": ("Tải lại", "Reload"),
    "admin.audit.when": ("Thời gian", "When"),
    "admin.audit.who": ("Người thực hiện", "Who"),
    "admin.audit.what": ("Thao tác", "What"),
    "admin.audit.target": ("Đối tượng", "Of what"),
    "admin.audit.changes": ("Thay đổi", "Changes"),
    "admin.audit.hint": (
        "Giờ theo múi giờ của đơn vị ({zone}). Hiện tối đa 200 thay đổi gần nhất.",
        "Times in the office's time zone ({zone}). The latest 200 changes at most.",
    ),
    # ---- fields: the page (console/admin_fields.html)
    "admin.or": ("hoặc", "or"),
    "admin.name_en": ("Tên tiếng Anh (không bắt buộc)", "English name (optional)"),
    "admin.fields.col_order": ("Thứ tự", "Order"),
    "admin.fields.col_code": ("Mã", "Code"),
    "admin.fields.col_name": ("Tên lĩnh vực", "Field name"),
    "admin.fields.col_numbers": ("Số vé", "Ticket numbers"),
    "admin.fields.col_counters": ("Quầy phục vụ", "Served at"),
    "admin.fields.col_state": ("Trạng thái", "State"),
    "admin.fields.hint": (
        "Lĩnh vực tạm ngừng không hiện trên máy lấy số; vé đã phát vẫn được phục vụ. Số vé bắt "
        "đầu lại từ đầu mỗi ngày.",
        "A paused field is not shown at the kiosk; tickets already issued are still served. "
        "Numbers start again each day.",
    ),
    "admin.fields.code": ("Mã lĩnh vực", "Field code"),
    "admin.fields.code_hint": (
        "Mã: chữ không dấu, số, “-” hoặc “_”, ví dụ",
        "A code: plain letters, digits, “-” or “_”, for example",
    ),
    "admin.fields.code_fixed": ("Không đổi được sau khi tạo.", "It cannot change once made."),
    "admin.fields.sort_order": ("Thứ tự hiển thị", "Display order"),
    "admin.fields.sort_last": ("cuối danh sách", "end of the list"),
    "admin.fields.numbering": ("Đánh số vé", "Ticket numbering"),
    "admin.fields.letter_numbers": ("Chữ + số: A001 – A999", "Letter + number: A001 – A999"),
    "admin.fields.block_numbers": ("Khối số: 1001 – 1999", "Number block: 1001 – 1999"),
    "admin.fields.no_prefix": ("(không)", "(none)"),
    "admin.fields.active": ("Đang dùng (hiện trên máy lấy số)", "In use (shown at the kiosk)"),
    "admin.fields.estimates": ("Ước tính thời gian (không bắt buộc)", "Time estimates (optional)"),
    "admin.fields.service_minutes": (
        "Thời gian phục vụ một lượt (phút)",
        "Time to serve one ticket (min)",
    ),
    "admin.fields.wait_minutes": ("Thời gian chờ mục tiêu (phút)", "Target wait (min)"),
    "admin.fields.estimates_hint": (
        "Dùng để ước tính thời gian chờ khi lĩnh vực chưa có số liệu.",
        "Used to estimate the wait while the field has no figures yet.",
    ),
    # ---- the provincial overview: the page (console/province.html) and the managers' tabs
    "admin.prov.title": ("Toàn tỉnh", "Province"),
    "admin.prov.intro": (
        "Các trung tâm cấp xã gửi số liệu về tỉnh; trung tâm mất liên lạc vẫn hoạt động bình "
        "thường và gửi bù khi có mạng trở lại.",
        "The commune centres send their figures to the province; a centre that lost contact works "
        "as usual and catches up once the network is back.",
    ),
    "admin.prov.summary": ("Tóm tắt toàn tỉnh", "The province at a glance"),
    "admin.prov.online_centres": ("Trung tâm trực tuyến", "Centres online"),
    "admin.prov.waiting_note": (
        "công dân, tại các trung tâm đang liên lạc",
        "citizens, at the centres in contact",
    ),
    "admin.prov.open_counters": ("Quầy đang mở", "Open counters"),
    "admin.prov.served_today": ("Đã phục vụ hôm nay", "Served today"),
    "admin.prov.served_note": ("lượt", "tickets"),
    "admin.prov.centres": ("Trung tâm", "Centres"),
    "admin.prov.search": ("Tìm trung tâm", "Find a centre"),
    "admin.prov.search_hint": ("Tên hoặc mã", "Name or code"),
    "admin.prov.show": ("Hiện", "Show"),
    "admin.prov.show_all": ("Tất cả", "All"),
    "admin.prov.show_problems": ("Chỉ trung tâm có vấn đề", "Only centres with a problem"),
    "admin.prov.show_lost": ("Mất liên lạc", "Lost contact"),
    "admin.prov.show_refused": ("Bị từ chối đồng bộ", "Sync refused"),
    "admin.prov.show_never": ("Chưa tham gia / chưa liên lạc", "Not joined / not heard from"),
    "admin.prov.col_centre": ("Trung tâm", "Centre"),
    "admin.prov.col_contact": ("Liên lạc", "Contact"),
    "admin.prov.col_sync": ("Đồng bộ", "Sync"),
    "admin.prov.col_open": ("Quầy mở", "Open counters"),
    "admin.prov.col_longest": ("Chờ lâu nhất", "Longest wait"),
    "admin.prov.col_template": ("Mẫu cấu hình", "Template"),
    "admin.prov.empty": (
        "Chưa có trung tâm nào. Đăng ký bằng",
        "No centres yet. Register one with",
    ),
    "admin.prov.empty_code": ("MÃ", "CODE"),
    "admin.prov.empty_name": ("Tên", "Name"),
    "admin.prov.empty_where": ("trên máy chủ tỉnh.", "on the provincial server."),
    "admin.nav.label": ("Quản lý", "Management"),
    "admin.nav.overview": ("Tổng quan trực tiếp", "Live overview"),
    # ---- priority groups and counters: the pages (admin_priority.html, admin_counters.html)
    "admin.name_vi": ("Tên (tiếng Việt)", "Name (Vietnamese)"),
    "admin.prio.rules_link": (
        "Quy tắc xen kẽ và tuổi người cao tuổi",
        "Interleaving and the age of the elderly",
    ),
    "admin.prio.col_name": ("Tên hiển thị trên máy lấy số", "Name shown at the kiosk"),
    "admin.prio.hint": (
        "Công dân chọn một đối tượng ưu tiên trên máy lấy số (nếu có) và được gọi trước những "
        "người khác cùng lĩnh vực. Đối tượng tạm ngừng không hiện trên máy lấy số.",
        "Citizens choose a priority group at the kiosk (if they belong to one) and are called "
        "before others of the same field. A paused group is not shown at the kiosk.",
    ),
    "admin.prio.code_example": ("ví dụ: veteran", "for example: veteran"),
    "admin.counters.name": ("Tên quầy", "Counter name"),
    "admin.counters.col_fields": ("Lĩnh vực phục vụ (theo thứ tự)", "Fields served (in order)"),
    "admin.counters.col_now": ("Hiện tại", "Now"),
    "admin.counters.hint": (
        "Khi cán bộ bấm “Gọi số tiếp theo”, quầy gọi người đến sớm nhất trong các lĩnh vực quầy "
        "phục vụ (người ưu tiên trước).",
        "When an officer presses “Call next”, the counter calls whoever came first in the fields "
        "it serves (priority first).",
    ),
    "admin.counters.name_example": ("Ví dụ: Quầy 3 — Đất đai", "For example: Counter 3 — Land"),
    "admin.counters.fields_served": ("Lĩnh vực quầy phục vụ", "Fields this counter serves"),
    "admin.counters.fields_hint": (
        "Đánh dấu các lĩnh vực; dùng ↑ ↓ để sắp thứ tự (lĩnh vực chính lên đầu).",
        "Tick the fields; use ↑ ↓ to order them (the main field first).",
    ),
    # ---- the office: the page (console/admin_office.html)
    "admin.office.general": ("Thông tin chung", "General"),
    "admin.office.zone_vn": ("Giờ Việt Nam (Asia/Ho_Chi_Minh)", "Viet Nam time (Asia/Ho_Chi_Minh)"),
    "admin.office.district": (
        "Thuộc huyện / tỉnh (để so sánh trong báo cáo)",
        "District / province (to compare in reports)",
    ),
    "admin.office.use_hours": (
        "Chỉ phát số trong giờ làm việc dưới đây",
        "Tickets only during the opening hours below",
    ),
    "admin.office.hours_hint": (
        "Ngoài giờ, máy lấy số báo “Ngoài giờ làm việc” và không phát số. Để trống một buổi nếu "
        "không làm việc buổi đó. Bỏ chọn ô trên để phát số cả ngày.",
        "Outside these hours the kiosk says “Outside opening hours” and gives no tickets. Leave a "
        "period empty if the office does not work then. Untick the box above for tickets all day.",
    ),
    "admin.office.hours_copy": (
        "Áp dụng giờ Thứ Hai cho Thứ Ba – Thứ Sáu",
        "Use Monday's hours for Tuesday – Friday",
    ),
    "admin.office.hours_default": (
        "Giờ hành chính (7:30–11:30, 13:30–17:00)",
        "Office hours (7:30–11:30, 13:30–17:00)",
    ),
    "admin.office.closed_hint": (
        "Ngày lễ, Tết và những ngày đơn vị không làm việc: máy lấy số không phát số.",
        "Holidays, the Lunar New Year and the days the office does not work: the kiosk gives no "
        "tickets.",
    ),
    "admin.office.add_day": ("Thêm ngày", "Add a day"),
    "admin.office.add_closed_day": ("Thêm ngày nghỉ", "Add the closed day"),
    "admin.office.notice_ticket": ("Thông báo và vé", "Notice and ticket"),
    "admin.office.notice": (
        "Thông báo trên màn hình phòng chờ",
        "Notice on the waiting-room display",
    ),
    "admin.office.notice_example": (
        "Ví dụ: Chiều thứ Sáu, bộ phận Đất đai chỉ trả kết quả.",
        "For example: on Friday afternoons the Land desk only returns results.",
    ),
    "admin.office.who_issues": ("Ai được lấy số", "Who may take a number"),
    "admin.office.issuing_kiosk": (
        "Chỉ máy lấy số đã đăng ký và cán bộ",
        "Only registered kiosks and officers",
    ),
    "admin.office.recommended": ("(khuyến nghị)", "(recommended)"),
    "admin.office.issuing_kiosk_hint": (
        "Trang lấy số mở không có khoá thiết bị sẽ báo “chưa được cấp quyền”.",
        "A kiosk page opened without a device key says “not authorised”.",
    ),
    "admin.office.issuing_open": ("Mọi người", "Anyone"),
    "admin.office.issuing_open_more": (
        ", kể cả trang lấy số không có khoá",
        ", kiosk pages without a key included",
    ),
    "admin.office.issuing_open_hint": (
        "Mỗi địa chỉ chỉ được lấy vài số mỗi phút; số do một nguồn lấy quá nhiều có thể hủy một "
        "lần ở trang Tổng quan.",
        "Each address may take a few numbers a minute; the tickets of a source that takes too "
        "many can be cancelled at once on the Overview page.",
    ),
    "admin.office.rating": ("Đánh giá mức độ hài lòng", "Satisfaction rating"),
    "admin.office.three_levels": (
        "Rất hài lòng · Hài lòng · Không hài lòng",
        "Very satisfied · Satisfied · Not satisfied",
    ),
    "admin.office.five_stars": ("★★★★★ đến ★", "★★★★★ to ★"),
    "admin.office.question": ("Câu hỏi riêng (không bắt buộc)", "Own question (optional)"),
    "admin.office.question_hint": (
        "Để trống để dùng câu hỏi mặc định của thang đã chọn.",
        "Leave it empty for the chosen scale's own question.",
    ),
    "admin.office.priority_calls": ("Ưu tiên và gọi số", "Priority and calling"),
    "admin.office.interleave_a": ("Xen kẽ: gọi tối đa", "Interleave: call at most"),
    "admin.office.interleave_b": (
        "người ưu tiên liên tiếp, rồi gọi một người thường đang chờ",
        "priority tickets in a row, then one ordinary ticket waiting",
    ),
    "admin.office.interleave_hint": (
        "Xen kẽ giúp người không thuộc diện ưu tiên không phải chờ quá lâu.",
        "Interleaving keeps those without priority from waiting too long.",
    ),
    "admin.office.elderly_age": (
        "Tuổi được ưu tiên là người cao tuổi",
        "Age from which the elderly have priority",
    ),
    "admin.office.recalls": (
        "Số lần gọi lại trước khi đánh dấu vắng mặt",
        "Recalls before a no-show can be marked",
    ),
    "admin.office.grace": (
        "Chờ sau khi gọi trước khi được đánh dấu vắng mặt (giây)",
        "Wait after a call before a no-show can be marked (seconds)",
    ),
    "admin.office.counters_per_officer": (
        "Số quầy một cán bộ được giữ cùng lúc",
        "Counters one officer may hold at once",
    ),
    "admin.office.keeps_place": (
        "Công dân được chuyển sang lĩnh vực/quầy khác giữ nguyên thứ tự đã chờ",
        "A citizen sent to another field or counter keeps the place they waited for",
    ),
    "admin.office.start_on_call": (
        "Gọi số là bắt đầu phục vụ: cán bộ không cần bấm “Bắt đầu”; lần “Gọi số tiếp theo” sau "
        "hoàn thành số đang phục vụ",
        "Calling starts the service: officers need not press “Start”; the next “Call next” "
        "finishes the ticket being served",
    ),
    "admin.office.targets": ("Mục tiêu trong báo cáo", "Targets in reports"),
    "admin.office.targets_hint": (
        "Báo cáo tô xanh số liệu đạt mục tiêu, vàng khi thiếu không quá số điểm dưới đây, đỏ khi "
        "thiếu nhiều hơn.",
        "Reports colour a figure green when it meets its target, amber when it misses by no more "
        "than the points below, red beyond.",
    ),
    "admin.office.target_wait": (
        "Chờ trong chỉ tiêu của lĩnh vực, ít nhất (%)",
        "Waited within the field's target, at least (%)",
    ),
    "admin.office.target_satisfied": ("Hài lòng, ít nhất (%)", "Satisfied, at least (%)"),
    "admin.office.target_no_show": ("Vắng mặt, nhiều nhất (%)", "No-show, at most (%)"),
    "admin.office.target_margin": (
        "Vàng khi thiếu không quá (điểm %)",
        "Amber when missing by at most (% points)",
    ),
    "admin.office.reset": ("Hoàn tác", "Undo"),
    "admin.office.save": ("Lưu thay đổi", "Save changes"),
    # ---- booking settings (static/js/admin_booking.js)
    "admin.booking.places_of": ("Số chỗ: {name}", "Places: {name}"),
    "admin.booking.range": ("Từ {low} đến {high}.", "From {low} to {high}."),
    "admin.booking.time_form": ("Giờ dạng 17:00.", "A time like 17:00."),
    "admin.booking.channel_needed": (
        "Chọn kênh tin nhắn (SMS hoặc Zalo ZNS) để gửi mã xác nhận.",
        "Choose a message channel (SMS or Zalo ZNS) to send the confirmation code.",
    ),
    "admin.booking.places_needed": (
        "Đặt số chỗ cho ít nhất một lĩnh vực để nhận đặt lịch.",
        "Give places to at least one field to take bookings.",
    ),
    "admin.booking.unsaved": ("Có thay đổi chưa lưu.", "Unsaved changes."),
    "admin.booking.saved": ("Đã lưu đặt lịch hẹn và tin nhắn.", "Booking and messages saved."),
    # ---- users (static/js/admin_users.js)
    "admin.users.count": ("{n} tài khoản đang dùng", "{n} accounts in use"),
    "admin.users.none": ("Không có ai.", "No one."),
    "admin.users.every_office": ("Mọi đơn vị", "Every office"),
    "admin.users.locked": ("Đã khóa", "Locked"),
    "admin.users.lock": ("Khóa", "Lock"),
    "admin.users.unlock": ("Mở khóa", "Unlock"),
    "admin.users.lock_sure": (
        "Khóa tài khoản “{name}”? Người này sẽ không đăng nhập được nữa.",
        "Lock the account “{name}”? This person will no longer be able to sign in.",
    ),
    "admin.users.locked_name": ("Đã khóa “{name}”.", "“{name}” locked."),
    "admin.users.unlocked_name": ("Đã mở khóa “{name}”.", "“{name}” unlocked."),
    "admin.users.offices_admin": (
        "(không bắt buộc: quản trị viên làm việc với mọi đơn vị)",
        "(optional: administrators work with every office)",
    ),
    "admin.users.offices_one": ("(chọn ít nhất một)", "(choose at least one)"),
    "admin.users.new_password": (
        "Mật khẩu mới (để trống nếu không đổi)",
        "New password (leave empty to keep it)",
    ),
    "admin.users.password": ("Mật khẩu", "Password"),
    "admin.users.edit_title": ("Sửa người dùng “{name}”", "Edit user “{name}”"),
    "admin.users.add_title": ("Thêm người dùng", "Add a user"),
    "admin.users.username_form": (
        "2–64 ký tự: chữ không dấu, số, “.”, “-” hoặc “_”.",
        "2–64 characters: plain letters, digits, “.”, “-” or “_”.",
    ),
    "admin.users.username_taken": (
        "Đã có tên đăng nhập “{name}”.",
        "The username “{name}” is taken already.",
    ),
    "admin.users.role_needed": ("Chọn vai trò.", "Choose a role."),
    "admin.users.office_needed": (
        "Cán bộ và quản lý phải thuộc ít nhất một đơn vị.",
        "Officers and managers must belong to at least one office.",
    ),
    "admin.users.password_short": (
        "Mật khẩu cần ít nhất 8 ký tự.",
        "The password needs at least 8 characters.",
    ),
    "admin.users.password_mismatch": (
        "Hai lần nhập mật khẩu không khớp.",
        "The two passwords do not match.",
    ),
    # ---- devices (static/js/admin_devices.js)
    "admin.devices.no_printing": ("Không in vé", "No ticket printing"),
    "admin.devices.paper": ("Khổ {mm} mm", "{mm} mm paper"),
    "admin.devices.at": ("Lúc {time}", "At {time}"),
    "admin.devices.printer_ok": ("Tốt", "Fine"),
    "admin.devices.printer_error": ("Lỗi", "Error"),
    "admin.devices.unknown_error": ("Không rõ lỗi", "Unknown error"),
    "admin.devices.never_printed": ("Chưa in lần nào", "Not printed yet"),
    "admin.devices.count": ("{n} thiết bị", "{n} devices"),
    "admin.devices.none": (
        "Chưa có thiết bị nào. Bấm “Đăng ký thiết bị”.",
        "No devices yet. Press “Register a device”.",
    ),
    "admin.devices.counter": ("Quầy {number}", "Counter {number}"),
    "admin.devices.counter_named": ("Quầy {number} — {name}", "Counter {number} — {name}"),
    "admin.devices.stopped": ("Ngừng", "Stopped"),
    "admin.devices.new_token": ("Cấp mã mới", "New token"),
    "admin.devices.token": ("Mã thiết bị", "Device token"),
    "admin.devices.url": ("Địa chỉ mở trên thiết bị", "Address to open on the device"),
    "admin.devices.open_display": (
        "Mở địa chỉ này trên TV phòng chờ (màn hình phòng chờ chưa cần mã; hãy giữ mã để dùng"
        " sau).",
        "Open this address on the waiting-room TV (the waiting-room display needs no token yet;"
        " keep the token for later).",
    ),
    "admin.devices.open_once": (
        "Mở địa chỉ này một lần trên thiết bị: thiết bị tự ghi nhớ mã rồi xoá mã khỏi thanh địa"
        " chỉ.",
        "Open this address once on the device: it remembers the token and removes it from the"
        " address bar.",
    ),
    "admin.devices.token_title": (
        "Mã của “{name}” — chỉ hiện một lần",
        "Token of “{name}” — shown only once",
    ),
    "admin.devices.copy_now": (
        "Hãy sao chép ngay. Sau khi đóng khung này sẽ không xem lại được; nếu mất, bấm “Cấp mã"
        " mới”.",
        "Copy it now. Once this box is closed it cannot be seen again; if it is lost, press “New"
        " token”.",
    ),
    "admin.devices.token_done": ("Tôi đã lưu mã — Đóng", "I have saved the token — Close"),
    "admin.devices.new_token_sure": (
        "Cấp mã mới cho “{name}”? Mã cũ sẽ ngừng hoạt động ngay; thiết bị cần được mở lại bằng địa"
        " chỉ mới.",
        "Give “{name}” a new token? The old one stops working at once; the device must be opened"
        " again with the new address.",
    ),
    "admin.devices.new_token_done": ("Đã cấp mã mới.", "New token issued."),
    "admin.devices.pick_counter": ("— chọn quầy —", "— choose a counter —"),
    "admin.devices.edit_title": ("Sửa thiết bị “{name}”", "Edit device “{name}”"),
    "admin.devices.add_title": ("Đăng ký thiết bị", "Register a device"),
    "admin.devices.refreshed": ("Đã cập nhật.", "Updated."),
    "admin.devices.kind_needed": ("Chọn loại thiết bị.", "Choose the kind of device."),
    "admin.devices.name_needed": ("Nhập tên thiết bị.", "Give the device a name."),
    "admin.devices.printer_form": (
        "Địa chỉ máy in phải có dạng như tcp://192.168.1.50:9100 (xem “Các dạng địa chỉ máy in”).",
        "The printer address must look like tcp://192.168.1.50:9100 (see “Printer address forms”).",
    ),
    "admin.devices.counter_needed": (
        "Chọn quầy đặt máy đánh giá.",
        "Choose the counter the rating tablet stands at.",
    ),
    "admin.devices.registered": ("Đã đăng ký “{name}”.", "“{name}” registered."),
    # ---- the office overview (static/js/overview.js)
    "admin.overview.hours_minutes": ("{h} giờ {m} phút", "{h} h {m} min"),
    "admin.overview.minutes_seconds": ("{m} phút {s} giây", "{m} min {s} s"),
    "admin.overview.seconds": ("{s} giây", "{s} s"),
    "admin.overview.load_failed": (
        "Không tải được số liệu: {message}",
        "The figures could not be loaded: {message}",
    ),
    "admin.overview.nobody_waiting": ("không ai đang chờ", "no one is waiting"),
    "admin.overview.paused_n": ("{n} quầy tạm nghỉ", "{n} counters on a break"),
    "admin.overview.open_of_all": ("đang mở / tổng số quầy", "open / all counters"),
    "admin.overview.unserved": (
        "Chưa có quầy nào phục vụ lĩnh vực: {names}. Máy lấy số không cấp số cho các lĩnh vực"
        " này — hãy gán chúng cho một quầy (Quản trị → Quầy).",
        "No counter serves these fields yet: {names}. The kiosk issues no tickets for them"
        " — assign them to a counter (Administration → Counters).",
    ),
    "admin.overview.eta": ("~{n} phút", "~{n} min"),
    "admin.overview.no_fields": ("Chưa có lĩnh vực nào.", "No fields yet."),
    "admin.overview.printer_error": ("Lỗi máy in", "Printer error"),
    "admin.overview.printer_error_is": ("Lỗi máy in: {error}", "Printer error: {error}"),
    "admin.overview.working_printer_ok": ("Hoạt động, máy in tốt", "Working, printer fine"),
    "admin.overview.working": ("Hoạt động", "Working"),
    "admin.overview.faults_n": ("{n} lỗi", "{n} faults"),
    # ---- the reports page (static/js/reports.js)
    "report.others.counter": ("quầy", "counters"),
    "report.others.officer": ("cán bộ", "officers"),
    "report.others.service": ("lĩnh vực", "fields"),
    "report.others.office": ("đơn vị", "offices"),
    "report.others.group": ("nhóm", "groups"),
    "report.others_n": ("{n} {groups} khác", "{n} other {groups}"),
    "report.preset.today": ("Hôm nay", "Today"),
    "report.preset.week": ("Tuần này", "This week"),
    "report.preset.month": ("Tháng này", "This month"),
    "report.preset.last_month": ("Tháng trước", "Last month"),
    "report.preset.year": ("Năm nay", "This year"),
    "report.all": ("Tất cả", "All"),
    "report.pick_office": ("Hãy chọn ít nhất một đơn vị.", "Choose at least one office."),
    "report.too_many": (
        "Chọn tối đa {n} đơn vị, hoặc chọn “Tất cả đơn vị”.",
        "Choose {n} offices at most, or “All offices”.",
    ),
    "report.pick_period": ("Hãy chọn khoảng thời gian.", "Choose a period."),
    "report.end_before_start": (
        "Ngày kết thúc đứng trước ngày bắt đầu.",
        "The end date comes before the start date.",
    ),
    "report.district_n": ("{name} ({n} đơn vị)", "{name} ({n} offices)"),
    "report.all_offices_n": ("Tất cả đơn vị ({n})", "All offices ({n})"),
    "report.offices_n": ("{n} đơn vị", "{n} offices"),
    "report.load_failed": (
        "Không tải được báo cáo: {message}",
        "The report could not be loaded: {message}",
    ),
    "report.appts.line": (
        "{booked} lịch hẹn · đã đến {arrived} · đã phục vụ {served} · không đến {missed}"
        " · đã hủy {cancelled}",
        "{booked} appointments · came {arrived} · served {served} · did not come {missed}"
        " · cancelled {cancelled}",
    ),
    "report.appts.on_time": (" · đúng giờ {share}", " · on time {share}"),
    "report.appts.late": (" (trung bình muộn {n} phút)", " ({n} min late on average)"),
    "report.appts.early": (" (trung bình sớm {n} phút)", " ({n} min early on average)"),
    "report.target_is": ("mục tiêu {goal}", "target {goal}"),
    "report.summary_of": ("Tóm tắt {group}", "Summary {group}"),
    "report.taken_at": ("Số liệu lấy lúc {time} · Lượt", "Figures taken at {time} · Lượt"),
    "report.minutes": ("{n} phút", "{n} min"),
    "report.tile.cancelled": ("đã hủy {n}", "{n} cancelled"),
    "report.tile.tickets": ("phiếu", "tickets"),
    "report.tile.no_show": ("vắng mặt {n}", "{n} no-shows"),
    "report.tile.median_p90": ("trung vị {median} · P90 {p90}", "median {median} · P90 {p90}"),
    "report.tile.nobody_called": ("chưa gọi ai", "no one called yet"),
    "report.tile.nobody_served": ("chưa phục vụ xong ai", "no one served yet"),
    "report.tile.ratings_n": ("{n} lượt đánh giá", "{n} ratings"),
    "report.tile.no_ratings": ("chưa có đánh giá", "no ratings yet"),
    "report.tile.within_field_target": (
        "chờ không quá chỉ tiêu lĩnh vực",
        "waited no longer than the field's target",
    ),
    "report.targets.line": (
        "Mục tiêu: chờ trong chỉ tiêu ≥ {wait}% · hài lòng ≥ {satisfied}% · vắng mặt ≤ {no_show}%",
        "Targets: waited within the target ≥ {wait}% · satisfied ≥ {satisfied}% · no-show ≤"
        " {no_show}%",
    ),
    "report.targets.strictest": (
        " (mục tiêu chặt nhất của các đơn vị đã chọn; mỗi đơn vị theo mục tiêu của mình)",
        " (the strictest of the chosen offices' targets; each office by its own)",
    ),
    "report.targets.marks": (
        "{good} đạt · {near} gần đạt (thiếu không quá {margin} điểm) · {poor} chưa đạt."
        " Đặt mục tiêu ở Quản trị → Đơn vị.",
        "{good} met · {near} near (at most {margin} points short) · {poor} missed."
        " Set the targets under Administration → Office.",
    ),
    "report.estimate.longer": (
        "Dự kiến chờ lệch trung bình {error} phút; {share} trong ±5 phút ({tickets} phiếu;"
        " thực tế chờ lâu hơn dự kiến {bias} phút trung bình).",
        "The estimated wait was off by {error} min on average; {share} within ±5 min ({tickets}"
        " tickets; the real wait was {bias} min longer than estimated on average).",
    ),
    "report.estimate.shorter": (
        "Dự kiến chờ lệch trung bình {error} phút; {share} trong ±5 phút ({tickets} phiếu;"
        " thực tế chờ ít hơn dự kiến {bias} phút trung bình).",
        "The estimated wait was off by {error} min on average; {share} within ±5 min ({tickets}"
        " tickets; the real wait was {bias} min shorter than estimated on average).",
    ),
    "report.estimate.none": (
        "Dự kiến chờ: chưa có phiếu nào được gọi để so sánh với thời gian chờ in trên phiếu.",
        "Estimated wait: no ticket called yet to compare with the wait printed on it.",
    ),
    "report.busiest.line": ("Giờ cao điểm: {hours}.", "Busiest hours: {hours}."),
    "report.busiest.hour": ("{from}h–{to}h ({n} phiếu)", "{from}h–{to}h ({n} tickets)"),
    "report.busiest.none": ("Giờ cao điểm: chưa có số liệu.", "Busiest hours: no figures yet."),
    "report.table.title": ("Số liệu {group}", "Figures {group}"),
    "report.table.empty": (
        "Không có phiếu nào trong khoảng thời gian này.",
        "No tickets in this period.",
    ),
    "report.table.total": ("Tổng cộng", "Total"),
    "report.col.tickets": ("Số phiếu", "Tickets"),
    "report.col.wait": ("Thời gian chờ (phút)", "Wait (min)"),
    "report.col.service": ("Thời gian phục vụ (phút)", "Service (min)"),
    "report.col.within": ("Đạt chỉ tiêu chờ", "Within the target wait"),
    "report.col.ratings": ("Đánh giá", "Ratings"),
    "report.col.cancelled": ("Đã hủy", "Cancelled"),
    "report.col.transferred": ("Chuyển", "Transferred"),
    "report.col.mean": ("TB", "Mean"),
    "report.col.median": ("Trung vị", "Median"),
    "report.col.longest": ("Lâu nhất", "Longest"),
    "report.col.rated": ("Số lượt", "Ratings"),
    "report.col.satisfied": ("Tỷ lệ hài lòng", "Satisfied"),
    "report.chart.minutes": ("phút", "min"),
    "report.chart.issued": ("Cấp số", "Issued"),
    "report.chart.served": ("Đã phục vụ", "Served"),
    "report.chart.tickets": ("phiếu", "tickets"),
    "report.chart.waits_title": ("Thời gian chờ {group} (phút)", "Wait {group} (min)"),
    "report.chart.p90": ("P90 (90% chờ không quá)", "P90 (90% waited no longer)"),
    "report.chart.mean": ("Trung bình", "Mean"),
    "report.chart.top": (
        "{n} {groups} nhiều phiếu nhất; {others} gộp thành một cột (đủ cả trong bảng số liệu).",
        "The {n} {groups} with most tickets; {others} folded into one bar (all in the table).",
    ),
    "report.chart.month": ("T{m}/{y}", "{m}/{y}"),
    "report.chart.ratings_by_month": ("Mức độ hài lòng theo tháng", "Satisfaction by month"),
    "report.chart.ratings_by_day": ("Mức độ hài lòng theo ngày", "Satisfaction by day"),
    "report.chart.ratings": ("lượt đánh giá", "ratings"),
    # ---- admin_devices: the page (console/admin_devices.html)
    "admin.devices.refresh": ("Cập nhật tình trạng", "Refresh the status"),
    "admin.devices.col_printer_status": ("Tình trạng máy in", "Printer status"),
    "admin.devices.hint": (
        "Mỗi thiết bị có một mã riêng. Mã chỉ hiện một lần khi đăng ký hoặc khi cấp mã mới; cấp mã"
        " mới thì mã cũ hết hiệu lực ngay.",
        "Each device has its own token. It is shown only once, at registration or when a new one"
        " is issued; a new token ends the old one at once.",
    ),
    "admin.devices.kiosk_note": ("màn hình cảm ứng, máy in vé", "touch screen, ticket printer"),
    "admin.devices.display_note": ("TV gọi số", "the TV that calls the numbers"),
    "admin.devices.rating_note": ("máy tính bảng tại quầy", "a tablet at the counter"),
    "admin.devices.name": ("Tên thiết bị", "Device name"),
    "admin.devices.name_example": ("Ví dụ: Kiosk sảnh chính", "For example: Main hall kiosk"),
    "admin.devices.rating_counter": ("Quầy đặt máy đánh giá", "Counter of the rating tablet"),
    "admin.devices.printer_url": (
        "Địa chỉ máy in (để trống nếu không in vé)",
        "Printer address (empty for no ticket printing)",
    ),
    "admin.devices.url_forms": ("Các dạng địa chỉ máy in", "Printer address forms"),
    "admin.devices.url_tcp": (
        "máy in mạng (cắm dây mạng hoặc Wi-Fi), cổng 9100",
        "a network printer (cable or Wi-Fi), port 9100",
    ),
    "admin.devices.url_usb": (
        "máy in USB cắm vào máy chủ (mã hãng:mã máy, xem bằng",
        "a USB printer plugged into the server (vendor:product, shown by",
    ),
    "admin.devices.url_serial": ("cổng COM (trên Windows:", "a COM port (on Windows:"),
    "admin.devices.url_file": ("tệp thiết bị của máy in", "the printer's device file"),
    "admin.devices.url_cups": ("hàng đợi in CUPS (chế độ raw)", "a CUPS print queue (raw mode)"),
    "admin.devices.url_agent": (
        "máy in cắm vào máy tính của kiosk, do chương trình",
        "a printer plugged into the kiosk's computer, driven by",
    ),
    "admin.devices.url_agent_end": ("trên kiosk điều khiển", "on the kiosk"),
    "admin.devices.url_dummy": ("in thử, không ra giấy", "a test print, no paper"),
    "admin.devices.paper_width": ("Khổ giấy", "Paper width"),
    "admin.devices.paper_80": ("80 mm (phổ biến)", "80 mm (common)"),
    "admin.devices.paper_58": ("58 mm (máy in nhỏ)", "58 mm (small printers)"),
    # ---- admin_users: the page (console/admin_users.html)
    "admin.users.show_locked": ("Hiện cả tài khoản đã khóa", "Show locked accounts too"),
    "admin.users.full_name": ("Họ và tên", "Full name"),
    "admin.users.hint": (
        "Cán bộ: làm việc tại quầy. Quản lý: cấu hình đơn vị của mình. Quản trị viên: mọi đơn vị"
        " và tài khoản.",
        "Officers: work at a counter. Managers: set up their own offices. Administrators: every"
        " office and account.",
    ),
    "admin.users.username_example": ("vd: nguyenvana", "e.g. nguyenvana"),
    "admin.users.password_again": ("Nhập lại mật khẩu", "Password again"),
    "admin.users.password_hint": ("Ít nhất 8 ký tự.", "At least 8 characters."),
    "admin.users.active": ("Tài khoản đang dùng", "Account in use"),
    # ---- booking settings: the page (console/admin_booking.html)
    "admin.booking.title": ("Đặt lịch hẹn", "Appointments"),
    "admin.booking.enabled": (
        "Nhận đặt lịch hẹn trên trang công khai",
        "Take appointments on the public page",
    ),
    "admin.booking.slots": ("Khung giờ", "Time slots"),
    "admin.booking.slot_minutes": ("Độ dài một khung giờ (phút)", "Length of a slot (min)"),
    "admin.booking.days_ahead": ("Đặt trước tối đa (ngày)", "Booked at most (days) ahead"),
    "admin.booking.min_notice": ("Đặt trước ít nhất (phút)", "Booked at least (min) ahead"),
    "admin.booking.capacity": ("Số chỗ mỗi khung giờ theo lĩnh vực", "Places per slot, by field"),
    "admin.booking.capacity_hint": (
        "0: lĩnh vực không nhận đặt lịch. Khung giờ lấy theo giờ làm việc của đơn vị (đơn vị không"
        " đặt giờ làm việc: thứ Hai–thứ Sáu, 7:30–11:30 và 13:30–17:00).",
        "0: the field takes no appointments. The slots follow the office's opening hours (an"
        " office without them: Monday–Friday, 7:30–11:30 and 13:30–17:00).",
    ),
    "admin.booking.places": ("Số chỗ", "Places"),
    "admin.booking.hoarding": ("Chống giữ chỗ", "Against hoarding places"),
    "admin.booking.per_phone_per_day": (
        "Lịch hẹn mỗi số điện thoại trong một ngày",
        "Appointments per phone number a day",
    ),
    "admin.booking.per_phone_open": (
        "Lịch hẹn sắp tới một số điện thoại được giữ",
        "Upcoming appointments a phone number may hold",
    ),
    "admin.booking.network_share": (
        "Phần chỗ một ngày của lĩnh vực một mạng được giữ (%)",
        "Share of a field's day one network may hold (%)",
    ),
    "admin.booking.hoarding_hint": (
        "Lịch đã hủy vẫn tính vào số lịch trong ngày của số điện thoại. Một mạng là các địa chỉ"
        " IPv4 cùng /24 hoặc IPv6 cùng /64 (một tòa nhà, một nhà mạng di động có thể là một mạng);"
        " luôn được giữ ít nhất 3 chỗ; 100: không giới hạn.",
        "Cancelled appointments still count toward a phone number's day. A network is the IPv4"
        " addresses of one /24 or the IPv6 addresses of one /64 (a building, a mobile operator may"
        " be one network); at least 3 places may always be held; 100: no limit.",
    ),
    "admin.booking.verify_phone": (
        "Xác nhận số điện thoại bằng mã gửi qua tin nhắn trước khi đặt lịch (cần kênh tin nhắn)",
        "Confirm the phone number with a code sent by message before booking (needs a message"
        " channel)",
    ),
    "admin.booking.challenge": (
        "Kiểm tra trình duyệt (chống máy đặt lịch tự động)",
        "Browser check (against automated booking)",
    ),
    "admin.booking.challenge_auto": (
        "Kiểm tra trình duyệt khi có nhiều lượt đặt lịch (mặc định)",
        "Check the browser when many bookings come in (default)",
    ),
    "admin.booking.challenge_always": ("Luôn kiểm tra trình duyệt", "Always check the browser"),
    "admin.booking.challenge_off": ("Không kiểm tra trình duyệt", "Never check the browser"),
    "admin.booking.challenge_after": (
        "“Nhiều lượt”: số lịch đặt trong 10 phút",
        "“Many”: bookings within 10 minutes",
    ),
    "admin.booking.arrival": ("Khi công dân đến", "When the citizen comes"),
    "admin.booking.early_minutes": (
        "Xác nhận sớm nhất trước giờ hẹn (phút)",
        "Check-in at the earliest before the time (min)",
    ),
    "admin.booking.late_minutes": (
        "Vẫn tính đúng giờ khi đến muộn (phút)",
        "Still on time when late by (min)",
    ),
    "admin.booking.queue_offset": (
        "Người có lịch hẹn xếp hàng như đến lúc giờ hẹn cộng (phút)",
        "Booked people queue as if they came at their time plus (min)",
    ),
    "admin.booking.later": ("Đến muộn hơn thế", "Later than that"),
    "admin.booking.late_walk_in": (
        "Đến muộn hơn: cấp số thường, xếp cuối hàng",
        "Later: an ordinary ticket, at the end of the line",
    ),
    "admin.booking.late_refuse": (
        "Đến muộn hơn: không nhận, mời lấy số thường",
        "Later: not taken, asked to take an ordinary ticket",
    ),
    "admin.booking.messages": ("Tin nhắn đến công dân", "Messages to citizens"),
    "admin.booking.messages_hint": (
        "Chỉ gửi cho công dân đồng ý nhận tin. Địa chỉ và khóa của cổng SMS hoặc Zalo ZNS do quản"
        " trị máy chủ đặt (README, mục Tin nhắn); mẫu tin sửa trong tệp cấu hình của đơn vị.",
        "Sent only to citizens who agreed to receive them. The address and key of the SMS or Zalo"
        " ZNS gateway are set by the server's administrator (README, Messages); the message"
        " templates are edited in the office's configuration file.",
    ),
    "admin.booking.channel": ("Kênh gửi", "Channel"),
    "admin.booking.channel_off": ("Không gửi", "Do not send"),
    "admin.booking.when": ("Khi nào gửi", "When to send"),
    "admin.booking.near_ahead": (
        "Báo “sắp đến lượt” khi còn (người)",
        "Say “your turn is near” with (people) ahead",
    ),
    "admin.booking.reminder_day_at": (
        "Nhắc hôm trước lúc (HH:MM)",
        "Remind the day before at (HH:MM)",
    ),
    "admin.booking.reminder_minutes": ("Nhắc trước giờ hẹn (phút)", "Remind before the time (min)"),
    "admin.booking.messages_cap": (
        "Tin nhắn tối đa cho một số điện thoại trong 24 giờ",
        "Messages at most to one phone number in 24 hours",
    ),
    "admin.booking.save": ("Lưu thay đổi", "Save the changes"),
    # ---- the office overview: the page (console/overview.html)
    "admin.overview.view": ("Xem", "Show"),
    "admin.overview.no_office": (
        "Tài khoản của bạn chưa được gắn với đơn vị nào. Hãy liên hệ quản trị viên.",
        "Your account belongs to no office yet. Please ask an administrator.",
    ),
    "admin.overview.health": (
        "Máy chủ đang gặp sự cố — hãy báo cho cán bộ kỹ thuật:",
        "The server has a problem — tell the technical staff:",
    ),
    "admin.overview.summary": ("Tóm tắt", "At a glance"),
    "admin.overview.waiting": ("Đang chờ", "Waiting"),
    "admin.overview.citizens": ("công dân", "citizens"),
    "admin.overview.by_field": ("Theo lĩnh vực", "By field"),
    "admin.overview.eta_col": ("Dự kiến chờ", "Estimated wait"),
    "admin.overview.serving": ("Đang phục vụ", "Serving"),
    "admin.overview.appts": ("Lịch hẹn hôm nay", "Today's appointments"),
    "admin.overview.appts_booked": ("Đã đặt", "Booked"),
    "admin.overview.appts_came": ("Đã đến", "Came"),
    "admin.overview.appts_missed": ("Lỡ hẹn", "Missed"),
    "admin.overview.appts_next": ("Sắp tới", "Next"),
    "admin.overview.appts_none": (
        "Không còn lịch hẹn nào sắp tới hôm nay.",
        "No more appointments to come today.",
    ),
    "admin.overview.device": ("Thiết bị", "Device"),
    "admin.overview.status": ("Tình trạng", "Status"),
    "admin.overview.no_devices": ("Chưa đăng ký thiết bị nào.", "No devices registered yet."),
    "admin.overview.sources": ("Nguồn cấp số hôm nay", "Today's ticket sources"),
    "admin.overview.source": ("Nguồn", "Source"),
    "admin.overview.issued": ("Đã cấp", "Issued"),
    "admin.overview.booking_sources": (
        "Nguồn đặt lịch hẹn sắp tới",
        "Sources of upcoming appointments",
    ),
    "admin.overview.held": ("Lịch đang giữ", "Appointments held"),
    "admin.overview.calls": ("Lượt gọi gần đây", "Recent calls"),
    "admin.overview.no_calls": ("Hôm nay chưa gọi số nào.", "No numbers called today yet."),
    # ---- the reports: the page (console/reports.html)
    "report.page.title": ("Báo cáo thời gian chờ và phục vụ", "Waiting and service report"),
    "report.page.district": ("Theo huyện / khu vực", "By district / area"),
    "report.page.pick": ("— chọn —", "— choose —"),
    "report.page.period": ("Thời gian", "Period"),
    "report.page.presets": ("Chọn nhanh", "Quick choice"),
    "report.page.from": ("Từ ngày", "From"),
    "report.page.to": ("Đến ngày", "To"),
    "report.page.group_by": ("Xem theo", "Show by"),
    "report.page.group_by_label": ("Nhóm theo", "Group by"),
    "report.page.download": ("Tải về", "Download"),
    "report.page.download_colon": ("Tải về:", "Download:"),
    "report.page.figures_xlsx": ("Số liệu XLSX", "Figures XLSX"),
    "report.page.figures_csv": ("Số liệu CSV", "Figures CSV"),
    "report.page.log_xlsx": ("Nhật ký phiếu XLSX", "Ticket log XLSX"),
    "report.page.log_csv": ("Nhật ký phiếu CSV", "Ticket log CSV"),
    "report.page.appointments_xlsx": ("Lịch hẹn XLSX", "Appointments XLSX"),
    "report.page.print": ("In tóm tắt (1 trang)", "Print the summary (1 page)"),
    "report.page.loading": (
        "Đang tải báo cáo theo lựa chọn mới…",
        "Loading the report for the new choice…",
    ),
    "report.page.totals": ("Tổng hợp", "Totals"),
    "report.page.issued": ("Số phiếu đã cấp", "Tickets issued"),
    "report.page.wait_mean": ("Chờ trung bình", "Mean wait"),
    "report.page.service_mean": ("Phục vụ trung bình", "Mean service"),
    "report.page.notes": ("Ghi chú", "Notes"),
    "report.page.approximate": (
        "Kỳ dài hơn ba tháng: trung vị và P90 (dấu ≈) được ước tính từ số liệu tổng hợp theo ngày,"
        " sai lệch không quá một khoảng thời gian nhỏ; các số đếm, trung bình và tỷ lệ là chính"
        " xác.",
        "A period over three months: the median and P90 (marked ≈) are estimated from the daily"
        " totals, off by at most one small interval; the counts, means and shares are exact.",
    ),
    "report.page.appointments": ("Lịch hẹn", "Appointments"),
    "report.page.summary": ("Tóm tắt", "Summary"),
    "report.page.figures": ("Số liệu", "Figures"),
    "report.page.chart_hours": ("Số phiếu theo giờ trong ngày", "Tickets by hour of the day"),
    "report.page.chart_hours_label": ("Số phiếu theo giờ", "Tickets by hour"),
    "report.page.chart_waits_label": ("Thời gian chờ", "Waiting time"),
    "report.page.chart_counters": (
        "Thời gian phục vụ theo quầy (phút)",
        "Service time by counter (min)",
    ),
    "report.page.chart_counters_label": ("Thời gian phục vụ theo quầy", "Service time by counter"),
    "report.page.chart_officers": (
        "Thời gian phục vụ theo cán bộ (phút)",
        "Service time by officer (min)",
    ),
    "report.page.chart_officers_label": (
        "Thời gian phục vụ theo cán bộ",
        "Service time by officer",
    ),
    "report.page.chart_ratings_label": ("Mức độ hài lòng theo thời gian", "Satisfaction over time"),
    "report.page.no_data": ("Không có số liệu.", "No figures."),
    "report.page.no_ratings": ("Chưa có đánh giá nào.", "No ratings yet."),
}
