"""The demo office: a commune public administration service centre with six fields."""

from __future__ import annotations

from ..engine import Engine
from ..engine.credentials import device_path

DEMO_ADMIN_PASSWORD = "luot-demo"

DEMO_OFFICE = {
    "code": "XA-MAU",
    "name": "Trung tâm Phục vụ hành chính công xã Mẫu",
    "address": "Thôn Thử Nghiệm, xã Mẫu",
    "timezone": "Asia/Ho_Chi_Minh",
    "settings": {
        # The demo's kiosk page works without a device key; a real office keeps the
        # default ("kiosk": only registered kiosks and staff issue tickets).
        "issuing": "open",
        "notice": "Công dân vui lòng lấy số thứ tự và chờ đến lượt. "
        "Giờ làm việc: sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu.",
        # Booking on /book/XA-MAU: two places per half hour for civil status and land, in
        # the working week (the demo's kiosk itself keeps no hours: it issues at any time).
        "appointments": {"enabled": True, "capacity": {"HT": 2, "DD": 2}},
    },
    "services": [
        {
            "code": "HT",
            "name": "Hộ tịch – Tư pháp",
            "name_en": "Civil status and justice",
            "number_start": 1001,
            "number_end": 1999,
            "digits": 4,
            "target_wait_minutes": 20,
        },
        {
            "code": "DD",
            "name": "Đất đai",
            "name_en": "Land",
            "number_start": 2001,
            "number_end": 2999,
            "digits": 4,
            "target_wait_minutes": 30,
            "default_service_minutes": 10,
        },
        {
            "code": "KD",
            "name": "Đăng ký kinh doanh",
            "name_en": "Business registration",
            "number_start": 3001,
            "number_end": 3999,
            "digits": 4,
            "target_wait_minutes": 20,
        },
        {
            "code": "LD",
            "name": "Lao động – Thương binh và Xã hội",
            "name_en": "Labour and social affairs",
            "number_start": 4001,
            "number_end": 4999,
            "digits": 4,
            "target_wait_minutes": 20,
        },
        {
            "code": "XD",
            "name": "Xây dựng",
            "name_en": "Construction",
            "number_start": 5001,
            "number_end": 5999,
            "digits": 4,
            "target_wait_minutes": 30,
        },
        {
            "code": "TKQ",
            "name": "Trả kết quả",
            "name_en": "Returning results",
            "prefix": "A",
            "number_start": 1,
            "number_end": 999,
            "digits": 3,
            "target_wait_minutes": 10,
            "default_service_minutes": 3,
        },
    ],
    "counters": [
        {"number": 1, "name": "Quầy 1 – Hộ tịch", "services": ["HT"]},
        {"number": 2, "name": "Quầy 2 – Đất đai, Xây dựng", "services": ["DD", "XD"]},
        {"number": 3, "name": "Quầy 3 – Kinh doanh, LĐTBXH", "services": ["KD", "LD"]},
        {"number": 4, "name": "Quầy 4 – Hộ tịch, LĐTBXH", "services": ["HT", "LD"]},
        {"number": 5, "name": "Quầy 5 – Trả kết quả", "services": ["TKQ", "HT"]},
    ],
}


DEMO_USERS = [
    ("admin", "admin", "Quản trị viên"),
    ("quanly", "manager", "Phạm Văn Quản"),
    ("canbo1", "officer", "Trần Thị Lan"),
    ("canbo2", "officer", "Lê Văn Hùng"),
]
DEMO_DEVICES = [
    ("kiosk", "Máy lấy số sảnh chính", None),
    ("display", "Màn hình phòng chờ", None),
    ("rating", "Máy đánh giá quầy 1", 1),
]


def describe_demo() -> str:
    """What `seed_demo` adds, in words for `luot seed-demo --help` (read from the data above,
    so it cannot drift from it)."""
    office = DEMO_OFFICE
    fields = ", ".join(f"{s['code']} {s['name_en']}" for s in office["services"])
    users = ", ".join(f"{username} ({role})" for username, role, _name in DEMO_USERS)
    kinds = {"kiosk": "a kiosk", "display": "a waiting-room display", "rating": "a rating tablet"}
    devices = ", ".join(
        kinds[kind] + (f" at counter {counter}" if counter else "")
        for kind, _name, counter in DEMO_DEVICES
    )
    return (
        f"The office {office['code']} ({office['name']}, {office['timezone']}), open to "
        f"anonymous issuing; its {len(office['services'])} fields ({fields}); "
        f"{len(office['counters'])} counters; the users {users}, every one with the password "
        f"{DEMO_ADMIN_PASSWORD} (change it for real use); and the devices {devices} (the "
        "kiosk prints to dummy:, nowhere). What exists is kept; only what is missing is added."
    )


def seed_demo(engine: Engine) -> bool:
    """Create the demo office, its users and devices unless they exist, through the
    engine's audited verbs; True if the office was created."""
    code = DEMO_OFFICE["code"]
    created = all(office["code"] != code for office in engine.offices())
    if created:
        engine.create_office(DEMO_OFFICE)
    existing = {user["username"] for user in engine.users()}
    for username, role, name in DEMO_USERS:
        if username not in existing:
            engine.create_user(
                {
                    "username": username,
                    "role": role,
                    "full_name": name,
                    "offices": [] if role == "admin" else [code],
                    "password": DEMO_ADMIN_PASSWORD,
                }
            )
    if not engine.devices(code):
        for kind, name, counter in DEMO_DEVICES:
            # The demo kiosk "prints" to nowhere (dummy:); set a real printer in /admin.
            engine.create_device(
                code,
                {
                    "kind": kind,
                    "name": name,
                    "counter_number": counter,
                    "printer_url": "dummy:" if kind == "kiosk" else None,
                },
            )
    return created


def demo_device_urls(engine: Engine, base: str) -> dict[str, str]:
    """Fresh tokens for the demo's devices (old ones revoked), as ready-to-open URLs."""
    urls = {}
    for device in engine.devices(DEMO_OFFICE["code"]):
        path = device_path(device, engine.new_device_token(device["id"]))
        if path:
            urls[device["kind"]] = base + path
    return urls
