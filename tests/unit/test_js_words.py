"""Every word a script shows comes from the one catalogue (server/i18n/catalogue.py).

static/js holds no Vietnamese inside a string, a template literal or a regular expression
(comments may say what they like, in English by habit), so the staff pages' English switch
reaches every word; and every key a script asks `t()` for exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.i18n.catalogue import CATALOGUE
from tests.unit.js_lexer import literals

JS = Path(__file__).resolve().parents[2] / "static" / "js"
VIETNAMESE = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I
)

# Files still holding words, to move to the catalogue. Issue 24 emptied it; it may only
# shrink.
MOVED_IN_THE_NEXT_STEP: frozenset[str] = frozenset()
# Patterns that read data rather than show words: a counter's name as offices type it
# ("Quầy 3 – Hộ tịch", as display/views.py strips it too), and the server's refusal of a
# phone number, whichever language it came in.
DATA_PATTERNS = {
    ("lib/i18n.js", r"/^(quầy|counter)\s*\d+\s*[-–—:·.,]?\s*/i"),
    ("console/counter_appointments.js", "/phone|điện thoại/i"),
}


def _scripts() -> list[Path]:
    return sorted(path for path in JS.rglob("*.js") if "vendor" not in path.parts)


def _name(path: Path) -> str:
    return path.relative_to(JS).as_posix()


def test_the_lexer_finds_the_literals():
    found = literals(
        'const a = "x" / 2; // c\nconst b = `p${q ? "r" : `s${t}u`}v` + /w\\/[/]/g.source;'
    )
    assert [(item.kind, item.text) for item in found] == [
        ("string", "x"),
        ("comment", "// c"),
        ("template", "p"),
        ("string", "r"),
        ("template", "s"),
        ("template", "u"),
        ("template", "v"),
        ("regex", "/w\\/[/]/g"),
    ]


def test_no_vietnamese_word_in_a_script_outside_the_catalogue():
    found = []
    for path in _scripts():
        if _name(path) in MOVED_IN_THE_NEXT_STEP:
            continue
        for item in literals(path.read_text(encoding="utf-8")):
            if item.kind == "comment" or not VIETNAMESE.search(item.text):
                continue
            if item.kind == "regex" and (_name(path), item.text) in DATA_PATTERNS:
                continue
            found.append(f"static/js/{_name(path)}:{item.line}: {item.text.strip()[:60]}")
    assert found == [], "words belong in server/i18n/ (t() in the script):\n" + "\n".join(found)


def test_the_allow_list_only_names_files_still_holding_words():
    """Once a listed file is clean, it leaves the list (and the test keeps it clean)."""
    for name in sorted(MOVED_IN_THE_NEXT_STEP):
        path = JS / name
        assert path.exists(), f"{name} is gone: take it off MOVED_IN_THE_NEXT_STEP"
        texts = [item.text for item in literals(path.read_text(encoding="utf-8"))]
        assert any(
            VIETNAMESE.search(text) for text in texts if not text.startswith(("//", "/*"))
        ), f"{name} holds no Vietnamese word now: take it off MOVED_IN_THE_NEXT_STEP"


# t("a.key") or t("a.key", {...}): a whole key (a prefix joined to a value is not checked).
KIOSK_T = re.compile(r'import\s*\{[^}]*\bt\b[^}]*\}\s*from\s*"\./context\.js"')
T_CALL = re.compile(r"""(?<![\w$])(?:A\.)?t\(\s*(["'])([^"'`]+)\1\s*[,)]""")


@pytest.mark.parametrize("path", _scripts(), ids=_name)
def test_every_key_a_script_asks_for_is_in_the_catalogue(path):
    text = path.read_text(encoding="utf-8")
    # The kiosk's modules take their `t` from kiosk/context.js, which adds "kiosk.".
    prefix = "kiosk." if KIOSK_T.search(text) else ""
    keys = {prefix + match.group(2) for match in T_CALL.finditer(text)}
    assert sorted(key for key in keys if key not in CATALOGUE) == []
