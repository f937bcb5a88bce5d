"""A small lexer for our own JavaScript: where its strings, template literals, regular
expressions and comments are, so a test can look inside the literals only.

Enough for static/js (biome-formatted ES2022, no JSX): a `/` opens a regular expression
where an expression may start (after an operator, a bracket or a keyword such as
`return`), and divides after a name, a number or a closing bracket.
"""

from __future__ import annotations

import re
from typing import NamedTuple

NAME = re.compile(r"[A-Za-z_$][\w$]*")
TOKEN = re.compile(r"[A-Za-z_$\d][\w$]*|\+\+|--|=>|\.\.\.|\S")
BEFORE_EXPRESSION = {
    "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case",
    "do", "else", "yield", "await",
}  # fmt: skip


class Literal(NamedTuple):
    kind: str  # "string", "template", "regex" or "comment"
    text: str
    line: int


def _regex_may_start(last: str) -> bool:
    if not last:
        return True
    if NAME.fullmatch(last):
        return last in BEFORE_EXPRESSION
    return not (last[-1].isalnum() or last[-1] in "_$)]") and last not in ("++", "--")


def literals(source: str) -> list[Literal]:
    """Every string, template part, regular expression and comment of `source`, in order."""
    out: list[Literal] = []
    i, n, line = 0, len(source), 1
    last = ""  # the last significant token
    braces: list[bool] = []  # True: the brace closes a template's `${`

    def template(i: int, line: int) -> tuple[int, int, bool]:
        start, first = i, line
        while i < n:
            c = source[i]
            if c == "\\":
                i += 2
                continue
            if c == "`" or source.startswith("${", i):
                out.append(Literal("template", source[start:i], first))
                return (i + 1, line, True) if c == "`" else (i + 2, line, False)
            line += c == "\n"
            i += 1
        raise ValueError(f"unterminated template literal from line {first}")

    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            out.append(Literal("comment", source[i:end], line))
            i = end
        elif source.startswith("/*", i):
            end = source.index("*/", i + 2) + 2
            out.append(Literal("comment", source[i:end], line))
            line += source.count("\n", i, end)
            i = end
        elif c in "'\"":
            j = i + 1
            while source[j] != c:
                if source[j] == "\n":
                    raise ValueError(f"line {line}: a string runs past the line's end")
                j += 2 if source[j] == "\\" else 1
            out.append(Literal("string", source[i + 1 : j], line))
            i, last = j + 1, ")"
        elif c == "`" or (c == "}" and braces and braces[-1]):
            if c == "}":
                braces.pop()
            i, line, closed = template(i + 1, line)
            if not closed:
                braces.append(True)
            last = ")" if closed else "{"
        elif c == "/" and _regex_may_start(last):
            j, in_class = i + 1, False
            while in_class or source[j] != "/":
                if source[j] == "\n":
                    raise ValueError(f"line {line}: a regular expression runs past the line's end")
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            j += 1
            while j < n and source[j].isalnum():
                j += 1
            out.append(Literal("regex", source[i:j], line))
            i, last = j, ")"
        else:
            if c == "{":
                braces.append(False)
            elif c == "}" and braces:
                braces.pop()
            match = TOKEN.match(source, i)
            last, i = match.group(0), match.end()
    return out
