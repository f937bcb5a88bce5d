"""Text of a call announcement, read the way Vietnamese counter staff read it.

Pure functions, no I/O: the voice module turns the result into audio, the
display shows the same text as a caption. Numbers are spelled out here rather
than left to a TTS engine because engines read "1012" or "A001" in ways no
officer would (wrong "linh"/"lẻ", English letter names, missing "không trăm").

Leading zeros: in the default ``number_style="ticket"`` a code with letters is
read as the citizen sees it on the ticket, letter then each digit: "A001" is
"a, không không một" (a citizen holding "A001" does not hear it in "a, một");
a code of digits alone is read as a number ("1012": "một nghìn không trăm mười
hai"). ``"number"`` reads the digits after a letter as a number ("a, một", "bê,
mười hai"), where staff say it that way; ``"digits"`` reads every code digit by
digit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

NumberStyle = Literal["ticket", "number", "digits"]
NUMBER_STYLES = ("ticket", "number", "digits")

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Every word number_words() can produce, whatever the options: a voice pack needs a clip for each.
NUMBER_VOCABULARY = (
    *DIGITS,
    "mốt",
    "tư",
    "lăm",
    "mười",
    "mươi",
    "trăm",
    "linh",
    "lẻ",
    "nghìn",
    "ngàn",
    "triệu",
)

LETTER_NAMES: dict[str, str] = {
    "A": "a",
    "Ă": "á",
    "Â": "ớ",
    "B": "bê",
    "C": "xê",
    "D": "dê",
    "Đ": "đê",
    "E": "e",
    "Ê": "ê",
    "F": "ép",
    "G": "giê",
    "H": "hát",
    "I": "i",
    "J": "gi",
    "K": "ca",
    "L": "e-lờ",
    "M": "em-mờ",
    "N": "en-nờ",
    "O": "o",
    "Ô": "ô",
    "Ơ": "ơ",
    "P": "pê",
    "Q": "quy",
    "R": "e-rờ",
    "S": "ét-xì",
    "T": "tê",
    "U": "u",
    "Ư": "ư",
    "V": "vê",
    "W": "vê kép",
    "X": "ích-xì",
    "Y": "i dài",
    "Z": "dét",
}

SEPARATORS = frozenset(" -._/")
MAX_NUMBER_DIGITS = 9


@dataclass(frozen=True)
class SpeechOptions:
    """How an office wants calls worded; the defaults are northern, formal usage."""

    number_style: NumberStyle = "ticket"
    linh: Literal["linh", "lẻ"] = "linh"
    thousand: Literal["nghìn", "ngàn"] = "nghìn"
    intro: str = "Mời công dân có số thứ tự"
    to_counter: str = "đến quầy số"
    intro_en: str = "Ticket number"
    to_counter_en: str = "please go to counter"
    recall_intro: str = "Mời lại công dân có số thứ tự"
    repeat: int = 1  # 2: each call said twice (after one chime)

    def __post_init__(self) -> None:
        if self.number_style not in NUMBER_STYLES:
            raise ValueError(
                f"number_style must be one of {', '.join(NUMBER_STYLES)}: {self.number_style!r}"
            )
        if self.linh not in ("linh", "lẻ"):
            raise ValueError(f"linh must be 'linh' or 'lẻ', not {self.linh!r}")
        if self.thousand not in ("nghìn", "ngàn"):
            raise ValueError(f"thousand must be 'nghìn' or 'ngàn', not {self.thousand!r}")
        if not self.intro.strip() or not self.to_counter.strip() or not self.recall_intro.strip():
            raise ValueError("intro, recall_intro and to_counter wording must not be empty")
        if self.repeat not in (1, 2) or isinstance(self.repeat, bool):
            raise ValueError(f"repeat must be 1 or 2, not {self.repeat!r}")


@dataclass(frozen=True)
class CodePart:
    """One run of a display code: a letter or a run of digits, with its spoken words."""

    kind: Literal["letter", "number"]
    raw: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Announcement:
    """A call split into the pieces a voice pack has clips for."""

    intro: str
    code: tuple[CodePart, ...]
    to_counter: str
    counter: int
    counter_words: tuple[str, ...]
    recall: bool = False  # "Mời lại …": the intro is the recall wording
    times: int = 1  # the sentence said this many times after the chime

    def code_text(self) -> str:
        """The code as spoken: letters, then a comma before the number."""
        out = ""
        for i, part in enumerate(self.code):
            if i:
                out += ", " if part.kind != self.code[i - 1].kind else " "
            out += " ".join(part.words)
        return out

    def text(self) -> str:
        counter = " ".join(self.counter_words)
        return f"{self.intro} {self.code_text()} {self.to_counter} {counter}"


def _below_thousand(n: int, full: bool, opts: SpeechOptions) -> list[str]:
    """Words for 0 < n < 1000; ``full`` when a higher group precedes, so zeros are read."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(opts.linh)
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
        unit_words = {1: "một", 4: "bốn", 5: "lăm"}
    else:
        words += [DIGITS[tens], "mươi"]
        unit_words = {1: "mốt", 4: "tư", 5: "lăm"}
    if units:
        words.append(unit_words.get(units, DIGITS[units]))
    return words


def number_words(n: int, options: SpeechOptions | None = None) -> tuple[str, ...]:
    """Vietnamese reading of a non-negative integer below one billion."""
    opts = options or SpeechOptions()
    if n < 0 or n >= 10**MAX_NUMBER_DIGITS:
        raise ValueError(f"cannot read {n} as a number")
    if n == 0:
        return ("không",)
    groups = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    scales = ("", opts.thousand, "triệu")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            continue
        words += _below_thousand(group, full=bool(words), opts=opts)
        if scales[index]:
            words.append(scales[index])
    return tuple(words)


def digit_words(digits: str) -> tuple[str, ...]:
    """Digit-by-digit reading: "001" is "không không một"."""
    return tuple(DIGITS[int(d)] for d in digits)


def _code_runs(code: str) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFC", code.strip()).upper():
        if ch in SEPARATORS:
            runs.append(("sep", ch))
        elif ch.isascii() and ch.isdigit():
            if runs and runs[-1][0] == "number":
                runs[-1] = ("number", runs[-1][1] + ch)
            else:
                runs.append(("number", ch))
        elif ch in LETTER_NAMES:
            runs.append(("letter", ch))
        else:
            raise ValueError(f"display code {code!r} has a character that cannot be read: {ch!r}")
    return [run for run in runs if run[0] != "sep"]


def code_parts(code: str, options: SpeechOptions | None = None) -> tuple[CodePart, ...]:
    """Split a display code such as "A001" or "1012" into spoken parts."""
    opts = options or SpeechOptions()
    runs = _code_runs(code)
    if not runs:
        raise ValueError(f"display code {code!r} has nothing to read")
    # As printed: a code with letters is read digit by digit, leading zeros and all.
    by_digit = opts.number_style == "digits" or (
        opts.number_style == "ticket" and any(kind == "letter" for kind, _ in runs)
    )
    parts = []
    for kind, raw in runs:
        if kind == "letter":
            parts.append(CodePart("letter", raw, (LETTER_NAMES[raw],)))
        elif by_digit or len(raw.lstrip("0")) > MAX_NUMBER_DIGITS:
            parts.append(CodePart("number", raw, digit_words(raw)))
        else:
            parts.append(CodePart("number", raw, number_words(int(raw), opts)))
    return tuple(parts)


def _counter_number(counter: int | str) -> int:
    if isinstance(counter, str) and counter.strip().isascii() and counter.strip().isdecimal():
        counter = int(counter.strip())
    if isinstance(counter, bool) or not isinstance(counter, int) or counter < 1:
        raise ValueError(f"counter must be a whole number from 1, not {counter!r}")
    return counter


def build_announcement(
    code: str, counter: int | str, options: SpeechOptions | None = None, recall: bool = False
) -> Announcement:
    """Structured call for ``code`` at ``counter``; the counter is always read as a number.
    A recall is worded differently, so the waiting room hears it is the second call."""
    opts = options or SpeechOptions()
    number = _counter_number(counter)
    return Announcement(
        intro=(opts.recall_intro if recall else opts.intro).strip(),
        code=code_parts(code, opts),
        to_counter=opts.to_counter.strip(),
        counter=number,
        counter_words=number_words(number, opts),
        recall=recall,
        times=opts.repeat,
    )


def announcement_text(code: str, counter: int | str, options: SpeechOptions | None = None) -> str:
    """E.g. "Mời công dân có số thứ tự một nghìn không trăm mười hai đến quầy số ba"."""
    return build_announcement(code, counter, options).text()


def announcement_text_en(
    code: str, counter: int | str, options: SpeechOptions | None = None
) -> str:
    """English caption for English mode, e.g. "Ticket number A001, please go to counter 3"."""
    opts = options or SpeechOptions()
    code_parts(code, opts)  # same validation as the Vietnamese text
    shown = unicodedata.normalize("NFC", code.strip()).upper()
    return f"{opts.intro_en} {shown}, {opts.to_counter_en} {_counter_number(counter)}"
