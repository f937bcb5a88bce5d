"""Unit tests for kiosk.cccd: the CCCD QR parser, name-trust heuristics and privacy rules.

Fixtures use province code 099, which belongs to no province, so no real ID appears here.
"""

import dataclasses
import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

import pytest

from kiosk import cccd
from kiosk.cccd import (
    CccdError,
    CccdScan,
    display_name,
    hash_citizen_id,
    is_elderly,
    parse_cccd,
)

TODAY = date(2025, 6, 1)
SALT = b"office-099-test-salt-0123456789"
OTHER_SALT = b"office-098-test-salt-9876543210"

ID12 = "099090000001"
OLD_ID = "000000000"
NAME = "Nguyễn Văn Mẫu"
ADDRESS = "Thôn Thử Nghiệm, Xã Giả Định, Tỉnh Mẫu"
FIELDS = [ID12, OLD_ID, NAME, "01011990", "Nam", ADDRESS, "15032021"]
PAYLOAD = "|".join(FIELDS)


def make(**overrides: str) -> str:
    """Build a payload from the standard fixture with some fields replaced."""
    keys = ["id", "old_id", "name", "dob", "sex", "address", "issue"]
    values = dict(zip(keys, FIELDS, strict=True)) | overrides
    return "|".join(values[k] for k in keys)


def assert_error(payload: str | bytes, code: str) -> CccdError:
    with pytest.raises(CccdError) as info:
        parse_cccd(payload, TODAY)
    assert info.value.code == code
    return info.value


def assert_survivors(scan: CccdScan) -> None:
    """What must survive any name mangling: ID digits and dates."""
    assert scan.id_last4 == "0001"
    assert scan.birth_date == date(1990, 1, 1)
    assert scan.age == 35
    assert scan.issue_date == date(2021, 3, 15)


# --- keyboard-channel manglers, applied to the whole payload like a real scanner would ---

_TONES = {"\u0301": ("s", "1", "'"), "\u0300": ("f", "2", "`"), "\u0309": ("r", "3", "?")}
_TONES |= {"\u0303": ("x", "4", "~"), "\u0323": ("j", "5", ".")}
_SHAPES = {"\u0302": ("double", "6", "^"), "\u0306": ("w", "8", "("), "\u031b": ("w", "7", "+")}


def _typed(text: str, scheme: int) -> str:
    """Type text as Telex (0), VNI (1) or VIQR (2) keystrokes with no IME to compose them."""
    return "|".join(_typed_field(field, scheme) for field in text.split("|"))


def _typed_field(text: str, scheme: int) -> str:
    words = []
    for word in text.split(" "):
        out, tone = "", ""
        for ch in word:
            base, *marks = unicodedata.normalize("NFD", ch)
            if base in "đĐ":
                out += (base.translate(str.maketrans("đĐ", "dD"))) + ("d", "9", "d")[scheme]
                continue
            out += base
            for mark in marks:
                if mark in _SHAPES:
                    key = _SHAPES[mark][scheme]
                    out += base.lower() if key == "double" else key
                else:
                    tone = _TONES[mark][scheme]
                    if scheme == 2:
                        out, tone = out + tone, ""
        words.append(out + tone)
    return " ".join(words)


def _strip_marks(text: str) -> str:
    text = text.translate(str.maketrans("đĐ", "dD"))
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _cp1252_best_fit(text: str) -> str:
    """Keep what cp1252 can hold, strip marks from the rest (Windows best-fit behaviour)."""
    return "".join(
        c if c.isascii() or c.encode("cp1252", "ignore") else _strip_marks(c) for c in text
    )


def _mojibake(text: str) -> str:
    """UTF-8 bytes typed as Alt+0nnn codes: cp1252, undefined bytes arrive as C1 controls."""
    undefined = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
    return "".join(
        chr(b) if b in undefined else bytes([b]).decode("cp1252") for b in text.encode("utf-8")
    )


MANGLERS: dict[str, Callable[[str], str]] = {
    "telex": lambda t: _typed(t, 0),
    "vni": lambda t: _typed(t, 1),
    "viqr": lambda t: _typed(t, 2),
    "question_marks": lambda t: "".join(c if c.isascii() else "?" for c in t),
    "dropped_letters": lambda t: "".join(c for c in t if c.isascii()),
    "stripped_marks": _strip_marks,
    "cp1252_best_fit": _cp1252_best_fit,
    "lossy_mojibake": lambda t: t.encode("utf-8").decode("cp1252", errors="replace"),
    "replacement_char": lambda t: "".join(c if c.isascii() else "\ufffd" for c in t),
}


def test_manglers_really_mangle() -> None:
    assert _typed("Nguyễn Văn Mẫu", 0) == "Nguyeenx Vawn Maaux"
    assert _typed("Nguyễn Văn Mẫu", 1) == "Nguye6n4 Va8n Ma6u4"
    assert _typed("Nguyễn Văn Mẫu", 2) == "Nguye^~n Va(n Ma^~u"
    assert _mojibake("Nguyễn") == "Nguyá»…n"
    assert _cp1252_best_fit("Trần Thị Hà") == "Tran Thi Hà"


# --- valid payloads ---


def test_valid_payload_all_fields() -> None:
    scan = parse_cccd(PAYLOAD, TODAY)
    assert scan == CccdScan(
        id_last4="0001",
        id_hash=None,
        name=NAME,
        name_trusted=True,
        birth_date=date(1990, 1, 1),
        age=35,
        sex="Nam",
        issue_date=date(2021, 3, 15),
    )
    assert display_name(scan) == NAME


@pytest.mark.parametrize(
    "payload",
    [
        PAYLOAD + "|15032046",
        PAYLOAD + "|15032046|Kinh|Không|Thử Nghiệm",
        PAYLOAD + "|",
        PAYLOAD + "||||",
    ],
    ids=["8_fields", "11_fields", "trailing_separator", "trailing_separators"],
)
def test_extra_fields_ignored(payload: str) -> None:
    assert parse_cccd(payload, TODAY) == parse_cccd(PAYLOAD, TODAY)


@pytest.mark.parametrize(
    "overrides",
    [{"old_id": ""}, {"old_id": "  "}, {"old_id": "099090000001"}, {"old_id": "garbage"}],
    ids=["empty", "blank", "12_digit", "garbage"],
)
def test_old_id_is_optional_and_never_kept(overrides: dict[str, str]) -> None:
    scan = parse_cccd(make(**overrides), TODAY)
    assert scan.name == NAME
    assert scan.id_last4 == "0001"


def test_empty_address_accepted() -> None:
    scan = parse_cccd(make(address=""), TODAY)
    assert scan.name == NAME
    assert scan.name_trusted
    assert_survivors(scan)


def test_female_card_and_leap_day_birth() -> None:
    payload = make(id="099160000002", name="Trần Thị Đào", dob="29021960", sex="Nữ")
    scan = parse_cccd(payload, TODAY)
    assert (scan.name, scan.sex, scan.birth_date) == ("Trần Thị Đào", "Nữ", date(1960, 2, 29))
    assert scan.id_last4 == "0002"


def test_today_may_be_a_datetime() -> None:
    assert parse_cccd(PAYLOAD, datetime(2025, 6, 1, 8, 30)).age == 35


@pytest.mark.parametrize(
    ("raw_sex", "expected"),
    [("Nam", "Nam"), ("NAM", "Nam"), ("nam", "Nam"), ("Nữ", "Nữ"), ("NỮ", "Nữ"), ("", None)],
)
def test_sex_normalised(raw_sex: str, expected: str | None) -> None:
    assert parse_cccd(make(sex=raw_sex), TODAY).sex == expected


@pytest.mark.parametrize("raw_sex", ["N?", "Nu", "Nuwx", "Nu74", "Nữa", "Male"])
def test_unrecognised_sex_is_none_not_an_error(raw_sex: str) -> None:
    scan = parse_cccd(make(sex=raw_sex), TODAY)
    assert scan.sex is None
    assert_survivors(scan)


# --- whitespace, encoding, empties ---


@pytest.mark.parametrize(
    "payload",
    [
        PAYLOAD + "\r\n",
        PAYLOAD + "\n",
        PAYLOAD + "\r",
        "  " + PAYLOAD + "  ",
        "\t" + PAYLOAD + "\r\n\r\n",
        "\r\n" + PAYLOAD,
        "\ufeff" + PAYLOAD,
        (PAYLOAD + "\r\n").encode("utf-8"),
        ("\ufeff" + PAYLOAD).encode("utf-8"),
        bytearray((" " + PAYLOAD + "\n").encode("utf-8")),
    ],
    ids=[
        "crlf",
        "lf",
        "cr",
        "spaces",
        "tab_and_crlfs",
        "leading_crlf",
        "bom",
        "bytes_crlf",
        "bytes_bom",
        "bytearray",
    ],
)
def test_surrounding_whitespace_and_bytes(payload: str | bytes) -> None:
    assert parse_cccd(payload, TODAY) == parse_cccd(PAYLOAD, TODAY)


def test_spaces_around_fields_trimmed() -> None:
    padded = "|".join(f" {field} " for field in FIELDS)
    assert parse_cccd(padded, TODAY) == parse_cccd(PAYLOAD, TODAY)


def test_decomposed_unicode_is_normalised() -> None:
    scan = parse_cccd(unicodedata.normalize("NFD", PAYLOAD), TODAY)
    assert scan.name == NAME
    assert scan.name_trusted


@pytest.mark.parametrize("payload", ["", "   ", "\r\n", "\t\r\n ", b"", b"\r\n", "\ufeff"])
def test_empty_payload(payload: str | bytes) -> None:
    assert_error(payload, "empty")


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff\xfe\x00",
        PAYLOAD.encode("utf-16"),
        make(name="Hà Mai Ánh", address="").encode("cp1252"),
        PAYLOAD.encode("utf-8")[:-40] + b"\xe1\xbb",
        b"099090000001|000000000|Nguy\xe9n",
        "099090000001|\udcff|x".encode("utf-8", "surrogateescape"),
    ],
    ids=["garbage", "utf16", "cp1252", "truncated_sequence", "latin1_byte", "escaped_byte"],
)
def test_non_utf8_bytes(payload: bytes) -> None:
    assert_error(payload, "not_text")


def test_str_with_lone_surrogate_is_not_text() -> None:
    assert_error(make(name="Nguy\udce1n"), "not_text")


def test_wrong_payload_type_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parse_cccd(12345, TODAY)  # type: ignore[arg-type]


# --- structural errors ---


@pytest.mark.parametrize("count", range(1, 7))
def test_too_few_fields(count: int) -> None:
    assert_error("|".join(FIELDS[:count]), "too_few_fields")


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (PAYLOAD.replace("|", "||", 1), "bad_date"),
        (PAYLOAD.replace("Nguyễn Văn", "Nguyễn|Văn"), "bad_date"),
        ("|" + PAYLOAD, "bad_id"),
        (PAYLOAD.replace("|", "", 1), "too_few_fields"),
        (PAYLOAD + PAYLOAD, "bad_date"),
        (PAYLOAD + "\r\n" + PAYLOAD, "bad_date"),
    ],
    ids=[
        "doubled_separator",
        "separator_in_name",
        "leading_separator",
        "missing_separator",
        "two_scans_glued",
        "two_scans_two_lines",
    ],
)
def test_shifted_fields_are_rejected_not_misread(payload: str, code: str) -> None:
    assert_error(payload, code)


@pytest.mark.parametrize(
    "raw_id",
    [
        "",
        "09909000001",
        "0990900000011",
        "099O90000001",
        "099-090-000001",
        "099 090000001",
        "０９９０９００００００１",
        "٠٩٩٠٩٠٠٠٠٠٠١",
        "à&é090000001",
        "+99090000001",
    ],
    ids=[
        "empty",
        "11_digits",
        "13_digits",
        "letter_O",
        "dashes",
        "inner_space",
        "fullwidth",
        "arabic_indic",
        "azerty_layout",
        "plus_sign",
    ],
)
def test_bad_id(raw_id: str) -> None:
    assert_error(make(id=raw_id), "bad_id")


@pytest.mark.parametrize(
    "raw",
    [
        "31022000",
        "00011990",
        "01001990",
        "32011990",
        "01131990",
        "29021991",
        "0101199",
        "010119900",
        "01/01/1990",
        "1990-01-01",
        "",
        "abcdefgh",
        "00000000",
        "0000199O",
    ],
)
@pytest.mark.parametrize("field", ["dob", "issue"])
def test_bad_dates(field: str, raw: str) -> None:
    assert_error(make(**{field: raw}), "bad_date")


@pytest.mark.parametrize(
    "overrides",
    [
        {"dob": "02062025"},
        {"dob": "01012030"},
        {"dob": "01011800"},
        {"dob": "00001850"},
        {"issue": "31121989"},
        {"dob": "16032021"},
        {"dob": "00002022"},
    ],
    ids=[
        "born_tomorrow",
        "born_2030",
        "born_1800",
        "year_only_1850",
        "issued_before_birth",
        "issued_day_before_birth",
        "year_only_after_issue",
    ],
)
def test_implausible_dates(overrides: dict[str, str]) -> None:
    assert_error(make(**overrides), "implausible_date")


@pytest.mark.parametrize(
    "overrides",
    [{"dob": "01062025", "issue": "01062025"}, {"issue": "02062025"}],
    ids=["born_and_issued_today", "issued_tomorrow_clock_skew"],
)
def test_edge_dates_accepted(overrides: dict[str, str]) -> None:
    parse_cccd(make(**overrides), TODAY)


def test_error_carries_code_and_bilingual_messages() -> None:
    err = assert_error(make(id="09909000001"), "bad_id")
    assert isinstance(err, ValueError)
    assert err.message_vi.startswith("Không đọc được mã QR trên thẻ CCCD. Vui lòng quét lại.")
    assert "12 chữ số" in err.message_vi
    assert err.message_en.startswith("Could not read the QR code")
    assert "12 digits" in err.message_en
    assert str(err).startswith("bad_id: ")


@pytest.mark.parametrize(
    "payload",
    [make(id="09909000000X"), make(dob="31021990"), make(issue="01011980"), "|".join(FIELDS[:6])],
)
def test_errors_never_echo_the_payload(payload: str) -> None:
    with pytest.raises(CccdError) as info:
        parse_cccd(payload, TODAY)
    err = info.value
    text = " ".join([str(err), repr(err), err.message_vi, err.message_en, *map(str, err.args)])
    for secret in ("0990900000", "Nguyễn", "Thôn", "1990", "1980"):
        assert secret not in text


# --- age and elderly priority ---


@pytest.mark.parametrize(
    ("dob", "today", "age", "elderly"),
    [
        ("01061965", date(2025, 6, 1), 60, True),
        ("01061965", date(2025, 5, 31), 59, False),
        ("02061965", date(2025, 6, 1), 59, False),
        ("31121964", date(2025, 1, 1), 60, True),
        ("29021960", date(2020, 2, 29), 60, True),
        ("29021960", date(2020, 2, 28), 59, False),
        ("29021964", date(2023, 2, 28), 59, False),
        ("29021964", date(2024, 2, 28), 59, False),
        ("29021964", date(2024, 2, 29), 60, True),
        ("29021964", date(2025, 2, 28), 61, True),
        ("29021964", date(2025, 2, 27), 60, True),
        ("29021964", date(2025, 3, 1), 61, True),
        ("29021964", date(2023, 2, 27), 58, False),
        ("01011990", date(2025, 6, 1), 35, False),
    ],
)
def test_age_and_elderly_on_birthday_edges(dob: str, today: date, age: int, elderly: bool) -> None:
    scan = parse_cccd(make(dob=dob, issue="01012021"), today)
    assert scan.age == age
    assert is_elderly(scan) is elderly


@pytest.mark.parametrize(("threshold", "expected"), [(35, True), (36, False), (0, True)])
def test_elderly_threshold(threshold: int, expected: bool) -> None:
    assert is_elderly(parse_cccd(PAYLOAD, TODAY), threshold) is expected


def test_year_only_birth_date_counts_from_first_of_january() -> None:
    scan = parse_cccd(make(dob="00001965"), date(2025, 1, 1))
    assert scan.birth_date is None
    assert scan.age == 60
    assert is_elderly(scan)


def test_unknown_age_is_not_elderly() -> None:
    scan = dataclasses.replace(parse_cccd(PAYLOAD, TODAY), age=None)
    assert not is_elderly(scan, threshold=0)


# --- name trust: keyboard-layout mangling ---


@pytest.mark.parametrize("mangler", MANGLERS.values(), ids=MANGLERS.keys())
def test_whole_payload_mangled_keeps_survivors_but_not_name(
    mangler: Callable[[str], str],
) -> None:
    scan = parse_cccd(mangler(PAYLOAD), TODAY, salt=SALT)
    assert scan.name is None
    assert scan.name_trusted is False
    assert display_name(scan) is None
    assert scan.sex == "Nam"
    assert scan.id_hash == hash_citizen_id(ID12, SALT)
    assert_survivors(scan)


@pytest.mark.parametrize("mangler", MANGLERS.values(), ids=MANGLERS.keys())
def test_mangled_female_card_keeps_survivors(mangler: Callable[[str], str]) -> None:
    payload = make(name="Trần Thị Đào", sex="Nữ")
    scan = parse_cccd(mangler(payload), TODAY)
    assert scan.name is None
    assert scan.sex is None
    assert_survivors(scan)


@pytest.mark.parametrize(
    "name",
    [
        "Nguyeenx Vawn Maaux",
        "Nguye6n4 Va8n Ma6u4",
        "Nguye^~n Va(n Ma^~u",
        "Nguy?n V?n M?u",
        "Nguyn Vn Mu",
        "Nguyen Van Mau",
        "Tran Thi Hà",
        "Nguyá»…n VÄƒn Máº«u",
        "NguyÃªn VÃ¢n",
        "Nguy\ufffdn V\ufffdn",
        "Nguyễn Văn Mẫu2",
        "Nguyễn Văn, Mẫu",
        "Nguyễn.Văn.Mẫu",
        "Nguyễn\tVăn Mẫu",
        "Nguyễn\x00Văn Mẫu",
        "Nguyễn\u200bVăn Mẫu",
        "Nguyễn\u00a0Văn Mẫu",
        "Nguyễn Văn Mẫu-",
        "Nguyễn 'Văn",
        "Ñguyễn Văn Mẫu",
        "Нгуен Ван",
        "N",
        "",
        "Nguyễn " * 20,
    ],
    ids=[
        "telex",
        "vni",
        "viqr",
        "question_marks",
        "dropped_letters",
        "stripped",
        "best_fit",
        "mojibake_unrepairable_alone",
        "mojibake_latin1_letters",
        "replacement_char",
        "digit",
        "comma",
        "dots",
        "tab",
        "nul",
        "zero_width",
        "nbsp",
        "dangling_hyphen",
        "bad_apostrophe",
        "spanish_letter",
        "cyrillic",
        "one_letter",
        "empty",
        "too_long",
    ],
)
def test_implausible_name_alone(name: str) -> None:
    scan = parse_cccd(make(name=name), TODAY)
    assert scan.name is None
    assert scan.name_trusted is False
    assert_survivors(scan)


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Văn Mẫu",
        "NGUYỄN VĂN MẪU",
        "Lò Văn A",
        "Đặng Thị Ưng",
        "H'Hen Niê",
        "H’Hen Niê",
        "K' Brêu",
        "Ksor H'Mai",
        "Y Moan Ênuôl",
        "Lê Thu-Hà",
        "Mai Lan Anh",
        "Kim Ngoc",
    ],
)
def test_plausible_names_trusted(name: str) -> None:
    scan = parse_cccd(make(name=name), TODAY)
    assert scan.name == name
    assert scan.name_trusted


def test_inner_double_spaces_collapsed() -> None:
    assert parse_cccd(make(name="Nguyễn  Văn   Mẫu"), TODAY).name == NAME


@pytest.mark.parametrize(
    ("sex", "address", "trusted"),
    [
        ("Nam", ADDRESS, True),
        ("Nữ", "", True),
        ("Nam", "", False),
        ("Nam", "Thon Thu Nghiem, Xa Gia Dinh, Tinh Mau", False),
        ("Nam", "Thôn Thu Nghiem, Xã Gia Dinh, Tinh Mau", False),
        ("Nam", "Th?n Th? Nghi?m, X? Gi? ??nh, T?nh M?u", False),
        ("N?", ADDRESS, False),
    ],
    ids=[
        "address_has_marks",
        "sex_has_marks",
        "no_evidence",
        "address_stripped",
        "address_best_fit",
        "address_question_marks",
        "sex_mangled",
    ],
)
def test_ascii_name_needs_evidence_that_diacritics_survived(
    sex: str, address: str, trusted: bool
) -> None:
    scan = parse_cccd(make(name="Mai Lan Anh", sex=sex, address=address), TODAY)
    assert scan.name_trusted is trusted
    assert scan.name == ("Mai Lan Anh" if trusted else None)


def test_good_name_distrusted_when_rest_of_payload_is_mangled() -> None:
    scan = parse_cccd(make(address="Th?n Th? Nghi?m"), TODAY)
    assert scan.name is None
    assert_survivors(scan)


# --- mojibake repair (decision: repair cp1252/latin-1 mojibake of valid UTF-8 and trust it) ---


@pytest.mark.parametrize(
    "mangle",
    [
        _mojibake,
        lambda t: t.encode("utf-8").decode("latin-1"),
        lambda t: _mojibake(_mojibake(t)),
    ],
    ids=["cp1252_alt_codes", "latin1", "double"],
)
def test_exact_mojibake_is_repaired_and_trusted(mangle: Callable[[str], str]) -> None:
    payload = make(name="Đặng Thị Ánh Ưng", sex="Nữ")
    scan = parse_cccd(mangle(payload), TODAY)
    assert scan.name == "Đặng Thị Ánh Ưng"
    assert scan.sex == "Nữ"
    assert scan.name_trusted
    assert_survivors(scan)


def test_mojibake_bytes_are_repaired_too() -> None:
    assert parse_cccd(_mojibake(PAYLOAD).encode("utf-8"), TODAY).name == NAME


_ACCENTED = sorted(c for c in cccd.VIETNAMESE_LETTERS if not c.isascii() and c not in "đĐ")


@pytest.mark.parametrize("start", range(0, len(_ACCENTED), 40))
def test_every_vietnamese_letter_passes_through_unchanged(start: int) -> None:
    """Mojibake repair must never touch correct text, whatever letters it holds."""
    chunk = _ACCENTED[start : start + 40]
    name = " ".join("Đ" + "".join(chunk[i : i + 4]) for i in range(0, len(chunk), 4))
    scan = parse_cccd(make(name=name), TODAY)
    assert scan.name == name
    assert scan.name_trusted


def test_vietnamese_alphabet_is_complete_and_precomposed() -> None:
    letters = cccd.VIETNAMESE_LETTERS
    assert len(letters) == 2 * (26 + 7 + 12 * 5)
    assert all(len(c) == 1 and unicodedata.normalize("NFC", c) == c for c in letters)
    assert {"ễ", "Ễ", "ự", "Ự", "đ", "Đ", "ỹ", "Ỵ", "f", "W"} <= letters


# --- display name ---


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("NGUYỄN VĂN MẪU", "Nguyễn Văn Mẫu"),
        ("nguyễn thị đào", "Nguyễn Thị Đào"),
        ("ĐẶNG ỨNG", "Đặng Ứng"),
        ("H'HEN NIÊ", "H'Hen Niê"),
        ("k' brêu", "K' Brêu"),
        ("lê thu-hà", "Lê Thu-Hà"),
    ],
)
def test_display_name_capitalises_each_word(name: str, shown: str) -> None:
    assert display_name(parse_cccd(make(name=name), TODAY)) == shown


# --- privacy ---


def test_scan_holds_only_the_agreed_fields() -> None:
    names = {f.name for f in dataclasses.fields(CccdScan)}
    assert names == {
        "id_last4",
        "id_hash",
        "name",
        "name_trusted",
        "birth_date",
        "age",
        "sex",
        "issue_date",
    }
    scan = parse_cccd(PAYLOAD, TODAY, salt=SALT)
    assert not hasattr(scan, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        scan.name = "x"  # type: ignore[misc]


@pytest.mark.parametrize("salt", [None, SALT])
@pytest.mark.parametrize(
    "payload",
    [PAYLOAD, make(old_id="099090000001"), PAYLOAD + "|15032046", _mojibake(PAYLOAD)],
    ids=["plain", "old_id_12", "extra_field", "mojibake"],
)
def test_full_id_and_address_never_kept(payload: str, salt: bytes | None) -> None:
    scan = parse_cccd(payload, TODAY, salt=salt)
    dumped = [repr(scan), str(scan), *map(str, dataclasses.astuple(scan))]
    for text in dumped:
        assert ID12 not in text
        assert OLD_ID not in text
        for part in ("Thôn", "Thử Nghiệm", "Giả Định", "Tỉnh Mẫu", "Thon", "Nghi"):
            assert part not in text


# --- hashing ---


def test_hash_is_hmac_sha256_of_the_id() -> None:
    expected = hmac.new(SALT, ID12.encode(), hashlib.sha256).hexdigest()
    assert hash_citizen_id(ID12, SALT) == expected
    assert len(expected) == 64


def test_hash_stable_per_salt_and_different_across_salts() -> None:
    first = parse_cccd(PAYLOAD, TODAY, salt=SALT)
    again = parse_cccd(PAYLOAD + "\r\n", date(2026, 1, 1), salt=SALT)
    other = parse_cccd(PAYLOAD, TODAY, salt=OTHER_SALT)
    assert first.id_hash == again.id_hash == hash_citizen_id(ID12, SALT)
    assert other.id_hash == hash_citizen_id(ID12, OTHER_SALT)
    assert first.id_hash != other.id_hash


def test_hash_differs_between_people() -> None:
    assert hash_citizen_id(ID12, SALT) != hash_citizen_id("099090000002", SALT)


def test_no_salt_no_hash() -> None:
    assert parse_cccd(PAYLOAD, TODAY).id_hash is None


@pytest.mark.parametrize("salt", [b"", b"short", b"x" * 15])
def test_short_salt_refused(salt: bytes) -> None:
    with pytest.raises(ValueError, match="salt"):
        hash_citizen_id(ID12, salt)
    with pytest.raises(ValueError, match="salt"):
        parse_cccd(PAYLOAD, TODAY, salt=salt)


@pytest.mark.parametrize("bad", ["", "09909000001", "0990900000011", "09909000000X"])
def test_hash_rejects_malformed_id(bad: str) -> None:
    with pytest.raises(CccdError) as info:
        hash_citizen_id(bad, SALT)
    assert info.value.code == "bad_id"
