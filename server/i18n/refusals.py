"""The server's refusals in Vietnamese: one catalogue, English and Vietnamese side by side.

The engine, the schemas and marshmallow word their refusals in English (the REST API's
`message` and `fields`, and what the tests and scripts read). Staff pages show them in
Vietnamese: `vietnamese()` renders a message through this catalogue, and the API adds the
Vietnamese rendering to every error body (`server/api/errors.py`), so no page translates.

Each entry is an English template in `str.format` syntax and its Vietnamese wording.
`english(key, ...)` formats the English, so code that raises can name an entry instead of
spelling the sentence a second time (server/engine/rules/documents.py does); a message raised
elsewhere is recognised by its template. A message no entry matches stays English.
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

# key: (English template, Vietnamese template). `{x!r}` in the English is the repr of a
# string ('A'); the Vietnamese shows the bare value. Order matters: first match wins.
CATALOGUE: dict[str, tuple[str, str]] = {
    # -- marshmallow's own words
    "required": ("Missing data for required field.", "Bắt buộc nhập."),
    "null": ("Field may not be null.", "Bắt buộc nhập."),
    "integer": ("Not a valid integer.", "Phải là số nguyên."),
    "number": ("Not a valid number.", "Phải là một số."),
    "boolean": ("Not a valid boolean.", "Giá trị không hợp lệ."),
    "string": ("Not a valid string.", "Phải là chữ."),
    "list": ("Not a valid list.", "Phải là một danh sách."),
    "mapping": ("Not a valid mapping type.", "Phải là một nhóm giá trị (đối tượng JSON)."),
    "type": ("Invalid type.", "Kiểu dữ liệu không hợp lệ."),
    "input_type": ("Invalid input type.", "Kiểu dữ liệu không hợp lệ."),
    "datetime": ("Not a valid datetime.", "Ngày giờ không hợp lệ."),
    "date": ("Not a valid date.", "Ngày không hợp lệ."),
    "value": ("Invalid value.", "Giá trị không hợp lệ."),
    "unknown_field": ("Unknown field.", "Trường này không được phép."),
    "pattern": ("String does not match expected pattern.", "Không đúng định dạng."),
    "one_of": ("Must be one of: {choices}.", "Giá trị không hợp lệ."),
    "length_between": (
        "Length must be between {min} and {max}.",
        "Độ dài từ {min} đến {max} ký tự.",
    ),
    "length_equal": ("Length must be {equal}.", "Độ dài phải là {equal}."),
    "length_min": ("Shorter than minimum length {min}.", "Cần ít nhất {min} ký tự."),
    "length_max": ("Longer than maximum length {max}.", "Tối đa {max} ký tự."),
    # -- how many items a list holds (server/engine/rules/documents.py `Count`): marshmallow's
    # own Length words are for text, and say characters
    "count_between": ("Give from {min} to {max} items.", "Cần từ {min} đến {max} mục."),
    "count_equal": ("Give exactly {equal} items.", "Cần đúng {equal} mục."),
    "count_min": ("Give at least {min} items.", "Cần ít nhất {min} mục."),
    "count_max": ("Give at most {max} items.", "Tối đa {max} mục."),
    "range": (
        "Must be greater than or equal to {min} and less than or equal to {max}.",
        "Phải từ {min} đến {max}.",
    ),
    "range_min": ("Must be greater than or equal to {min}.", "Phải từ {min} trở lên."),
    "range_max": ("Must be less than or equal to {max}.", "Tối đa là {max}."),
    # -- the configuration rules (server/engine/rules/documents.py)
    "code_hint": (
        "Letters without accents, digits, '-' or '_' (at most 32), starting with a "
        "letter or digit.",
        "Chữ không dấu, chữ số, '-' hoặc '_' (tối đa 32 ký tự), bắt đầu bằng chữ hoặc số.",
    ),
    "zone": (
        "{input!r} is not a time zone of the IANA database (e.g. Asia/Ho_Chi_Minh).",
        "“{input}” không phải múi giờ của cơ sở dữ liệu IANA (ví dụ Asia/Ho_Chi_Minh).",
    ),
    "clock": ("A time like 07:30.", "Giờ không hợp lệ (dạng 07:30)."),
    "day": ("{value!r} is not a date like 2026-09-02.", "Ngày không hợp lệ (dạng 2026-09-02)."),
    "voice": (
        "An eSpeak NG Vietnamese voice, e.g. vi or vi+f3.",
        "Một giọng tiếng Việt của eSpeak NG, ví dụ vi hoặc vi+f3.",
    ),
    "message_braces": (
        "Unbalanced braces: write a placeholder as {{name}}.",
        "Dấu ngoặc nhọn không khớp: viết chỗ điền dạng {{tên}}.",
    ),
    "message_placeholder": (
        "Unknown placeholder {{{name}}}: this message may use {allowed}.",
        "Chỗ điền {{{name}}} không có: tin nhắn này dùng được {allowed}.",
    ),
    "zns_template": (
        "A ZNS template id: letters, digits, '-' or '_'.",
        "Mã mẫu ZNS: chữ, số, '-' hoặc '_'.",
    ),
    "prefix": ("Up to four capital letters without accents.", "Tối đa bốn chữ in hoa không dấu."),
    "levels_twice": ("Two levels have the same key.", "Hai mức đánh giá trùng mã."),
    "reasons_twice": ("Two reasons have the same key.", "Hai lý do trùng mã."),
    "listed_twice": ("Listed twice: {items}.", "Bị liệt kê hai lần: {items}."),
    "summary": ("Some values are wrong: {names}.", "Một số giá trị chưa đúng: {names}."),
    "block": (
        "Field {code!r}: number block {start}–{end} is not valid.",
        "Lĩnh vực “{code}”: khối số {start}–{end} không hợp lệ (số bắt đầu phải nhỏ hơn "
        "hoặc bằng số kết thúc).",
    ),
    "overlap": (
        "Field {code!r} ({prefix}{start}–{prefix}{end}) overlaps field {other!r} "
        "({other_prefix}{other_start}–{other_prefix}{other_end}): two tickets would get "
        "the same number. Give one a prefix or another block.",
        "Lĩnh vực “{code}” ({prefix}{start}–{prefix}{end}) trùng khối số với lĩnh vực "
        "“{other}” ({other_prefix}{other_start}–{other_prefix}{other_end}): hai vé sẽ "
        "cùng một số. Hãy đặt tiền tố hoặc chọn khối số khác.",
    ),
    # -- the engine's administration and the accounts
    "field_exists": ("Field {code!r} exists already.", "Đã có lĩnh vực mã “{code}”."),
    "counter_exists": ("Counter {number} exists already.", "Đã có quầy số {number}."),
    "office_exists": ("Office {code!r} already exists.", "Đã có đơn vị mã “{code}”."),
    "user_exists": ("User {username!r} already exists.", "Đã có tên đăng nhập “{username}”."),
    "unknown_fields": ("Unknown fields: {codes}.", "Không có lĩnh vực: {codes}."),
    "unknown_field_code": ("No field {code!r} here.", "Đơn vị không có lĩnh vực “{code}”."),
    "office_no_field": (
        "Office {office} has no field {code!r}.",
        "Đơn vị {office} không có lĩnh vực “{code}”.",
    ),
    "serves_unknown": (
        "Counter {number} serves unknown field {code!r}.",
        "Quầy {number} phục vụ lĩnh vực không có trong tệp: {code}.",
    ),
    "class_needs_name": ("A new priority class needs a name.", "Đối tượng ưu tiên mới cần có tên."),
    "unknown_class": ("Unknown priority class {code!r}.", "Không có đối tượng ưu tiên “{code}”."),
    "no_office": ("No office with code {code!r}.", "Không có đơn vị mã “{code}”."),
    "mirrored_user": (
        "{username} is an officer of a commune centre, named here in reports only; "
        "manage them at their centre.",
        "{username} là cán bộ của trung tâm cấp xã, ở đây chỉ để hiện tên trong báo cáo; "
        "hãy quản lý tại trung tâm đó.",
    ),
    "template_week": (
        "Office {office} keeps no opening hours (it is open every day): hours for {days} "
        "alone would close it on the other days. Name the whole week in the template, or "
        "give the office its hours first.",
        "Đơn vị {office} chưa đặt giờ làm việc (mở cửa mọi ngày): mẫu chỉ nêu giờ của "
        "{days} sẽ khiến đơn vị đóng cửa các ngày còn lại. Hãy nêu đủ cả tuần trong mẫu, "
        "hoặc đặt giờ làm việc cho đơn vị trước.",
    ),
    "mirrored_office": (
        "Office {office} is run by its commune centre: change it there (the province "
        "keeps a copy).",
        "Đơn vị {office} do trung tâm cấp xã vận hành: hãy thay đổi tại đó (tỉnh chỉ giữ bản sao).",
    ),
    # -- issuing: what a citizen can meet at the kiosk
    "kiosk_only": (
        "{office} issues tickets only at its registered kiosks.",
        "{office} chỉ cấp số tại máy lấy số của đơn vị.",
    ),
    "key_reused": (
        "This Idempotency-Key was used for a different request; send a new key for a new ticket.",
        "Yêu cầu này trùng mã với một yêu cầu khác. Vui lòng lấy số lại từ đầu.",
    ),
    "key_format": (
        "Idempotency-Key must be 8–64 letters, digits, '-' or '_'.",
        "Mã yêu cầu (Idempotency-Key) phải gồm 8–64 chữ, số, “-” hoặc “_”.",
    ),
    "field_paused": (
        "Field {field} is not taking tickets now.",
        "Lĩnh vực {field} hiện tạm ngừng nhận hồ sơ.",
    ),
    "field_not_served": (
        "No counter serves field {field} now; its tickets would never be called.",
        "Lĩnh vực {field} hiện chưa có quầy phục vụ. Vui lòng hỏi cán bộ hướng dẫn.",
    ),
    "numbers_used_up": (
        "Field {field} has used all {capacity} numbers for today.",
        "Lĩnh vực {field} đã cấp hết {capacity} số của hôm nay. Vui lòng quay lại ngày "
        "làm việc tiếp theo hoặc hỏi cán bộ hướng dẫn.",
    ),
    "outside_hours": (
        "{office} is not taking tickets now (opening hours).",
        "{office} hiện ngoài giờ nhận hồ sơ.",
    ),
    "other_kiosk": ("That kiosk belongs to another office.", "Máy lấy số này thuộc đơn vị khác."),
    "channel": ("Unknown channel {channel!r}.", "Kênh lấy số không hợp lệ."),
    "unknown_office": ("Unknown office code.", "Mã đơn vị không tồn tại."),
    "must_belong": (
        "Officers and managers must belong to at least one office.",
        "Cán bộ và quản lý phải thuộc ít nhất một đơn vị.",
    ),
    "must_belong_one": (
        "Officers and managers must belong to an office.",
        "Cán bộ và quản lý phải thuộc ít nhất một đơn vị.",
    ),
    "role": ("Role must be one of {roles}.", "Vai trò phải là một trong: {roles}."),
    "device_kind": (
        "Device kind must be one of {kinds}.",
        "Loại thiết bị phải là một trong: {kinds}.",
    ),
    "paper": ("Paper must be 58 or 80 (mm).", "Khổ giấy phải là 58 hoặc 80 mm."),
    "no_counter": ("Office {office} has no counter {number}.", "Đơn vị không có quầy số {number}."),
    "two_levels": (
        "A rating scale needs at least two levels.",
        "Thang đánh giá cần ít nhất hai mức.",
    ),
    "time": ("{value!r} is not a time like 07:30.", "Giờ không hợp lệ (dạng 07:30)."),
    "period_order": (
        "A period on {day} ends before it starts.",
        "Giờ kết thúc phải sau giờ bắt đầu.",
    ),
    "yourself": (
        "You cannot deactivate yourself or give up your own role; {rest}",
        "Bạn không thể tự khóa tài khoản của mình hay bỏ vai trò của chính mình.",
    ),
    # -- who may act (server/auth.py)
    "role_may_not": (
        "Your role may not do this.",
        "Tài khoản của bạn không có quyền làm việc này.",
    ),
    "not_this_office": (
        "You do not belong to this office.",
        "Bạn không thuộc đơn vị này.",
    ),
    # -- a manager's own officers (engine/accounts.py)
    "steward_role": (
        "A manager adds and changes officers only; managers and administrators are an "
        "administrator's to make.",
        "Quản lý chỉ thêm và sửa được tài khoản cán bộ; tài khoản quản lý và quản trị viên "
        "do quản trị viên tạo.",
    ),
    "steward_offices": (
        "A manager adds officers only to the offices they manage.",
        "Quản lý chỉ thêm được cán bộ vào đơn vị mình quản lý.",
    ),
    "steward_self": (
        "You cannot change or deactivate your own account here; ask an administrator.",
        "Bạn không thể tự sửa hay khóa tài khoản của mình ở đây; hãy nhờ quản trị viên.",
    ),
    "steward_not_officer": (
        "{username!r} is not an officer: only an administrator may change them.",
        "Tài khoản “{username}” không phải cán bộ: chỉ quản trị viên sửa được.",
    ),
    "steward_not_yours": (
        "{username!r} is not an officer of an office you manage.",
        "Tài khoản “{username}” không phải cán bộ của đơn vị bạn quản lý.",
    ),
    "printer_port": (
        "{url!r}: the port must be a number from 1 to 65535",
        "Địa chỉ máy in không hợp lệ: cổng phải là số từ 1 đến 65535.",
    ),
    "printer_scheme": (
        "{url!r}: unknown printer URL scheme (use one of {known})",
        "Địa chỉ máy in phải bắt đầu bằng một trong: {known}.",
    ),
    # -- the counter console's refusals
    "cannot": (
        "Cannot {action} ticket {code}: it is {status} (allowed from: {allowed}).",
        "Không thể {action} số {code}: số đang ở trạng thái “{status}”.",
    ),
    "counter_not_open": (
        "Counter {number} is paused; open it first.",
        "Quầy {number} đang tạm nghỉ: hãy mở quầy trước.",
    ),
    "counter_closed": (
        "Counter {number} is closed; open it first.",
        "Quầy {number} đang đóng: hãy mở quầy trước.",
    ),
    "has_called": (
        "Counter {number} has called {code}: start, recall or mark no-show first.",
        "Quầy đang gọi số {code}: hãy bắt đầu phục vụ, gọi lại hoặc đánh dấu vắng mặt trước.",
    ),
    "recall_first": (
        "Recall {code} at least {needed} time(s) before marking it no-show.",
        "Cần gọi lại số {code} ít nhất {needed} lần trước khi đánh dấu vắng mặt.",
    ),
    "no_show_too_soon": (
        "{code} was called only a moment ago: wait {seconds} s more before marking it "
        "no-show, so the citizen can reach the counter.",
        "Số {code} vừa được gọi: chờ thêm {seconds} giây để công dân kịp đến quầy rồi mới "
        "đánh dấu vắng mặt.",
    ),
    "still_has": (
        "Counter {number} still has {code}; finish or transfer it.",
        "Quầy còn số {code}: hãy hoàn thành hoặc chuyển số trước khi đóng quầy.",
    ),
    "busy_with": ("Counter {number} is busy with {code}.", "Quầy {number} đang phục vụ số {code}."),
    "transferred": (
        "Ticket {code} was transferred to another counter.",
        "Số {code} đã được chuyển cho quầy khác.",
    ),
    "no_kiosk": (
        "No such kiosk.",
        "Không in lại được: số này không được cấp từ một máy kiosk đang hoạt động.",
    ),
    "no_printer": (
        "Kiosk {name} has no printer.",
        "Không in lại được: máy kiosk đã cấp số này không có máy in.",
    ),
    "dossier": (
        "Dossier code {value!r} is not of the form V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX "
        "(e.g. 000.00.23.H26-250715-0001).",
        "Mã hồ sơ không đúng dạng V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX.",
    ),
    "dossier_or_note": ("Give a dossier code or a note.", "Nhập mã hồ sơ hoặc ghi chú."),
    "transfer_where": (
        "Name a field or a counter to transfer to.",
        "Chọn lĩnh vực hoặc quầy để chuyển đến.",
    ),
    "field_inactive": ("Field {name} is not active.", "Lĩnh vực {name} đang tạm ngừng."),
    "other_day": (
        "Ticket {code} is from {day}; take a new ticket.",
        "Số {code} được cấp ngày {day}: xin lấy số mới.",
    ),
    "ticket_cancelled": ("Ticket {code} is cancelled.", "Số {code} đã bị hủy."),
    # -- the API itself (server/api/errors.py, views)
    "malformed_json": (
        "The request body is not valid JSON.",
        "Dữ liệu gửi lên không phải JSON hợp lệ.",
    ),
    "fields_wrong": ("Some fields are missing or wrong.", "Một số ô còn thiếu hoặc chưa đúng."),
    "too_large": (
        "The request body is larger than {limit} bytes.",
        "Dữ liệu quá lớn (tối đa {limit} byte).",
    ),
    "period_reversed": (
        "The period ends before it starts.",
        "Kỳ báo cáo kết thúc trước khi bắt đầu.",
    ),
    "period_long": (
        "Ask for at most three years at a time.",
        "Mỗi lần chỉ xem được tối đa ba năm.",
    ),
    "office_count": (
        "Name from {min} to {max} offices, or ask for all of them with all=true.",
        "Chọn từ {min} đến {max} đơn vị, hoặc chọn “Tất cả đơn vị”.",
    ),
    "office_or_all": (
        "Name the offices (office=CODE, repeated), or ask for all of them with all=true.",
        "Hãy chọn đơn vị, hoặc chọn “Tất cả đơn vị”.",
    ),
    "office_and_all": (
        "Name offices or ask for all=true, not both.",
        "Chọn một số đơn vị hoặc “Tất cả đơn vị”, không chọn cả hai.",
    ),
    "no_offices": ("There is no office to report on.", "Chưa có đơn vị nào để báo cáo."),
    "not_signed_in": ("Not signed in.", "Chưa đăng nhập."),
    "printer_reason": ("{url!r}: {reason}", "Địa chỉ máy in không hợp lệ: {reason}"),
    # -- one officer, one counter (server/engine/counters.py)
    "holds_counter": (
        "You already hold counter {number}; close it before opening another.",
        "Bạn đang giữ Quầy {number}: hãy đóng quầy đó trước khi mở quầy khác.",
    ),
    "holds_counters": (
        "You already hold {count} counters, the most this office allows ({limit}); close "
        "one before opening another.",
        "Bạn đang giữ {count} quầy, nhiều nhất đơn vị cho phép ({limit}): hãy đóng một quầy "
        "trước khi mở quầy khác.",
    ),
    "transfer_closed": (
        "Counter {number} is closed; transfer to a counter that is open.",
        "Quầy {number} đang đóng: hãy chuyển đến một quầy đang mở.",
    ),
    # -- rate limits (the error_message of each limited route)
    "too_many_tickets": (
        "Too many tickets from here; wait a minute.",
        "Đã lấy quá nhiều số từ máy này. Xin chờ một phút rồi thử lại.",
    ),
    "too_many_bookings": (
        "Too many bookings from here; wait a minute.",
        "Đã đặt quá nhiều lịch từ máy này. Xin chờ một phút rồi thử lại.",
    ),
    "too_many_codes": (
        "Too many codes asked for from here; wait a few minutes.",
        "Đã yêu cầu quá nhiều mã từ máy này. Xin chờ vài phút rồi thử lại.",
    ),
    "too_many_sign_ins": (
        "Too many sign-in attempts from this address; wait a minute.",
        "Đăng nhập sai quá nhiều lần từ địa chỉ này. Xin chờ một phút rồi thử lại.",
    ),
    # -- Socket.IO (server/realtime/limits.py)
    "too_many_sockets": (
        "This address holds {limit} live connections to this server already; close some "
        "and try again.",
        "Địa chỉ này đã giữ {limit} kết nối trực tiếp tới máy chủ; hãy đóng bớt rồi thử lại.",
    ),
    "too_many_events": (
        "Too many messages on this connection (at most {events} in {seconds} s); wait a moment.",
        "Kết nối này gửi quá nhiều tin (tối đa {events} tin trong {seconds} giây); xin chờ "
        "một lát.",
    ),
    # -- the HTTP layer (server/ops/http_handler.py): what gevent refuses before the app
    "unreadable": ("The request could not be read.", "Không đọc được yêu cầu."),
    "too_slow": (
        "The request did not arrive in time.",
        "Yêu cầu gửi đến quá chậm. Xin thử lại.",
    ),
    "address_too_long": ("The address is too long.", "Địa chỉ quá dài."),
    "unreadable_headers": (
        "The request's headers could not be read.",
        "Không đọc được phần đầu của yêu cầu.",
    ),
    "header_name": ("A header name is not valid.", "Tên một trường đầu yêu cầu không hợp lệ."),
    "two_lengths": (
        "The request has more than one Content-Length.",
        "Yêu cầu có nhiều hơn một Content-Length.",
    ),
    "length_digits": (
        "Content-Length must be a number of bytes.",
        "Content-Length phải là số byte.",
    ),
    "length_and_coding": (
        "The request has both Content-Length and Transfer-Encoding.",
        "Yêu cầu có cả Content-Length lẫn Transfer-Encoding.",
    ),
    "coding_version": ("Transfer-Encoding needs HTTP/1.1.", "Transfer-Encoding cần HTTP/1.1."),
    "coding_chunked": (
        "The only transfer coding taken is chunked.",
        "Chỉ nhận Transfer-Encoding: chunked.",
    ),
    "unknown_host": (
        "This server does not answer to the host {host}.",
        "Máy chủ này không phục vụ địa chỉ {host}.",
    ),
    "no_host": ("A Host header is needed.", "Yêu cầu thiếu trường Host."),
    # -- a database that cannot take a request now (server/web/errors.py): a 503, try again
    "database_full": (
        "The database is full; nothing was saved. Try again later.",
        "Cơ sở dữ liệu đã đầy, chưa lưu được gì. Xin thử lại sau.",
    ),
    "database_read_only": (
        "The database cannot be written now; nothing was saved. Try again later.",
        "Cơ sở dữ liệu đang không ghi được, chưa lưu được gì. Xin thử lại sau.",
    ),
    "database_locked": (
        "The database is busy; nothing was saved. Try again in a moment.",
        "Cơ sở dữ liệu đang bận, chưa lưu được gì. Xin thử lại sau giây lát.",
    ),
    "database_busy": (
        "The database is overloaded; nothing was saved. Try again in a moment.",
        "Cơ sở dữ liệu đang quá tải, chưa lưu được gì. Xin thử lại sau giây lát.",
    ),
    "database_io": (
        "The database cannot be read or written now. Try again later.",
        "Không đọc ghi được cơ sở dữ liệu. Xin thử lại sau.",
    ),
    "database_connection": (
        "The connection to the database was lost. Try again in a moment.",
        "Mất kết nối đến cơ sở dữ liệu. Xin thử lại sau giây lát.",
    ),
    # -- appointments (server/engine/appointments.py): citizens read these on the booking
    # page and the kiosk, so they say what to do next
    "phone": (
        "Give a Vietnamese mobile number of 10 digits, like 0912 345 678.",
        "Xin nhập số điện thoại di động 10 chữ số, ví dụ 0912 345 678.",
    ),
    "booking_name": (
        "Give the name the appointment is for.",
        "Xin nhập họ tên người đến làm thủ tục.",
    ),
    "no_bookings": ("{office} does not take bookings.", "{office} chưa nhận đặt lịch hẹn."),
    "booking_at_centre": (
        "{office} takes bookings on its own commune centre's booking page, not here.",
        "{office} nhận đặt lịch hẹn trên trang đặt lịch của chính trung tâm xã, không phải tại "
        "đây.",
    ),
    "no_booking_field": (
        "Office {office} takes no bookings for field {code!r}.",
        "Lĩnh vực này không nhận đặt lịch hẹn.",
    ),
    "no_slot": (
        "{office} has no slot at {time} on {date}.",
        "{office} không có khung giờ {time} ngày {date}. Xin chọn khung giờ khác.",
    ),
    "slot_full": (
        "This slot is fully booked; choose another.",
        "Khung giờ này đã kín chỗ. Xin chọn khung giờ khác.",
    ),
    "book_soon": (
        "Book at least {minutes} minutes ahead.",
        "Xin đặt trước ít nhất {minutes} phút.",
    ),
    "book_far": ("Book at most {days} days ahead.", "Chỉ đặt trước được tối đa {days} ngày."),
    "phone_day": (
        "This phone number already has {count} booking(s) on {date} (cancelled ones count).",
        "Số điện thoại này đã có {count} lịch hẹn ngày {date} (kể cả lịch đã hủy).",
    ),
    "network_share": (
        "Bookings from your network already hold {count} places of this field on {date}; "
        "the rest are kept for others. Choose another day.",
        "Các lịch hẹn đặt từ mạng của Ông/Bà đã giữ {count} chỗ của lĩnh vực này ngày {date}; "
        "số chỗ còn lại dành cho người khác. Xin chọn ngày khác.",
    ),
    "no_phone_codes": (
        "{office} does not send codes to phones.",
        "{office} không gửi mã xác nhận qua tin nhắn.",
    ),
    "phone_codes_phone": (
        "This phone number was sent {count} codes in the last hour; wait before asking again.",
        "Số điện thoại này đã được gửi {count} mã trong một giờ qua. Xin chờ rồi thử lại.",
    ),
    "phone_codes_here": (
        "Too many codes were asked for from here; wait before asking again.",
        "Đã yêu cầu quá nhiều mã từ địa chỉ này. Xin chờ rồi thử lại.",
    ),
    "phone_messages_day": (
        "This phone number has had its messages for today; book at the office or try tomorrow.",
        "Số điện thoại này đã nhận đủ số tin nhắn trong ngày. Xin đặt lịch tại đơn vị hoặc "
        "thử lại vào ngày mai.",
    ),
    "phone_code_needed": (
        "Type the code sent to your phone.",
        "Xin nhập mã xác nhận đã gửi tới số điện thoại.",
    ),
    "phone_code_expired": (
        "No valid code for this phone number; ask for a new one.",
        "Mã xác nhận không còn hiệu lực. Xin yêu cầu mã mới.",
    ),
    "phone_code_wrong": (
        "The code is not right ({left} tries left).",
        "Mã xác nhận không đúng (còn {left} lần thử).",
    ),
    "challenge_needed": (
        "Many bookings are coming in: the page must check your browser first; try again.",
        "Đang có nhiều lượt đặt lịch: trang cần kiểm tra trình duyệt trước. Xin thử lại.",
    ),
    "challenge_bad": (
        "The browser check did not pass; try again.",
        "Kiểm tra trình duyệt không đạt. Xin thử lại.",
    ),
    "challenge_expired": (
        "The browser check has expired; try again.",
        "Kiểm tra trình duyệt đã hết hạn. Xin thử lại.",
    ),
    "challenge_used": (
        "This browser check was used already; try again.",
        "Kết quả kiểm tra trình duyệt này đã được dùng. Xin thử lại.",
    ),
    "phone_open": (
        "This phone number already holds {count} upcoming booking(s); cancel one first.",
        "Số điện thoại này đang giữ {count} lịch hẹn sắp tới. Xin hủy một lịch trước khi đặt thêm.",
    ),
    "no_link": ("No appointment with this link.", "Không tìm thấy lịch hẹn theo đường dẫn này."),
    "appointment_state": (
        "Appointment {code} is {status}.",
        "Lịch hẹn {code}: {status}.",
    ),
    "appointment_day": (
        "Appointment {code} is on {date}, not today.",
        "Lịch hẹn {code} là ngày {date}, không phải hôm nay.",
    ),
    "appointment_early": (
        "Appointment {code} opens for check-in at {time}.",
        "Lịch hẹn {code}: xin quay lại xác nhận từ {time}.",
    ),
    "appointment_late": (
        "Appointment {code} was at {time}; please take an ordinary ticket.",
        "Lịch hẹn {code} lúc {time} đã qua. Xin lấy số thứ tự thông thường.",
    ),
    "appointment_missing": (
        "No appointment found here for this code.",
        "Không tìm thấy lịch hẹn với mã này tại đơn vị.",
    ),
    "appointment_how": (
        "Give the appointment's code, its QR or scan the CCCD.",
        "Xin nhập mã lịch hẹn, quét mã QR hoặc quét CCCD.",
    ),
    "return_dossier": (
        "Attach the dossier code to {code} before setting the return of its result.",
        "Hãy gắn mã hồ sơ cho số {code} trước khi hẹn trả kết quả.",
    ),
    "return_future": ("The return must be set in the future.", "Ngày giờ hẹn phải ở tương lai."),
    "closed_at": (
        "{office} is closed at {time} on {date}.",
        "{office} không làm việc lúc {time} ngày {date}.",
    ),
    "return_only": (
        "Only a return of results can have its result ready.",
        "Chỉ lịch hẹn trả kết quả mới báo có kết quả.",
    ),
    "no_appointment": (
        "Appointment {id} does not exist here.",
        "Không có lịch hẹn này tại đơn vị.",
    ),
    # -- the input guard (server/web/input_guard.py)
    "many_digits": (
        "A number has more than {digits} digits.",
        "Một số có quá {digits} chữ số.",
    ),
    "json_constant": ("{name} is not a JSON number.", "{name} không phải số JSON."),
    "number_too_large": ("A number is too large.", "Một số quá lớn."),
    "bad_text": (
        "Text may not contain NUL characters or unpaired surrogates.",
        "Chữ không được chứa ký tự NUL hoặc ký tự thay thế lẻ.",
    ),
    "url_too_long": (
        "The address is longer than {limit} characters.",
        "Địa chỉ dài quá {limit} ký tự.",
    ),
    "json_too_deep": (
        "The JSON is nested deeper than {depth} levels.",
        "Dữ liệu JSON lồng nhau quá {depth} tầng.",
    ),
    # -- HTTP refusals worded by werkzeug (server/api/errors.py renders them too)
    **{
        f"http_{error.code}": (str(error.description), vietnamese_text)
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
        "Send the centre's token: 'Authorization: Bearer luotc_…'.",
        "Hãy gửi mã truy cập của trung tâm: 'Authorization: Bearer luotc_…'.",
    ),
    "not_gzip": ("The body is not valid gzip.", "Dữ liệu gửi lên không phải gzip hợp lệ."),
    "unzipped_too_large": (
        "The unzipped body is larger than {limit} bytes.",
        "Dữ liệu sau khi giải nén quá lớn (tối đa {limit} byte).",
    ),
    "values_wrong": ("Some values are wrong.", "Một số giá trị chưa đúng."),
    "not_joined": (
        "This box has not joined a province.",
        "Máy chủ này chưa tham gia hệ thống của tỉnh.",
    ),
    "join_code": (
        "This join code is unknown, used or expired; ask the province for a new one.",
        "Mã tham gia không đúng, đã dùng hoặc đã hết hạn; hãy xin tỉnh một mã mới.",
    ),
    "join_codes_taken": (
        "Office code {codes} is already used at the province (by another centre or an office "
        "this server runs); give the centre's office another code, then join again with the "
        "same join code.",
        "Mã đơn vị {codes} đã được dùng tại tỉnh (bởi trung tâm khác hoặc đơn vị của máy chủ "
        "tỉnh); hãy đặt mã khác cho đơn vị của trung tâm rồi tham gia lại với cùng mã tham gia.",
    ),
    "centre_revoked": (
        "This centre's token was revoked.",
        "Mã truy cập của trung tâm này đã bị thu hồi.",
    ),
    "no_such_centre": ("No such centre.", "Không có trung tâm này."),
    "no_centre": ("No centre {code!r}.", "Không có trung tâm “{code}”."),
    "no_centres": ("No centre {codes}.", "Không có trung tâm: {codes}."),
    "template_empty": (
        "A template sets fields, priority classes or settings.",
        "Mẫu cấu hình phải nêu lĩnh vực, đối tượng ưu tiên hoặc cài đặt.",
    ),
    "no_template": ("No template {name!r}.", "Không có mẫu cấu hình “{name}”."),
    "no_centre_template": (
        "The province has no template for this centre.",
        "Tỉnh chưa có mẫu cấu hình cho trung tâm này.",
    ),
    "entries_follow": (
        "Entries must follow on from {held}: this push starts at {start}.",
        "Các mục nhật ký phải nối tiếp sau mục {held}: lần gửi này bắt đầu từ mục {start}.",
    ),
    "entry_missing": (
        "Entry {seq} is missing from this push.",
        "Lần gửi này thiếu mục nhật ký {seq}.",
    ),
    "epoch_first": (
        "The push names a new epoch without its first entry.",
        "Lần gửi nêu một kỳ nhật ký mới mà không có mục đầu tiên của kỳ.",
    ),
    "epoch_start": (
        "A new epoch of this centre's journal starts at {start}: send from there.",
        "Kỳ nhật ký mới của trung tâm bắt đầu từ mục {start}: hãy gửi từ mục đó.",
    ),
    "epoch_ids": (
        "The epoch's highest ids are not an object.",
        "Các mã lớn nhất của kỳ nhật ký không phải một đối tượng JSON.",
    ),
    "diverged": (
        "The centre's journal differs from what the province holds ({why}): it was "
        "restored from a backup, and must send its state again.",
        "Nhật ký của trung tâm khác với bản tỉnh đang giữ ({why}): trung tâm đã được khôi "
        "phục từ bản sao lưu và phải gửi lại toàn bộ dữ liệu.",
    ),
    "diverged_head": (
        "this server holds {held} entries of this centre, the centre says it wrote {head}",
        "máy chủ tỉnh giữ {held} mục của trung tâm, trung tâm nói mới ghi {head} mục",
    ),
    "diverged_entry": (
        "entry {held} of this centre is not the one this server holds",
        "mục {held} của trung tâm không phải mục máy chủ tỉnh đang giữ",
    ),
    "send_from": (
        "This server holds this centre's entries up to {held}: send from {next}.",
        "Máy chủ tỉnh đã giữ các mục của trung tâm đến mục {held}: hãy gửi từ mục {next}.",
    ),
    # A refused row of a push: the entries, the row (kind, the centre's id, its code), the
    # value at fault and why; the why is itself an entry of this catalogue.
    "push_row_coded": (
        "Entries {first}–{last}: {kind} {id} (code {code}), {field}: {problem}",
        "Các mục nhật ký {first}–{last}: {kind} {id} (mã {code}), {field}: {problem}",
    ),
    "push_row": (
        "Entries {first}–{last}: {kind} {id}, {field}: {problem}",
        "Các mục nhật ký {first}–{last}: {kind} {id}, {field}: {problem}",
    ),
    "push_row_whole": (
        "Entries {first}–{last}: {kind} {id}: {problem}",
        "Các mục nhật ký {first}–{last}: {kind} {id}: {problem}",
    ),
    "push_unstorable": (
        "Entries {first}–{last} cannot be stored here: {error}",
        "Các mục nhật ký {first}–{last} không lưu được tại đây: {error}",
    ),
    "push_entries": (
        "Entries {first}–{last}: {reason}",
        "Các mục nhật ký {first}–{last}: {reason}",
    ),
    "row_kind": (
        "A row is not [kind, values] of a known kind.",
        "Một dòng không có dạng [loại, giá trị] của một loại đã biết.",
    ),
    "row_not_object": (
        "A {kind} row is not an object.",
        "Một dòng {kind} không phải đối tượng JSON.",
    ),
    "row_no_id": ("A {kind} row has no id.", "Một dòng {kind} không có mã (id)."),
    "row_columns": ("The row has unknown columns: {names}.", "Dòng có cột không biết: {names}."),
    "row_services": (
        "The counter's services are not a list of ids.",
        "Các lĩnh vực của quầy không phải danh sách mã (id).",
    ),
    "row_time": (
        "The value is not a time with its zone.",
        "Giá trị không phải thời điểm có múi giờ.",
    ),
    "row_integer": (
        "The value is not an integer of this column's size.",
        "Giá trị không phải số nguyên vừa cột này.",
    ),
    "row_text": ("The value is not text.", "Giá trị không phải chữ."),
    "row_long": ("The value is longer than {length}.", "Giá trị dài quá {length} ký tự."),
    "row_type": (
        "The value has a type this server does not take.",
        "Giá trị có kiểu máy chủ này không nhận.",
    ),
    "row_names": (
        "It names {target} {source}, which this server never received.",
        "Dòng chỉ đến {target} {source}, mà máy chủ tỉnh chưa từng nhận.",
    ),
    "row_code_taken": (
        "Office code {code!r} is already used at the province (by another centre or an "
        "office this server runs); give the centre's office another code.",
        "Mã đơn vị “{code}” đã được dùng tại tỉnh (bởi trung tâm khác hoặc đơn vị của máy "
        "chủ tỉnh); hãy đặt mã khác cho đơn vị của trung tâm.",
    ),
    "row_service_missing": (
        "Service {service} was never received.",
        "Lĩnh vực {service} chưa từng được gửi lên.",
    ),
    "row_service_elsewhere": (
        "Service {service} belongs to another office.",
        "Lĩnh vực {service} thuộc đơn vị khác.",
    ),
}


def english(key: str, **values: Any) -> str:
    """The English wording of `key` with `values` filled in (what the engine raises)."""
    return CATALOGUE[key][0].format(**values)


def template(key: str) -> str:
    """The unformatted English, for marshmallow validators that fill it in themselves."""
    return CATALOGUE[key][0]


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
    return tuple((_pattern(en), vi) for en, vi in CATALOGUE.values())


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


def vietnamese(message: str) -> str:
    """`message` (English, from the catalogue) in Vietnamese; unknown words stay as they are."""
    for pattern, wording in _patterns():
        match = pattern.match(message)
        if match:
            values = {
                key: vietnamese(value) if key in NESTED else WORDS.get(key, {}).get(value, value)
                for key, value in match.groupdict().items()
            }
            return wording.format(**values)
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
