"""Call wording against hand-written Vietnamese, as counter staff read it."""

import pytest

from display.voice.speech import (
    SpeechOptions,
    announcement_text,
    announcement_text_en,
    build_announcement,
    code_parts,
    number_words,
)

NUMBERS = {
    0: "không",
    1: "một",
    4: "bốn",
    5: "năm",
    10: "mười",
    11: "mười một",
    14: "mười bốn",
    15: "mười lăm",
    20: "hai mươi",
    21: "hai mươi mốt",
    24: "hai mươi tư",
    25: "hai mươi lăm",
    31: "ba mươi mốt",
    55: "năm mươi lăm",
    100: "một trăm",
    101: "một trăm linh một",
    104: "một trăm linh bốn",
    105: "một trăm linh năm",
    110: "một trăm mười",
    111: "một trăm mười một",
    114: "một trăm mười bốn",
    115: "một trăm mười lăm",
    121: "một trăm hai mươi mốt",
    999: "chín trăm chín mươi chín",
    1000: "một nghìn",
    1001: "một nghìn không trăm linh một",
    1010: "một nghìn không trăm mười",
    1012: "một nghìn không trăm mười hai",
    1024: "một nghìn không trăm hai mươi tư",
    1100: "một nghìn một trăm",
    1105: "một nghìn một trăm linh năm",
    1999: "một nghìn chín trăm chín mươi chín",
    2005: "hai nghìn không trăm linh năm",
    10005: "mười nghìn không trăm linh năm",
    21000: "hai mươi mốt nghìn",
    1000005: "một triệu không trăm linh năm",
}

COUNTERS = {
    1: "một",
    2: "hai",
    3: "ba",
    4: "bốn",
    5: "năm",
    6: "sáu",
    7: "bảy",
    8: "tám",
    9: "chín",
    10: "mười",
    11: "mười một",
    12: "mười hai",
}

INTRO = "Mời công dân có số thứ tự"


@pytest.mark.parametrize(("n", "expected"), NUMBERS.items())
def test_number_reading(n: int, expected: str) -> None:
    assert " ".join(number_words(n)) == expected


@pytest.mark.parametrize(
    ("code", "counter", "expected"),
    [
        ("1012", 3, f"{INTRO} một nghìn không trăm mười hai đến quầy số ba"),
        ("0", 1, f"{INTRO} không đến quầy số một"),
        ("2005", 12, f"{INTRO} hai nghìn không trăm linh năm đến quầy số mười hai"),
        # A code with letters, as the citizen sees it on the ticket: each digit, zeros too.
        ("A001", 3, f"{INTRO} a, không không một đến quầy số ba"),
        ("B12", 4, f"{INTRO} bê, một hai đến quầy số bốn"),
        ("a015", 5, f"{INTRO} a, không một năm đến quầy số năm"),
        ("L-21", 10, f"{INTRO} e-lờ, hai một đến quầy số mười"),
        ("đ105", 11, f"{INTRO} đê, một không năm đến quầy số mười một"),
    ],
)
def test_announcement_text(code: str, counter: int, expected: str) -> None:
    assert announcement_text(code, counter) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("A001", "a, một"),
        ("B12", "bê, mười hai"),
        ("a015", "a, mười lăm"),
        ("đ105", "đê, một trăm linh năm"),
        ("1012", "một nghìn không trăm mười hai"),
    ],
)
def test_number_style_reads_the_digits_after_a_letter_as_a_number(code: str, expected: str) -> None:
    """The office's choice where staff say "a, một"."""
    announcement = build_announcement(code, 1, SpeechOptions(number_style="number"))
    assert announcement.code_text() == expected


@pytest.mark.parametrize(("counter", "words"), COUNTERS.items())
def test_counter_read_as_number(counter: int, words: str) -> None:
    text = announcement_text("1", counter, SpeechOptions(number_style="digits"))
    assert text == f"{INTRO} một đến quầy số {words}"


def test_counter_given_as_string() -> None:
    assert announcement_text("1", " 7 ").endswith("quầy số bảy")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("A001", "a, không không một"),
        ("B12", "bê, một hai"),
        ("1012", "một không một hai"),
        ("2005", "hai không không năm"),
    ],
)
def test_digit_style(code: str, expected: str) -> None:
    announcement = build_announcement(code, 1, SpeechOptions(number_style="digits"))
    assert announcement.code_text() == expected


def test_le_and_ngan_variants() -> None:
    options = SpeechOptions(linh="lẻ", thousand="ngàn")
    assert " ".join(number_words(105, options)) == "một trăm lẻ năm"
    assert " ".join(number_words(2005, options)) == "hai ngàn không trăm lẻ năm"
    assert " ".join(number_words(1000, options)) == "một ngàn"
    assert announcement_text("1001", 2, options) == (
        f"{INTRO} một ngàn không trăm lẻ một đến quầy số hai"
    )


def test_custom_wording() -> None:
    options = SpeechOptions(intro="Xin mời số", to_counter="vào quầy")
    assert announcement_text("1012", 3, options) == (
        "Xin mời số một nghìn không trăm mười hai vào quầy ba"
    )


@pytest.mark.parametrize(
    ("letter", "name"),
    [
        ("A", "a"), ("B", "bê"), ("C", "xê"), ("D", "dê"), ("Đ", "đê"), ("E", "e"),
        ("F", "ép"), ("G", "giê"), ("H", "hát"), ("I", "i"), ("J", "gi"), ("K", "ca"),
        ("L", "e-lờ"), ("M", "em-mờ"), ("N", "en-nờ"), ("O", "o"), ("P", "pê"),
        ("Q", "quy"), ("R", "e-rờ"), ("S", "ét-xì"), ("T", "tê"), ("U", "u"), ("V", "vê"),
        ("W", "vê kép"), ("X", "ích-xì"), ("Y", "i dài"), ("Z", "dét"),
    ],
)  # fmt: skip
def test_letter_names(letter: str, name: str) -> None:
    (part, _number) = code_parts(f"{letter}1")
    assert part.kind == "letter"
    assert part.words == (name,)


def test_several_letters_then_number() -> None:
    assert build_announcement("AB7", 1).code_text() == "a bê, bảy"


def test_english_caption() -> None:
    assert announcement_text_en("a001", 3) == "Ticket number A001, please go to counter 3"


@pytest.mark.parametrize("code", ["", "  ", "A#1", "--"])
def test_unreadable_code_rejected(code: str) -> None:
    with pytest.raises(ValueError):
        announcement_text(code, 1)


@pytest.mark.parametrize("counter", [0, -1, "x", "1.5", True])
def test_bad_counter_rejected(counter: object) -> None:
    with pytest.raises(ValueError):
        announcement_text("1", counter)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs", [{"number_style": "roman"}, {"linh": "le"}, {"thousand": "ngan"}, {"intro": " "}]
)
def test_bad_options_rejected(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        SpeechOptions(**kwargs)  # type: ignore[arg-type]


def test_very_long_digit_run_read_digit_by_digit() -> None:
    assert build_announcement("1234567890", 1).code_text() == (
        "một hai ba bốn năm sáu bảy tám chín không"
    )
