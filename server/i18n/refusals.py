"""The server's refusals: one table, Vietnamese and English side by side (the order of
every table in server/i18n/), read through `server.i18n`.

The engine, the schemas and marshmallow word their refusals in English (the REST API's
`message` and `fields`, and what the tests and scripts read). Staff pages show them in
Vietnamese: `vietnamese()` renders a message through this table, and the API adds the
Vietnamese rendering to every error body (`server/api/errors.py`), so no page translates.

Each entry is a Vietnamese wording and an English template in `str.format` syntax.
Code that refuses names an entry: `english(key, **values)` is the English, a `str` that
carries its key and values, so the Vietnamese is found by key. Only words made elsewhere
(marshmallow's own, werkzeug's, a printer URL's, English stored as text) are recognised by
their English template (tests/unit/test_words.py keeps our own raises keyed).
"""

from __future__ import annotations

import re
import string
from functools import cache
from typing import Any

from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
)

# key: (Vietnamese template, English template), the order of every table in server/i18n/.
# `{x!r}` in the English is the repr of a string ('A'); the Vietnamese shows the bare value.
# The Vietnamese may leave out a detail the English gives (tests/unit/test_words.py lists
# which). Order matters for plain English read back: first match wins.
CATALOGUE: dict[str, tuple[str, str]] = {
    # -- marshmallow's own words
    "required": ("Bắt buộc nhập.", "Missing data for required field."),
    "null": ("Bắt buộc nhập.", "Field may not be null."),
    "integer": ("Phải là số nguyên.", "Not a valid integer."),
    "number": ("Phải là một số.", "Not a valid number."),
    "boolean": ("Giá trị không hợp lệ.", "Not a valid boolean."),
    "string": ("Phải là chữ.", "Not a valid string."),
    "list": ("Phải là một danh sách.", "Not a valid list."),
    "mapping": ("Phải là một nhóm giá trị (đối tượng JSON).", "Not a valid mapping type."),
    "type": ("Kiểu dữ liệu không hợp lệ.", "Invalid type."),
    "input_type": ("Kiểu dữ liệu không hợp lệ.", "Invalid input type."),
    "datetime": ("Ngày giờ không hợp lệ.", "Not a valid datetime."),
    "date": ("Ngày không hợp lệ.", "Not a valid date."),
    "value": ("Giá trị không hợp lệ.", "Invalid value."),
    "unknown_field": ("Trường này không được phép.", "Unknown field."),
    "pattern": ("Không đúng định dạng.", "String does not match expected pattern."),
    "one_of": ("Giá trị không hợp lệ.", "Must be one of: {choices}."),
    "length_between": (
        "Độ dài từ {min} đến {max} ký tự.",
        "Length must be between {min} and {max}.",
    ),
    "length_equal": ("Độ dài phải là {equal}.", "Length must be {equal}."),
    "length_min": ("Cần ít nhất {min} ký tự.", "Shorter than minimum length {min}."),
    "length_max": ("Tối đa {max} ký tự.", "Longer than maximum length {max}."),
    # -- how many items a list holds (server/engine/rules/documents.py `Count`): marshmallow's
    # own Length words are for text, and say characters
    "count_between": ("Cần từ {min} đến {max} mục.", "Give from {min} to {max} items."),
    "count_equal": ("Cần đúng {equal} mục.", "Give exactly {equal} items."),
    "count_min": ("Cần ít nhất {min} mục.", "Give at least {min} items."),
    "count_max": ("Tối đa {max} mục.", "Give at most {max} items."),
    "range": (
        "Phải từ {min} đến {max}.",
        "Must be greater than or equal to {min} and less than or equal to {max}.",
    ),
    "range_min": ("Phải từ {min} trở lên.", "Must be greater than or equal to {min}."),
    "range_max": ("Tối đa là {max}.", "Must be less than or equal to {max}."),
    # -- the configuration rules (server/engine/rules/documents.py)
    "code_hint": (
        "Chữ không dấu, chữ số, '-' hoặc '_' (tối đa 32 ký tự), bắt đầu bằng chữ hoặc số.",
        "Letters without accents, digits, '-' or '_' (at most 32), starting with a "
        "letter or digit.",
    ),
    "zone": (
        "“{input}” không phải múi giờ của cơ sở dữ liệu IANA (ví dụ Asia/Ho_Chi_Minh).",
        "{input!r} is not a time zone of the IANA database (e.g. Asia/Ho_Chi_Minh).",
    ),
    "clock": ("Giờ không hợp lệ (dạng 07:30).", "A time like 07:30."),
    "day": ("Ngày không hợp lệ (dạng 2026-09-02).", "{value!r} is not a date like 2026-09-02."),
    "voice": (
        "Một giọng tiếng Việt của eSpeak NG, ví dụ vi hoặc vi+f3.",
        "An eSpeak NG Vietnamese voice, e.g. vi or vi+f3.",
    ),
    "message_braces": (
        "Dấu ngoặc nhọn không khớp: viết chỗ điền dạng {{tên}}.",
        "Unbalanced braces: write a placeholder as {{name}}.",
    ),
    "message_placeholder": (
        "Chỗ điền {{{name}}} không có: tin nhắn này dùng được {allowed}.",
        "Unknown placeholder {{{name}}}: this message may use {allowed}.",
    ),
    "zns_template": (
        "Mã mẫu ZNS: chữ, số, '-' hoặc '_'.",
        "A ZNS template id: letters, digits, '-' or '_'.",
    ),
    "prefix": ("Tối đa bốn chữ in hoa không dấu.", "Up to four capital letters without accents."),
    "levels_twice": ("Hai mức đánh giá trùng mã.", "Two levels have the same key."),
    "reasons_twice": ("Hai lý do trùng mã.", "Two reasons have the same key."),
    "listed_twice": ("Bị liệt kê hai lần: {items}.", "Listed twice: {items}."),
    "summary": ("Một số giá trị chưa đúng: {names}.", "Some values are wrong: {names}."),
    "block": (
        "Lĩnh vực “{code}”: khối số {start}–{end} không hợp lệ (số bắt đầu phải nhỏ hơn "
        "hoặc bằng số kết thúc).",
        "Field {code!r}: number block {start}–{end} is not valid.",
    ),
    "overlap": (
        "Lĩnh vực “{code}” ({prefix}{start}–{prefix}{end}) trùng khối số với lĩnh vực "
        "“{other}” ({other_prefix}{other_start}–{other_prefix}{other_end}): hai vé sẽ "
        "cùng một số. Hãy đặt tiền tố hoặc chọn khối số khác.",
        "Field {code!r} ({prefix}{start}–{prefix}{end}) overlaps field {other!r} "
        "({other_prefix}{other_start}–{other_prefix}{other_end}): two tickets would get "
        "the same number. Give one a prefix or another block.",
    ),
    # -- the engine's administration and the accounts
    "field_exists": ("Đã có lĩnh vực mã “{code}”.", "Field {code!r} exists already."),
    "counter_exists": ("Đã có quầy số {number}.", "Counter {number} exists already."),
    "office_exists": ("Đã có đơn vị mã “{code}”.", "Office {code!r} already exists."),
    "user_exists": ("Đã có tên đăng nhập “{username}”.", "User {username!r} already exists."),
    "unknown_fields": ("Không có lĩnh vực: {codes}.", "Unknown fields: {codes}."),
    "unknown_field_code": ("Đơn vị không có lĩnh vực “{code}”.", "No field {code!r} here."),
    "office_no_field": (
        "Đơn vị {office} không có lĩnh vực “{code}”.",
        "Office {office} has no field {code!r}.",
    ),
    "serves_unknown": (
        "Quầy {number} phục vụ lĩnh vực không có trong tệp: {code}.",
        "Counter {number} serves unknown field {code!r}.",
    ),
    "class_needs_name": ("Đối tượng ưu tiên mới cần có tên.", "A new priority class needs a name."),
    "unknown_class": ("Không có đối tượng ưu tiên “{code}”.", "Unknown priority class {code!r}."),
    "no_office": ("Không có đơn vị mã “{code}”.", "No office with code {code!r}."),
    "mirrored_user": (
        "{username} là cán bộ của trung tâm cấp xã, ở đây chỉ để hiện tên trong báo cáo; "
        "hãy quản lý tại trung tâm đó.",
        "{username} is an officer of a commune centre, named here in reports only; "
        "manage them at their centre.",
    ),
    "template_week": (
        "Đơn vị {office} chưa đặt giờ làm việc (mở cửa mọi ngày): mẫu chỉ nêu giờ của "
        "{days} sẽ khiến đơn vị đóng cửa các ngày còn lại. Hãy nêu đủ cả tuần trong mẫu, "
        "hoặc đặt giờ làm việc cho đơn vị trước.",
        "Office {office} keeps no opening hours (it is open every day): hours for {days} "
        "alone would close it on the other days. Name the whole week in the template, or "
        "give the office its hours first.",
    ),
    "mirrored_office": (
        "Đơn vị {office} do trung tâm cấp xã vận hành: hãy thay đổi tại đó (tỉnh chỉ giữ bản sao).",
        "Office {office} is run by its commune centre: change it there (the province "
        "keeps a copy).",
    ),
    # -- issuing: what a citizen can meet at the kiosk
    "kiosk_only": (
        "{office} chỉ cấp số tại máy lấy số của đơn vị.",
        "{office} issues tickets only at its registered kiosks.",
    ),
    "key_reused": (
        "Yêu cầu này trùng mã với một yêu cầu khác. Vui lòng lấy số lại từ đầu.",
        "This Idempotency-Key was used for a different request; send a new key for a new ticket.",
    ),
    "key_format": (
        "Mã yêu cầu (Idempotency-Key) phải gồm 8–64 chữ, số, “-” hoặc “_”.",
        "Idempotency-Key must be 8–64 letters, digits, '-' or '_'.",
    ),
    "field_paused": (
        "Lĩnh vực {field} hiện tạm ngừng nhận hồ sơ.",
        "Field {field} is not taking tickets now.",
    ),
    "field_not_served": (
        "Lĩnh vực {field} hiện chưa có quầy phục vụ. Vui lòng hỏi cán bộ hướng dẫn.",
        "No counter serves field {field} now; its tickets would never be called.",
    ),
    "numbers_used_up": (
        "Lĩnh vực {field} đã cấp hết {capacity} số của hôm nay. Vui lòng quay lại ngày "
        "làm việc tiếp theo hoặc hỏi cán bộ hướng dẫn.",
        "Field {field} has used all {capacity} numbers for today.",
    ),
    "outside_hours": (
        "{office} hiện ngoài giờ nhận hồ sơ.",
        "{office} is not taking tickets now (opening hours).",
    ),
    "other_kiosk": ("Máy lấy số này thuộc đơn vị khác.", "That kiosk belongs to another office."),
    "channel": ("Kênh lấy số không hợp lệ.", "Unknown channel {channel!r}."),
    "unknown_office": ("Mã đơn vị không tồn tại.", "Unknown office code."),
    "must_belong": (
        "Cán bộ và quản lý phải thuộc ít nhất một đơn vị.",
        "Officers and managers must belong to at least one office.",
    ),
    "must_belong_one": (
        "Cán bộ và quản lý phải thuộc ít nhất một đơn vị.",
        "Officers and managers must belong to an office.",
    ),
    "role": ("Vai trò phải là một trong: {roles}.", "Role must be one of {roles}."),
    "device_kind": (
        "Loại thiết bị phải là một trong: {kinds}.",
        "Device kind must be one of {kinds}.",
    ),
    "paper": ("Khổ giấy phải là 58 hoặc 80 mm.", "Paper must be 58 or 80 (mm)."),
    "no_counter": ("Đơn vị không có quầy số {number}.", "Office {office} has no counter {number}."),
    "two_levels": (
        "Thang đánh giá cần ít nhất hai mức.",
        "A rating scale needs at least two levels.",
    ),
    "time": ("Giờ không hợp lệ (dạng 07:30).", "{value!r} is not a time like 07:30."),
    "period_order": (
        "Giờ kết thúc phải sau giờ bắt đầu.",
        "A period on {day} ends before it starts.",
    ),
    "yourself": (
        "Bạn không thể tự khóa tài khoản của mình hay bỏ vai trò của chính mình.",
        "You cannot deactivate yourself or give up your own role; {rest}",
    ),
    # -- a manager's own officers (engine/accounts.py)
    "steward_role": (
        "Quản lý chỉ thêm và sửa được tài khoản cán bộ; tài khoản quản lý và quản trị viên "
        "do quản trị viên tạo.",
        "A manager adds and changes officers only; managers and administrators are an "
        "administrator's to make.",
    ),
    "steward_offices": (
        "Quản lý chỉ thêm được cán bộ vào đơn vị mình quản lý.",
        "A manager adds officers only to the offices they manage.",
    ),
    "steward_self": (
        "Bạn không thể tự sửa hay khóa tài khoản của mình ở đây; hãy nhờ quản trị viên.",
        "You cannot change or deactivate your own account here; ask an administrator.",
    ),
    "steward_not_officer": (
        "Tài khoản “{username}” không phải cán bộ: chỉ quản trị viên sửa được.",
        "{username!r} is not an officer: only an administrator may change them.",
    ),
    "steward_not_yours": (
        "Tài khoản “{username}” không phải cán bộ của đơn vị bạn quản lý.",
        "{username!r} is not an officer of an office you manage.",
    ),
    "printer_port": (
        "Địa chỉ máy in không hợp lệ: cổng phải là số từ 1 đến 65535.",
        "{url!r}: the port must be a number from 1 to 65535",
    ),
    "printer_scheme": (
        "Địa chỉ máy in phải bắt đầu bằng một trong: {known}.",
        "{url!r}: unknown printer URL scheme (use one of {known})",
    ),
    # -- the counter console's refusals
    "cannot": (
        "Không thể {action} số {code}: số đang ở trạng thái “{status}”.",
        "Cannot {action} ticket {code}: it is {status} (allowed from: {allowed}).",
    ),
    "counter_not_open": (
        "Quầy {number} đang tạm nghỉ: hãy mở quầy trước.",
        "Counter {number} is paused; open it first.",
    ),
    "counter_closed": (
        "Quầy {number} đang đóng: hãy mở quầy trước.",
        "Counter {number} is closed; open it first.",
    ),
    "has_called": (
        "Quầy đang gọi số {code}: hãy bắt đầu phục vụ, gọi lại hoặc đánh dấu vắng mặt trước.",
        "Counter {number} has called {code}: start, recall or mark no-show first.",
    ),
    "recall_first": (
        "Cần gọi lại số {code} ít nhất {needed} lần trước khi đánh dấu vắng mặt.",
        "Recall {code} at least {needed} time(s) before marking it no-show.",
    ),
    "no_show_too_soon": (
        "Số {code} vừa được gọi: chờ thêm {seconds} giây để công dân kịp đến quầy rồi mới "
        "đánh dấu vắng mặt.",
        "{code} was called only a moment ago: wait {seconds} s more before marking it "
        "no-show, so the citizen can reach the counter.",
    ),
    "still_has": (
        "Quầy còn số {code}: hãy hoàn thành hoặc chuyển số trước khi đóng quầy.",
        "Counter {number} still has {code}; finish or transfer it.",
    ),
    "busy_with": ("Quầy {number} đang phục vụ số {code}.", "Counter {number} is busy with {code}."),
    "transferred": (
        "Số {code} đã được chuyển cho quầy khác.",
        "Ticket {code} was transferred to another counter.",
    ),
    "no_kiosk": (
        "Không in lại được: số này không được cấp từ một máy kiosk đang hoạt động.",
        "No such kiosk.",
    ),
    "no_printer": (
        "Không in lại được: máy kiosk đã cấp số này không có máy in.",
        "Kiosk {name} has no printer.",
    ),
    "dossier": (
        "Mã hồ sơ không đúng dạng V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX.",
        "Dossier code {value!r} is not of the form V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX "
        "(e.g. 000.00.23.H26-250715-0001).",
    ),
    "dossier_or_note": ("Nhập mã hồ sơ hoặc ghi chú.", "Give a dossier code or a note."),
    "transfer_where": (
        "Chọn lĩnh vực hoặc quầy để chuyển đến.",
        "Name a field or a counter to transfer to.",
    ),
    "field_inactive": ("Lĩnh vực {name} đang tạm ngừng.", "Field {name} is not active."),
    "other_day": (
        "Số {code} được cấp ngày {day}: xin lấy số mới.",
        "Ticket {code} is from {day}; take a new ticket.",
    ),
    "ticket_cancelled": ("Số {code} đã bị hủy.", "Ticket {code} is cancelled."),
    # -- the API itself (server/api/errors.py, views)
    "malformed_json": (
        "Dữ liệu gửi lên không phải JSON hợp lệ.",
        "The request body is not valid JSON.",
    ),
    "fields_wrong": ("Một số ô còn thiếu hoặc chưa đúng.", "Some fields are missing or wrong."),
    "too_large": (
        "Dữ liệu quá lớn (tối đa {limit} byte).",
        "The request body is larger than {limit} bytes.",
    ),
    "period_reversed": (
        "Kỳ báo cáo kết thúc trước khi bắt đầu.",
        "The period ends before it starts.",
    ),
    "period_long": (
        "Mỗi lần chỉ xem được tối đa ba năm.",
        "Ask for at most three years at a time.",
    ),
    "office_count": (
        "Chọn từ {min} đến {max} đơn vị, hoặc chọn “Tất cả đơn vị”.",
        "Name from {min} to {max} offices, or ask for all of them with all=true.",
    ),
    "office_or_all": (
        "Hãy chọn đơn vị, hoặc chọn “Tất cả đơn vị”.",
        "Name the offices (office=CODE, repeated), or ask for all of them with all=true.",
    ),
    "office_and_all": (
        "Chọn một số đơn vị hoặc “Tất cả đơn vị”, không chọn cả hai.",
        "Name offices or ask for all=true, not both.",
    ),
    "no_offices": ("Chưa có đơn vị nào để báo cáo.", "There is no office to report on."),
    "not_signed_in": ("Chưa đăng nhập.", "Not signed in."),
    "printer_reason": ("Địa chỉ máy in không hợp lệ: {reason}", "{url!r}: {reason}"),
    # -- one officer, one counter (server/engine/counters.py)
    "holds_counter": (
        "Bạn đang giữ Quầy {number}: hãy đóng quầy đó trước khi mở quầy khác.",
        "You already hold counter {number}; close it before opening another.",
    ),
    "holds_counters": (
        "Bạn đang giữ {count} quầy, nhiều nhất đơn vị cho phép ({limit}): hãy đóng một quầy "
        "trước khi mở quầy khác.",
        "You already hold {count} counters, the most this office allows ({limit}); close "
        "one before opening another.",
    ),
    "transfer_closed": (
        "Quầy {number} đang đóng: hãy chuyển đến một quầy đang mở.",
        "Counter {number} is closed; transfer to a counter that is open.",
    ),
    # -- rate limits (the error_message of each limited route)
    "too_many_tickets": (
        "Đã lấy quá nhiều số từ máy này. Xin chờ một phút rồi thử lại.",
        "Too many tickets from here; wait a minute.",
    ),
    "too_many_bookings": (
        "Đã đặt quá nhiều lịch từ máy này. Xin chờ một phút rồi thử lại.",
        "Too many bookings from here; wait a minute.",
    ),
    "too_many_codes": (
        "Đã yêu cầu quá nhiều mã từ máy này. Xin chờ vài phút rồi thử lại.",
        "Too many codes asked for from here; wait a few minutes.",
    ),
    "too_many_sign_ins": (
        "Đăng nhập sai quá nhiều lần từ địa chỉ này. Xin chờ một phút rồi thử lại.",
        "Too many sign-in attempts from this address; wait a minute.",
    ),
    # -- Socket.IO (server/realtime/limits.py)
    "too_many_sockets": (
        "Địa chỉ này đã giữ {limit} kết nối trực tiếp tới máy chủ; hãy đóng bớt rồi thử lại.",
        "This address holds {limit} live connections to this server already; close some "
        "and try again.",
    ),
    "too_many_events": (
        "Kết nối này gửi quá nhiều tin (tối đa {events} tin trong {seconds} giây); xin chờ "
        "một lát.",
        "Too many messages on this connection (at most {events} in {seconds} s); wait a moment.",
    ),
    # -- the HTTP layer (server/ops/http_handler.py): what gevent refuses before the app
    "unreadable": ("Không đọc được yêu cầu.", "The request could not be read."),
    "too_slow": (
        "Yêu cầu gửi đến quá chậm. Xin thử lại.",
        "The request did not arrive in time.",
    ),
    "address_too_long": ("Địa chỉ quá dài.", "The address is too long."),
    "unreadable_headers": (
        "Không đọc được phần đầu của yêu cầu.",
        "The request's headers could not be read.",
    ),
    "header_name": ("Tên một trường đầu yêu cầu không hợp lệ.", "A header name is not valid."),
    "two_lengths": (
        "Yêu cầu có nhiều hơn một Content-Length.",
        "The request has more than one Content-Length.",
    ),
    "length_digits": (
        "Content-Length phải là số byte.",
        "Content-Length must be a number of bytes.",
    ),
    "length_and_coding": (
        "Yêu cầu có cả Content-Length lẫn Transfer-Encoding.",
        "The request has both Content-Length and Transfer-Encoding.",
    ),
    "coding_version": ("Transfer-Encoding cần HTTP/1.1.", "Transfer-Encoding needs HTTP/1.1."),
    "coding_chunked": (
        "Chỉ nhận Transfer-Encoding: chunked.",
        "The only transfer coding taken is chunked.",
    ),
    "unknown_host": (
        "Máy chủ này không phục vụ địa chỉ {host}.",
        "This server does not answer to the host {host}.",
    ),
    "no_host": ("Yêu cầu thiếu trường Host.", "A Host header is needed."),
    # -- a database that cannot take a request now (server/web/errors.py): a 503, try again
    "database_full": (
        "Cơ sở dữ liệu đã đầy, chưa lưu được gì. Xin thử lại sau.",
        "The database is full; nothing was saved. Try again later.",
    ),
    "database_read_only": (
        "Cơ sở dữ liệu đang không ghi được, chưa lưu được gì. Xin thử lại sau.",
        "The database cannot be written now; nothing was saved. Try again later.",
    ),
    "database_locked": (
        "Cơ sở dữ liệu đang bận, chưa lưu được gì. Xin thử lại sau giây lát.",
        "The database is busy; nothing was saved. Try again in a moment.",
    ),
    "database_busy": (
        "Cơ sở dữ liệu đang quá tải, chưa lưu được gì. Xin thử lại sau giây lát.",
        "The database is overloaded; nothing was saved. Try again in a moment.",
    ),
    "database_io": (
        "Không đọc ghi được cơ sở dữ liệu. Xin thử lại sau.",
        "The database cannot be read or written now. Try again later.",
    ),
    "database_connection": (
        "Mất kết nối đến cơ sở dữ liệu. Xin thử lại sau giây lát.",
        "The connection to the database was lost. Try again in a moment.",
    ),
    # -- appointments (server/engine/appointments.py): citizens read these on the booking
    # page and the kiosk, so they say what to do next
    "phone": (
        "Xin nhập số điện thoại di động 10 chữ số, ví dụ 0912 345 678.",
        "Give a Vietnamese mobile number of 10 digits, like 0912 345 678.",
    ),
    "booking_name": (
        "Xin nhập họ tên người đến làm thủ tục.",
        "Give the name the appointment is for.",
    ),
    "no_bookings": ("{office} chưa nhận đặt lịch hẹn.", "{office} does not take bookings."),
    "booking_at_centre": (
        "{office} nhận đặt lịch hẹn trên trang đặt lịch của chính trung tâm xã, không phải tại "
        "đây.",
        "{office} takes bookings on its own commune centre's booking page, not here.",
    ),
    "no_booking_field": (
        "Lĩnh vực này không nhận đặt lịch hẹn.",
        "Office {office} takes no bookings for field {code!r}.",
    ),
    "no_slot": (
        "{office} không có khung giờ {time} ngày {date}. Xin chọn khung giờ khác.",
        "{office} has no slot at {time} on {date}.",
    ),
    "slot_full": (
        "Khung giờ này đã kín chỗ. Xin chọn khung giờ khác.",
        "This slot is fully booked; choose another.",
    ),
    "book_soon": (
        "Xin đặt trước ít nhất {minutes} phút.",
        "Book at least {minutes} minutes ahead.",
    ),
    "book_far": ("Chỉ đặt trước được tối đa {days} ngày.", "Book at most {days} days ahead."),
    "phone_day": (
        "Số điện thoại này đã có {count} lịch hẹn ngày {date} (kể cả lịch đã hủy).",
        "This phone number already has {count} booking(s) on {date} (cancelled ones count).",
    ),
    "network_share": (
        "Các lịch hẹn đặt từ mạng của Ông/Bà đã giữ {count} chỗ của lĩnh vực này ngày {date}; "
        "số chỗ còn lại dành cho người khác. Xin chọn ngày khác.",
        "Bookings from your network already hold {count} places of this field on {date}; "
        "the rest are kept for others. Choose another day.",
    ),
    "no_phone_codes": (
        "{office} không gửi mã xác nhận qua tin nhắn.",
        "{office} does not send codes to phones.",
    ),
    "phone_codes_phone": (
        "Số điện thoại này đã được gửi {count} mã trong một giờ qua. Xin chờ rồi thử lại.",
        "This phone number was sent {count} codes in the last hour; wait before asking again.",
    ),
    "phone_codes_here": (
        "Đã yêu cầu quá nhiều mã từ địa chỉ này. Xin chờ rồi thử lại.",
        "Too many codes were asked for from here; wait before asking again.",
    ),
    "phone_messages_day": (
        "Số điện thoại này đã nhận đủ số tin nhắn trong ngày. Xin đặt lịch tại đơn vị hoặc "
        "thử lại vào ngày mai.",
        "This phone number has had its messages for today; book at the office or try tomorrow.",
    ),
    "phone_code_needed": (
        "Xin nhập mã xác nhận đã gửi tới số điện thoại.",
        "Type the code sent to your phone.",
    ),
    "phone_code_expired": (
        "Mã xác nhận không còn hiệu lực. Xin yêu cầu mã mới.",
        "No valid code for this phone number; ask for a new one.",
    ),
    "phone_code_wrong": (
        "Mã xác nhận không đúng (còn {left} lần thử).",
        "The code is not right ({left} tries left).",
    ),
    "challenge_needed": (
        "Đang có nhiều lượt đặt lịch: trang cần kiểm tra trình duyệt trước. Xin thử lại.",
        "Many bookings are coming in: the page must check your browser first; try again.",
    ),
    "challenge_bad": (
        "Kiểm tra trình duyệt không đạt. Xin thử lại.",
        "The browser check did not pass; try again.",
    ),
    "challenge_expired": (
        "Kiểm tra trình duyệt đã hết hạn. Xin thử lại.",
        "The browser check has expired; try again.",
    ),
    "challenge_used": (
        "Kết quả kiểm tra trình duyệt này đã được dùng. Xin thử lại.",
        "This browser check was used already; try again.",
    ),
    "phone_open": (
        "Số điện thoại này đang giữ {count} lịch hẹn sắp tới. Xin hủy một lịch trước khi đặt thêm.",
        "This phone number already holds {count} upcoming booking(s); cancel one first.",
    ),
    "no_link": ("Không tìm thấy lịch hẹn theo đường dẫn này.", "No appointment with this link."),
    "appointment_state": (
        "Lịch hẹn {code}: {status}.",
        "Appointment {code} is {status}.",
    ),
    "appointment_day": (
        "Lịch hẹn {code} là ngày {date}, không phải hôm nay.",
        "Appointment {code} is on {date}, not today.",
    ),
    "appointment_early": (
        "Lịch hẹn {code}: xin quay lại xác nhận từ {time}.",
        "Appointment {code} opens for check-in at {time}.",
    ),
    "appointment_late": (
        "Lịch hẹn {code} lúc {time} đã qua. Xin lấy số thứ tự thông thường.",
        "Appointment {code} was at {time}; please take an ordinary ticket.",
    ),
    "appointment_missing": (
        "Không tìm thấy lịch hẹn với mã này tại đơn vị.",
        "No appointment found here for this code.",
    ),
    "appointment_how": (
        "Xin nhập mã lịch hẹn, quét mã QR hoặc quét CCCD.",
        "Give the appointment's code, its QR or scan the CCCD.",
    ),
    "return_dossier": (
        "Hãy gắn mã hồ sơ cho số {code} trước khi hẹn trả kết quả.",
        "Attach the dossier code to {code} before setting the return of its result.",
    ),
    "return_future": ("Ngày giờ hẹn phải ở tương lai.", "The return must be set in the future."),
    "closed_at": (
        "{office} không làm việc lúc {time} ngày {date}.",
        "{office} is closed at {time} on {date}.",
    ),
    "return_only": (
        "Chỉ lịch hẹn trả kết quả mới báo có kết quả.",
        "Only a return of results can have its result ready.",
    ),
    "no_appointment": (
        "Không có lịch hẹn này tại đơn vị.",
        "Appointment {id} does not exist here.",
    ),
    # -- the input guard (server/web/input_guard.py)
    "many_digits": (
        "Một số có quá {digits} chữ số.",
        "A number has more than {digits} digits.",
    ),
    "json_constant": ("{name} không phải số JSON.", "{name} is not a JSON number."),
    "number_too_large": ("Một số quá lớn.", "A number is too large."),
    "bad_text": (
        "Chữ không được chứa ký tự NUL hoặc ký tự thay thế lẻ.",
        "Text may not contain NUL characters or unpaired surrogates.",
    ),
    "url_too_long": (
        "Địa chỉ dài quá {limit} ký tự.",
        "The address is longer than {limit} characters.",
    ),
    "json_too_deep": (
        "Dữ liệu JSON lồng nhau quá {depth} tầng.",
        "The JSON is nested deeper than {depth} levels.",
    ),
    # -- HTTP refusals worded by werkzeug (server/api/errors.py renders them too)
    **{
        f"http_{error.code}": (vietnamese_text, str(error.description))
        for error, vietnamese_text in (
            (BadRequest, "Máy chủ không hiểu yêu cầu này."),
            (Unauthorized, "Cần đăng nhập hoặc mã truy cập hợp lệ."),
            (Forbidden, "Bạn không có quyền truy cập nội dung này."),
            (NotFound, "Không tìm thấy địa chỉ này trên máy chủ. Xin kiểm tra lại đường dẫn."),
            (MethodNotAllowed, "Địa chỉ này không nhận phương thức (method) đã dùng."),
            (RequestEntityTooLarge, "Dữ liệu gửi lên quá lớn."),
            (UnsupportedMediaType, "Máy chủ không nhận kiểu dữ liệu đã gửi."),
            (TooManyRequests, "Đã gửi quá nhiều yêu cầu. Xin chờ một lát rồi thử lại."),
            (
                InternalServerError,
                "Máy chủ gặp lỗi nội bộ và chưa xử lý được yêu cầu. Xin thử lại sau.",
            ),
            (ServiceUnavailable, "Máy chủ tạm thời không phục vụ được. Xin thử lại sau."),
        )
    },
    # -- a province (server/engine/mirror.py, server/api/province.py)
    "centre_token": (
        "Hãy gửi mã truy cập của trung tâm: 'Authorization: Bearer luotc_…'.",
        "Send the centre's token: 'Authorization: Bearer luotc_…'.",
    ),
    "not_gzip": ("Dữ liệu gửi lên không phải gzip hợp lệ.", "The body is not valid gzip."),
    "unzipped_too_large": (
        "Dữ liệu sau khi giải nén quá lớn (tối đa {limit} byte).",
        "The unzipped body is larger than {limit} bytes.",
    ),
    "values_wrong": ("Một số giá trị chưa đúng.", "Some values are wrong."),
    "not_joined": (
        "Máy chủ này chưa tham gia hệ thống của tỉnh.",
        "This box has not joined a province.",
    ),
    "join_code": (
        "Mã tham gia không đúng, đã dùng hoặc đã hết hạn; hãy xin tỉnh một mã mới.",
        "This join code is unknown, used or expired; ask the province for a new one.",
    ),
    "join_codes_taken": (
        "Mã đơn vị {codes} đã được dùng tại tỉnh (bởi trung tâm khác hoặc đơn vị của máy chủ "
        "tỉnh); hãy đặt mã khác cho đơn vị của trung tâm rồi tham gia lại với cùng mã tham gia.",
        "Office code {codes} is already used at the province (by another centre or an office "
        "this server runs); give the centre's office another code, then join again with the "
        "same join code.",
    ),
    "centre_revoked": (
        "Mã truy cập của trung tâm này đã bị thu hồi.",
        "This centre's token was revoked.",
    ),
    "no_such_centre": ("Không có trung tâm này.", "No such centre."),
    "no_centre": ("Không có trung tâm “{code}”.", "No centre {code!r}."),
    "no_centres": ("Không có trung tâm: {codes}.", "No centre {codes}."),
    "template_empty": (
        "Mẫu cấu hình phải nêu lĩnh vực, đối tượng ưu tiên hoặc cài đặt.",
        "A template sets fields, priority classes or settings.",
    ),
    "no_template": ("Không có mẫu cấu hình “{name}”.", "No template {name!r}."),
    "no_centre_template": (
        "Tỉnh chưa có mẫu cấu hình cho trung tâm này.",
        "The province has no template for this centre.",
    ),
    "entries_follow": (
        "Các mục nhật ký phải nối tiếp sau mục {held}: lần gửi này bắt đầu từ mục {start}.",
        "Entries must follow on from {held}: this push starts at {start}.",
    ),
    "entry_missing": (
        "Lần gửi này thiếu mục nhật ký {seq}.",
        "Entry {seq} is missing from this push.",
    ),
    "epoch_first": (
        "Lần gửi nêu một kỳ nhật ký mới mà không có mục đầu tiên của kỳ.",
        "The push names a new epoch without its first entry.",
    ),
    "epoch_start": (
        "Kỳ nhật ký mới của trung tâm bắt đầu từ mục {start}: hãy gửi từ mục đó.",
        "A new epoch of this centre's journal starts at {start}: send from there.",
    ),
    "epoch_ids": (
        "Các mã lớn nhất của kỳ nhật ký không phải một đối tượng JSON.",
        "The epoch's highest ids are not an object.",
    ),
    "diverged": (
        "Nhật ký của trung tâm khác với bản tỉnh đang giữ ({why}): trung tâm đã được khôi "
        "phục từ bản sao lưu và phải gửi lại toàn bộ dữ liệu.",
        "The centre's journal differs from what the province holds ({why}): it was "
        "restored from a backup, and must send its state again.",
    ),
    "diverged_head": (
        "máy chủ tỉnh giữ {held} mục của trung tâm, trung tâm nói mới ghi {head} mục",
        "this server holds {held} entries of this centre, the centre says it wrote {head}",
    ),
    "diverged_entry": (
        "mục {held} của trung tâm không phải mục máy chủ tỉnh đang giữ",
        "entry {held} of this centre is not the one this server holds",
    ),
    "send_from": (
        "Máy chủ tỉnh đã giữ các mục của trung tâm đến mục {held}: hãy gửi từ mục {next}.",
        "This server holds this centre's entries up to {held}: send from {next}.",
    ),
    # A refused row of a push: the entries, the row (kind, the centre's id, its code), the
    # value at fault and why; the why is itself an entry of this catalogue.
    "push_row_coded": (
        "Các mục nhật ký {first}–{last}: {kind} {id} (mã {code}), {field}: {problem}",
        "Entries {first}–{last}: {kind} {id} (code {code}), {field}: {problem}",
    ),
    "push_row": (
        "Các mục nhật ký {first}–{last}: {kind} {id}, {field}: {problem}",
        "Entries {first}–{last}: {kind} {id}, {field}: {problem}",
    ),
    "push_row_whole": (
        "Các mục nhật ký {first}–{last}: {kind} {id}: {problem}",
        "Entries {first}–{last}: {kind} {id}: {problem}",
    ),
    "push_unstorable": (
        "Các mục nhật ký {first}–{last} không lưu được tại đây: {error}",
        "Entries {first}–{last} cannot be stored here: {error}",
    ),
    "push_entries": (
        "Các mục nhật ký {first}–{last}: {reason}",
        "Entries {first}–{last}: {reason}",
    ),
    "row_kind": (
        "Một dòng không có dạng [loại, giá trị] của một loại đã biết.",
        "A row is not [kind, values] of a known kind.",
    ),
    "row_not_object": (
        "Một dòng {kind} không phải đối tượng JSON.",
        "A {kind} row is not an object.",
    ),
    "row_no_id": ("Một dòng {kind} không có mã (id).", "A {kind} row has no id."),
    "row_columns": ("Dòng có cột không biết: {names}.", "The row has unknown columns: {names}."),
    "row_services": (
        "Các lĩnh vực của quầy không phải danh sách mã (id).",
        "The counter's services are not a list of ids.",
    ),
    "row_time": (
        "Giá trị không phải thời điểm có múi giờ.",
        "The value is not a time with its zone.",
    ),
    "row_integer": (
        "Giá trị không phải số nguyên vừa cột này.",
        "The value is not an integer of this column's size.",
    ),
    "row_text": ("Giá trị không phải chữ.", "The value is not text."),
    "row_long": ("Giá trị dài quá {length} ký tự.", "The value is longer than {length}."),
    "row_type": (
        "Giá trị có kiểu máy chủ này không nhận.",
        "The value has a type this server does not take.",
    ),
    "row_names": (
        "Dòng chỉ đến {target} {source}, mà máy chủ tỉnh chưa từng nhận.",
        "It names {target} {source}, which this server never received.",
    ),
    "row_code_taken": (
        "Mã đơn vị “{code}” đã được dùng tại tỉnh (bởi trung tâm khác hoặc đơn vị của máy "
        "chủ tỉnh); hãy đặt mã khác cho đơn vị của trung tâm.",
        "Office code {code!r} is already used at the province (by another centre or an "
        "office this server runs); give the centre's office another code.",
    ),
    "row_service_missing": (
        "Lĩnh vực {service} chưa từng được gửi lên.",
        "Service {service} was never received.",
    ),
    "row_service_elsewhere": (
        "Lĩnh vực {service} thuộc đơn vị khác.",
        "Service {service} belongs to another office.",
    ),
    # -- lookups, accounts and tokens (server/engine/context.py, accounts.py, server/web/auth.py)
    "does_not_exist": ("Không tìm thấy {label} (mã {id}).", "{label} {id} does not exist."),
    "no_user": ("Không có tên đăng nhập “{username}”.", "No user {username!r}."),
    "other_office": ("Mục này thuộc đơn vị khác.", "That belongs to another office."),
    "password_length": (
        "Mật khẩu dài từ {low} đến {high} ký tự; mật khẩu này có {length} ký tự.",
        "A password has {low} to {high} characters; this one has {length}.",
    ),
    "cannot_change": ("Không thay đổi được: {names}.", "Cannot change {names}."),
    "counter_state": (
        "Trạng thái quầy phải là một trong: {states}.",
        "Counter state must be one of {states}.",
    ),
    "other_document": (
        "Tệp này là cấu hình của đơn vị {code}; hãy đổi mã trong tệp thành {office} để áp dụng "
        "tại đây.",
        "This document is the configuration of office {code}; set its code to {office} to "
        "apply it here.",
    ),
    "print_job_settled": (
        "Lệnh in {id} đã kết thúc ({status}).",
        "Print job {id} is already {status}.",
    ),
    "throttled": (
        "Đăng nhập sai quá nhiều lần; xin thử lại sau {minutes} phút.",
        "Too many failed sign-ins; try again in {minutes} minute(s).",
    ),
    "too_many_tries": ("Thử quá nhiều lần; xin chờ một phút.", "Too many tries; wait a minute."),
    "device_token": (
        "Hãy gửi mã truy cập của chính thiết bị.",
        "Send the device's own token.",
    ),
    "token_unknown": (
        "Mã truy cập không đúng hoặc đã bị thu hồi.",
        "Unknown or revoked token.",
    ),
    "token_other_office": (
        "Mã truy cập này thuộc đơn vị khác.",
        "This token belongs to another office.",
    ),
    "kiosks_only": (
        "Máy chủ này chỉ cấp số cho máy lấy số đã đăng ký.",
        "This server issues tickets only to registered kiosks.",
    ),
    "bearer_token": (
        "Hãy gửi 'Authorization: Bearer TOKEN'.",
        "Send 'Authorization: Bearer TOKEN'.",
    ),
    "bearer_token_cli": (
        "Hãy gửi 'Authorization: Bearer TOKEN' (luot token create).",
        "Send 'Authorization: Bearer TOKEN' (luot token create).",
    ),
    "role_may_not": (
        "Tài khoản của bạn không có quyền làm việc này.",
        "Your role may not do this.",
    ),
    "not_member": ("Bạn không thuộc đơn vị này.", "You do not belong to this office."),
    "csrf": (
        "Phiên làm việc đã cũ. Xin tải lại trang.",
        "Missing or stale CSRF token; reload the page.",
    ),
    "metrics_where": (
        "Số liệu chỉ đọc được trên chính máy chủ, hoặc bằng mã truy cập số liệu.",
        "Metrics are read from the box itself, or with the metrics token.",
    ),
    # -- ratings and a ticket's own page (server/engine/ratings.py, reads.py)
    "no_ticket_code": ("Không có số nào mang mã này.", "No ticket has this code."),
    "no_ticket_today": (
        "Không có số nào mang mã này; có thể số được cấp vào ngày khác.",
        "No ticket has this code; it may be from another day.",
    ),
    "rate_unfinished": (
        "Số {code} đang ở trạng thái “{status}”, chưa hoàn thành.",
        "Ticket {code} is {status}, not finished.",
    ),
    "rated_already": ("Số {code} đã được đánh giá.", "Ticket {code} has been rated already."),
    "rating_level": ("Mức đánh giá phải là một trong: {levels}.", "Level must be one of {levels}."),
    "unknown_reasons": ("Không có lý do: {reasons}.", "Unknown reasons: {reasons}."),
    # -- opening hours (server/engine/rules/hours.py)
    "hours_days": (
        "Giờ làm việc phải gán khung giờ cho một số ngày trong: {days}.",
        "Hours must map some of {days} to periods.",
    ),
    "hours_list": (
        "Giờ làm việc ngày {day} phải là danh sách khung giờ.",
        "Hours for {day} must be a list of periods.",
    ),
    "period_pair": (
        "Khung giờ ngày {day} phải có dạng [bắt đầu, kết thúc].",
        "A period on {day} must be [start, end].",
    ),
    # -- joining a province, from the centre's side (server/engine/centre.py)
    "province_holds_other": (
        "Tỉnh đã giữ {received} mục nhật ký từ một máy chủ có mã trung tâm {centre_code}; máy "
        "chủ này không có mục nào trong số đó. Hãy khôi phục máy chủ này từ bản sao lưu, hoặc "
        "đề nghị tỉnh đăng ký nó với mã khác.",
        "The province already holds {received} entries from a box with centre code "
        "{centre_code}; this box has none of them. Restore this box from its backup, or have "
        "the province register it under another code.",
    ),
    "province_other_box": (
        "Tỉnh giữ {received} mục nhật ký của trung tâm {centre_code} nhưng máy chủ này mới ghi "
        "{head}: đây không phải máy chủ tỉnh biết.",
        "The province holds {received} entries from centre {centre_code} but this box wrote "
        "{head}: it is not the box the province knows.",
    ),
    "link_not_held": (
        "Liên kết với tỉnh đang ở trạng thái {state}, không bị giữ sau khi khôi phục.",
        "This box's link is {state}, not held after a restore.",
    ),
    # -- the kiosk and the screens (kiosk/, display/, server/web/citizen_tokens.py)
    "scan_expired": (
        "Kết quả quét CCCD đã hết hạn; xin quét lại.",
        "The ID-card scan has expired; please scan again.",
    ),
    "scan_other_office": (
        "Kết quả quét CCCD này được thực hiện ở đơn vị khác.",
        "That ID-card scan was made at another office.",
    ),
    "scan_payload": (
        'Hãy gửi {{"payload": "<nội dung mã QR>"}}.',
        'Send {{"payload": "<the QR text>"}}.',
    ),
    "scan_agent_only": (
        "Chỉ chương trình kết nối của máy lấy số mới được chuyển kết quả quét đến máy.",
        "Only a kiosk's agent may forward scans to it.",
    ),
    "qr_data": (
        "data phải là địa chỉ http(s) dài tối đa 512 ký tự.",
        "data must be an http(s) URL of at most 512 characters.",
    ),
    "voice_query": (
        "Hãy gửi ?code=TICKET&counter=NUMBER.",
        "Give ?code=TICKET&counter=NUMBER.",
    ),
    "no_office_named": ("Không có đơn vị “{office}”.", "No office {office!r}."),
    "no_voice": ("Máy chủ này chưa cài giọng đọc.", "No voice is installed on this server."),
    # -- live rooms (server/realtime/rooms.py)
    "room_one": (
        'Hãy gửi đúng một trong: {{"office": CODE}}, {{"counter": ID}}, {{"ticket": TOKEN}}.',
        'Send exactly one of {{"office": CODE}}, {{"counter": ID}}, {{"ticket": TOKEN}}.',
    ),
    "room_key": (
        "Phòng được gọi bằng mã (chữ) hoặc số (từ 1 đến {max}).",
        "A room is named by a code or token (text) or an id (1 to {max}).",
    ),
    "room_kind": (
        "Không vào được phòng “{kind}” với “{key}”.",
        "Cannot join {kind!r} with {key!r}.",
    ),
    "room_counter": (
        "Phòng của quầy cần mã truy cập của một cán bộ thuộc đơn vị.",
        "A counter room needs a token of an officer of its office.",
    ),
    "room_staff": (
        "Phòng cán bộ cần mã truy cập của một cán bộ thuộc đơn vị.",
        "The staff room needs a token of an officer of the office.",
    ),
    "room_rating": (
        "Chỉ màn hình đánh giá của quầy hoặc cán bộ của quầy.",
        "Only the counter's rating screen or its staff.",
    ),
    "room_device": (
        "Chỉ chính thiết bị mới được vào phòng của mình.",
        "Only the device itself may join its room.",
    ),
}


class Message(str):
    """A refusal's English wording that remembers its catalogue `key` and `values`, so
    `vietnamese()` renders it by key; everywhere else it is the English text it reads as."""

    key: str
    values: dict[str, Any]

    def __new__(cls, text: str, key: str = "", values: dict[str, Any] | None = None) -> Message:
        message = super().__new__(cls, text)
        message.key = key
        message.values = dict(values or {})
        return message


class Template(Message):
    """A refusal's unformatted English for marshmallow, which fills it in with `format()`:
    what comes out is the keyed `Message`, as `english()` makes it."""

    def format(self, *args: Any, **values: Any) -> Message:  # type: ignore[override]
        return english(self.key, **values)


def english(key: str, /, **values: Any) -> Message:
    """The English wording of `key` with `values` filled in (what the engine raises),
    carrying its key and values."""
    return Message(CATALOGUE[key][1].format(**values), key, values)


def template(key: str) -> Template:
    """The unformatted English, for marshmallow validators that fill it in themselves."""
    return Template(CATALOGUE[key][1], key)


ROW_KINDS = {
    "office": "đơn vị",
    "user": "người dùng",
    "service": "lĩnh vực",
    "priority_class": "đối tượng ưu tiên",
    "counter": "quầy",
    "appointment": "lịch hẹn",
    "ticket": "số",
    "ticket_event": "sự kiện của số",
    "counter_event": "sự kiện của quầy",
    "rating": "đánh giá",
}
# Values that are messages themselves (a refused row's reason): rendered in turn.
NESTED = frozenset({"reason", "problem", "why"})
# Values a Vietnamese wording shows in words rather than as the machine name.
WORDS: dict[str, dict[str, str]] = {
    "action": {
        "call": "gọi",
        "recall": "gọi lại",
        "start": "bắt đầu",
        "finish": "hoàn thành",
        "no-show": "đánh dấu vắng mặt",
        "hold": "tạm dừng",
        "resume": "tiếp tục",
        "transfer": "chuyển",
        "cancel": "hủy",
        "requeue": "xếp lại",
    },
    # The kinds of rows a centre sends its province (server/engine/sync_kinds.py).
    "kind": ROW_KINDS,
    "target": ROW_KINDS,
    # What a lookup did not find (server/engine/context.py `get`).
    "label": {
        "Office": "đơn vị",
        "Counter": "quầy",
        "Ticket": "số",
        "Device": "thiết bị",
        "User": "người dùng",
        "Token": "mã truy cập",
        "Print job": "lệnh in",
    },
    "status": {
        "waiting": "Đang chờ",
        "called": "Đang gọi",
        "serving": "Đang phục vụ",
        "done": "Hoàn thành",
        "no_show": "Vắng mặt",
        "on_hold": "Tạm dừng",
        "cancelled": "Đã hủy",
        "booked": "Đã đặt",
        "checked_in": "Đã đến và lấy số",
    },
}


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((_pattern(en), vi) for vi, en in CATALOGUE.values())


def _pattern(english_template: str) -> re.Pattern[str]:
    """A regular expression that reads `english_template`'s values back out of a message."""
    parts, seen = ["^"], set()
    for literal, name, _spec, conversion in string.Formatter().parse(english_template):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name in seen:
            group = f"(?P={name})"
        else:
            seen.add(name)
            group = f"(?P<{name}>.*?)"
        parts.append(f"'{group}'" if conversion == "r" else group)
    parts.append("$")
    return re.compile("".join(parts), re.DOTALL)


def _has_fields(text: str) -> bool:
    return any(name is not None for _, name, _, _ in string.Formatter().parse(text))


def _rendered(wording: str, values: dict[str, Any]) -> str:
    return wording.format(
        **{
            name: vietnamese(value)
            if name in NESTED and isinstance(value, str)
            else WORDS.get(name, {}).get(value, value)
            if isinstance(value, str)
            else value
            for name, value in values.items()
        }
    )


def vietnamese(message: str) -> str:
    """`message` in Vietnamese: by its key when it carries one (`english()` made it);
    otherwise recognised by its English template, for the words libraries make themselves
    (marshmallow's, werkzeug's, a printer URL's) and for text kept as plain English (a
    province's refusal stored with its centre). A message no entry matches stays English."""
    key = getattr(message, "key", "")
    if key and not (isinstance(message, Template) and _has_fields(CATALOGUE[key][1])):
        return _rendered(CATALOGUE[key][0], message.values)
    for pattern, wording in _patterns():
        match = pattern.match(message)
        if match:
            return _rendered(wording, match.groupdict())
    return message


def vietnamese_fields(messages: Any) -> Any:
    """Per-field problems (nested dicts and lists of messages) with each message rendered."""
    if isinstance(messages, str):
        return vietnamese(messages)
    if isinstance(messages, dict):
        return {key: vietnamese_fields(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [vietnamese_fields(value) for value in messages]
    return messages
