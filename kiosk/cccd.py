"""Parse the QR code printed on a Vietnamese chip ID card (CCCD) scanned at the kiosk.

The QR holds ``|``-separated fields: 12-digit ID, old 9-digit CMND ID, full name, date of
birth (``ddmmyyyy``), sex, permanent address and issue date. Newer cards append more fields,
which are ignored.

Privacy (Decree 13/2023): the parsed result never keeps the full ID or the address. The ID
survives only as its last four digits and, when the office supplies a secret salt, as an
HMAC so that repeat visits can be linked without storing the number. Error messages never
echo payload content, so they are safe to log.

Keyboard-mode scanners often mangle Vietnamese diacritics (dropped letters, ``?``,
Telex/VNI/VIQR keystrokes, UTF-8 read as cp1252). The ID and dates are ASCII and survive
that, so the parser keeps them and only withholds the name when it cannot be trusted.
"""

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

__all__ = [
    "CccdError",
    "CccdScan",
    "ErrorCode",
    "display_name",
    "hash_citizen_id",
    "is_elderly",
    "parse_cccd",
]

ErrorCode = Literal["not_text", "empty", "too_few_fields", "bad_id", "bad_date", "implausible_date"]

MIN_FIELDS: Final = 7
MIN_SALT_BYTES: Final = 16
MAX_NAME_CHARS: Final = 100
MAX_AGE_YEARS: Final = 130
# Law on the Elderly 2009: an elderly person is a citizen aged 60 or over.
ELDERLY_AGE: Final = 60

GENERIC_VI: Final = "Không đọc được mã QR trên thẻ CCCD. Vui lòng quét lại."
GENERIC_EN: Final = "Could not read the QR code on the ID card (CCCD). Please scan again."


class CccdError(ValueError):
    """A payload that cannot be a CCCD QR; ``code`` is for machines, messages for the screen."""

    def __init__(self, code: ErrorCode, reason_vi: str, reason_en: str) -> None:
        super().__init__(code, reason_vi, reason_en)
        self.code: ErrorCode = code
        self.reason_vi = reason_vi
        self.reason_en = reason_en

    @property
    def message_vi(self) -> str:
        """Full Vietnamese text for the kiosk screen: what to do, then why."""
        return f"{GENERIC_VI} {self.reason_vi}"

    @property
    def message_en(self) -> str:
        """Full English text for the kiosk screen: what to do, then why."""
        return f"{GENERIC_EN} {self.reason_en}"

    def __str__(self) -> str:
        return f"{self.code}: {self.reason_en}"


@dataclass(frozen=True, slots=True)
class CccdScan:
    """What the kiosk may keep from one scan; deliberately no full ID and no address.

    ``birth_date`` is None only for year-only birth dates (``0000yyyy``), where ``age`` is
    still computed. ``name`` is None whenever ``name_trusted`` is False.
    """

    id_last4: str
    id_hash: str | None
    name: str | None
    name_trusted: bool
    birth_date: date | None
    age: int | None
    sex: str | None
    issue_date: date | None


def _build_vietnamese_letters() -> frozenset[str]:
    """Every letter a Vietnamese name may contain, precomposed (NFC), both cases.

    f, j, w and z are included because ethnic-minority names use them.
    """
    vowels = "aăâeêioôơuưy"
    tones = "\u0300\u0301\u0303\u0309\u0323"
    lower = set("abcdefghijklmnopqrstuvwxyzăâđêôơư")
    lower |= {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones}
    return frozenset(lower | {c.upper() for c in lower})


VIETNAMESE_LETTERS: Final = _build_vietnamese_letters()
# Letters only Vietnamese-capable text can carry: cp1252 best-fit, Telex, VNI, VIQR and
# "drop what you can't type" channels all lose them, so their presence proves the channel.
_VIETNAMESE_ONLY: Final = frozenset(c for c in VIETNAMESE_LETTERS if ord(c) > 0xFF)
_TYPOGRAPHIC: Final = frozenset("‘’“”–—")
_APOSTROPHES: Final = "'’"
# Characters no real name or address contains but mangled keyboard input does.
_MANGLE_MARKS: Final = frozenset("?^~`\ufffd")

_LETTER_CLASS: Final = "".join(sorted(VIETNAMESE_LETTERS))
# A name token: optional one-letter prefix with apostrophe (Ê Đê "H'Hen", Cơ Ho "K'Brêu"),
# then letters with optional inner hyphens.
_TOKEN_RE: Final = re.compile(
    rf"(?:[{_LETTER_CLASS}][{_APOSTROPHES}])?(?:[{_LETTER_CLASS}]+(?:-[{_LETTER_CLASS}]+)*)?"
)
# Telex keystrokes left in an ASCII token: doubled vowels (â ê ô), dd (đ), w (ă ơ ư),
# tone keys f/j/x at the end, s/r after a final consonant.
_TELEX_RE: Final = re.compile(r"aa|ee|oo|dd|[aeiouy]w|w$|[fjx]$|[chmngpt][sr]$")
# Common family and middle names that never appear without diacritics ("Nguyễn", "Trần"):
# seeing them in plain ASCII means the scanner stripped the marks.
_STRIPPED_NAMES: Final = frozenset({"nguyen", "tran", "pham", "hoang", "huynh", "bui", "duong"})
_DATE_RE: Final = re.compile(r"[0-9]{8}")
_ID_RE: Final = re.compile(r"[0-9]{12}")


def hash_citizen_id(id12: str, salt: bytes) -> str:
    """HMAC-SHA256 (hex) of a 12-digit ID keyed by the office's secret salt.

    The ID space is small enough to brute-force, so the salt must stay secret and long;
    shorter salts are refused rather than silently weakening the pseudonym.
    """
    if not _ID_RE.fullmatch(id12):
        raise _bad_id()
    if len(salt) < MIN_SALT_BYTES:
        raise ValueError(f"salt must be at least {MIN_SALT_BYTES} bytes")
    return hmac.new(bytes(salt), id12.encode("ascii"), hashlib.sha256).hexdigest()


def parse_cccd(payload: str | bytes, today: date, salt: bytes | None = None) -> CccdScan:
    """Parse a scanned CCCD QR payload; raise CccdError when it cannot be one.

    ``today`` is the office's local date (ages and future-date checks use it). With ``salt``
    the result carries ``id_hash`` from hash_citizen_id; without it ``id_hash`` is None.
    """
    if isinstance(today, datetime):
        today = today.date()
    text = _repair_mojibake(_to_text(payload))
    fields = [field.strip(" \t\r\n") for field in text.split("|")]
    if len(fields) < MIN_FIELDS:
        raise CccdError(
            "too_few_fields",
            "Mã QR thiếu thông tin (cần ít nhất 7 trường).",
            "The QR code is missing information (at least 7 fields expected).",
        )
    id12, _old_id, raw_name, raw_birth, raw_sex, raw_address, raw_issue = fields[:MIN_FIELDS]
    if not _ID_RE.fullmatch(id12):
        raise _bad_id()
    birth_date, birth_anchor = _parse_birth(raw_birth)
    issue_date = _parse_date(raw_issue, "Ngày cấp", "Issue date")
    _check_dates(birth_anchor, issue_date, today)

    name = re.sub(" {2,}", " ", raw_name)
    sex = _parse_sex(raw_sex)
    trusted = _name_is_trustworthy(name, raw_sex, raw_address)
    return CccdScan(
        id_last4=id12[-4:],
        id_hash=hash_citizen_id(id12, salt) if salt is not None else None,
        name=name if trusted else None,
        name_trusted=trusted,
        birth_date=birth_date,
        age=_age(birth_anchor, today),
        sex=sex,
        issue_date=issue_date,
    )


def is_elderly(scan: CccdScan, threshold: int = ELDERLY_AGE) -> bool:
    """True when the card holder is at least ``threshold`` years old on the scan date.

    Unknown age is not elderly: priority then falls back to staff judgement.
    """
    return scan.age is not None and scan.age >= threshold


def display_name(scan: CccdScan) -> str | None:
    """Name for the greeting, each word capitalised ("NGUYỄN VĂN MẪU" → "Nguyễn Văn Mẫu").

    Returns None for untrusted names so a mangled name is never shown to the citizen.
    Letters after an apostrophe or hyphen are capitalised too ("H'HEN NIÊ" → "H'Hen Niê").
    """
    if not scan.name_trusted or not scan.name:
        return None
    pieces = re.split(r"([ '’-])", scan.name)
    return "".join(p[:1].upper() + p[1:].lower() for p in pieces)


def _bad_id() -> CccdError:
    return CccdError(
        "bad_id",
        "Số CCCD phải gồm đúng 12 chữ số.",
        "The ID number must be exactly 12 digits.",
    )


def _to_text(payload: str | bytes) -> str:
    """Decode and trim the raw scan; keyboard scanners add Enter (CR/LF) at the end."""
    if isinstance(payload, bytes | bytearray):
        try:
            text = bytes(payload).decode("utf-8")
        except UnicodeDecodeError:
            raise CccdError(
                "not_text",
                "Dữ liệu quét được không phải văn bản UTF-8.",
                "The scanned data is not UTF-8 text.",
            ) from None
    elif isinstance(payload, str):
        if any("\ud800" <= ch <= "\udfff" for ch in payload):
            raise CccdError(
                "not_text",
                "Dữ liệu quét được chứa ký tự không hợp lệ.",
                "The scanned data contains invalid characters.",
            )
        text = payload
    else:
        raise TypeError(f"payload must be str or bytes, not {type(payload).__name__}")
    text = unicodedata.normalize("NFC", text.strip().lstrip("\ufeff").strip())
    if not text:
        raise CccdError("empty", "Không nhận được dữ liệu nào.", "No data was received.")
    return text


def _is_clean(text: str) -> bool:
    """True when every character could appear in a correctly decoded payload."""
    return all(ch.isascii() or ch in VIETNAMESE_LETTERS or ch in _TYPOGRAPHIC for ch in text)


def _undo_cp1252(text: str) -> str | None:
    """Reverse UTF-8 bytes that were decoded as cp1252 (or latin-1), if that is what they are.

    Keyboard-wedge scanners sending Alt+0nnn codes produce exactly this (e.g. "Nguyá»…n").
    Bytes cp1252 leaves undefined arrive as C1 controls, hence the latin-1 fallback.
    """
    raw = bytearray()
    for ch in text:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            raw.append(ord(ch))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _repair_mojibake(text: str) -> str:
    """Undo cp1252/latin-1 mojibake, but only when the result is clean Vietnamese text.

    Correct Vietnamese never re-decodes into clean text (its cp1252 bytes are not valid
    UTF-8 or decode to non-Vietnamese letters), so clean input is never altered. Up to three
    rounds are tried for text mangled more than once; a partial repair is never kept.
    """
    candidate = text
    for _ in range(3):
        if _is_clean(candidate):
            break
        repaired = _undo_cp1252(candidate)
        if repaired is None or repaired == candidate:
            break
        candidate = unicodedata.normalize("NFC", repaired)
        if _is_clean(candidate):
            return candidate
    return text


def _parse_date(raw: str, label_vi: str, label_en: str) -> date:
    """Parse ``ddmmyyyy`` strictly; the QR never uses separators."""
    if _DATE_RE.fullmatch(raw):
        try:
            return date(int(raw[4:]), int(raw[2:4]), int(raw[:2]))
        except ValueError:
            pass
    raise CccdError(
        "bad_date",
        f"{label_vi} trên mã QR không hợp lệ.",
        f"{label_en} in the QR code is not a valid date.",
    )


def _parse_birth(raw: str) -> tuple[date | None, date]:
    """Return (birth date or None, date to compute age from).

    Some elderly citizens' records hold only the year of birth (``0000yyyy``). Their age
    is computed from 1 January of that year, the convention Vietnamese social-insurance
    rules use when day and month are unknown; it also errs towards elderly priority.
    """
    if len(raw) == 8 and raw.startswith("0000") and raw[4:].isascii() and raw[4:].isdigit():
        year = int(raw[4:])
        if year >= 1:
            return None, date(year, 1, 1)
    birth = _parse_date(raw, "Ngày sinh", "Date of birth")
    return birth, birth


def _check_dates(birth: date, issue: date, today: date) -> None:
    """Reject impossible date combinations.

    An issue date in the future is accepted: a card collected today can look "tomorrow"
    to a kiosk whose clock or time zone is off, and refusing it would turn the citizen away.
    """
    if birth > today:
        raise CccdError(
            "implausible_date",
            "Ngày sinh trên mã QR nằm sau ngày hôm nay.",
            "The date of birth in the QR code is in the future.",
        )
    if today.year - birth.year > MAX_AGE_YEARS:
        raise CccdError(
            "implausible_date",
            "Năm sinh trên mã QR không hợp lý.",
            "The year of birth in the QR code is implausible.",
        )
    if issue < birth:
        raise CccdError(
            "implausible_date",
            "Ngày cấp trên mã QR nằm trước ngày sinh.",
            "The issue date in the QR code is before the date of birth.",
        )


def _age(birth: date, today: date) -> int:
    """Completed years on ``today``; a 29 February birthday falls on 28 February.

    The 28 February choice follows the Civil Code rule that a period ending in a month
    without the corresponding day ends on that month's last day.
    """
    try:
        birthday = birth.replace(year=today.year)
    except ValueError:
        birthday = date(today.year, 2, 28)
    return today.year - birth.year - (today < birthday)


def _parse_sex(raw: str) -> str | None:
    """Return "Nam" or "Nữ"; anything else (e.g. "N?" from a mangling keyboard) is None."""
    folded = raw.casefold()
    if folded == "nam":
        return "Nam"
    if folded == "nữ":
        return "Nữ"
    return None


def _channel_mangled(text: str) -> bool:
    """True when text shows signs of a scanner that cannot type Vietnamese."""
    for ch in text:
        if ch in _MANGLE_MARKS or unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"}:
            return True
        if not ch.isascii() and ch not in VIETNAMESE_LETTERS and ch not in _TYPOGRAPHIC:
            return True
    return False


def _base_is_vowel(ch: str) -> bool:
    return unicodedata.normalize("NFD", ch)[0].lower() in "aeiouy"


def _plausible_name(name: str) -> bool:
    """Shape check: Vietnamese letters, a vowel per word, no Telex or stripped-mark traces."""
    if not 2 <= len(name) <= MAX_NAME_CHARS:
        return False
    for token in name.split(" "):
        if not token or not _TOKEN_RE.fullmatch(token):
            return False
        if len(token) == 2 and token[1] in _APOSTROPHES:
            continue
        if not any(_base_is_vowel(ch) for ch in token):
            return False
        if token.isascii() and (
            _TELEX_RE.search(token.lower()) or token.lower() in _STRIPPED_NAMES
        ):
            return False
    return True


def _name_is_trustworthy(name: str, raw_sex: str, raw_address: str) -> bool:
    """Trust a name only when it looks right and the scan channel demonstrably kept diacritics.

    Mangling is a property of the scanner/keyboard channel, so it shows across the whole
    payload. A diacritic-free name ("Mai Lan Anh") is genuine only if some field still
    carries letters such as "ễ", "ư" or "Đ" that a mangling channel would have lost;
    otherwise "Nguyen Van Mau" (diacritics stripped) would be greeted as a real name.
    """
    if not _plausible_name(name):
        return False
    fields = (name, raw_sex, raw_address)
    if any(_channel_mangled(field) for field in fields):
        return False
    return any(ch in _VIETNAMESE_ONLY for field in fields for ch in field)
