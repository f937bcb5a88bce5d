"""Rating scales. No national wording is fixed, so the scale is office configuration:
three levels by default, five stars, or the office's own levels and reasons."""

from __future__ import annotations

from typing import Any

from ...i18n import english
from ..errors import Invalid

REASONS = [
    {"key": "attitude", "label": "Thái độ của cán bộ", "label_en": "Staff attitude"},
    {"key": "waiting", "label": "Thời gian chờ lâu", "label_en": "Waited too long"},
    {"key": "duration", "label": "Giải quyết chậm", "label_en": "Service took too long"},
    {"key": "guidance", "label": "Hướng dẫn chưa rõ ràng", "label_en": "Unclear guidance"},
    {"key": "facilities", "label": "Cơ sở vật chất", "label_en": "Facilities"},
]

PRESETS: dict[str, dict[str, Any]] = {
    "three": {
        "question": "Ông/Bà có hài lòng với việc giải quyết thủ tục hôm nay không?",
        "question_en": "How satisfied are you with today's service?",
        "levels": [
            {"key": "very_satisfied", "label": "Rất hài lòng", "label_en": "Very satisfied"},
            {"key": "satisfied", "label": "Hài lòng", "label_en": "Satisfied"},
            {"key": "unsatisfied", "label": "Không hài lòng", "label_en": "Not satisfied"},
        ],
        "ask_reasons": ["unsatisfied"],
        "reasons": REASONS,
    },
    "five": {
        "question": "Ông/Bà đánh giá chất lượng phục vụ hôm nay bao nhiêu sao?",
        "question_en": "How many stars for today's service?",
        "levels": [
            {"key": str(n), "label": "★" * n, "label_en": f"{n} star{'s' if n > 1 else ''}"}
            for n in range(5, 0, -1)
        ],
        "ask_reasons": ["2", "1"],
        "reasons": REASONS,
    },
}


def scale(settings: dict[str, Any] | None) -> dict[str, Any]:
    """The office's scale: a preset by name, or its own levels (best first)."""
    config = (settings or {}).get("rating") or {}
    base = PRESETS.get(config.get("preset", "three"), PRESETS["three"])
    merged = {**base, **{k: v for k, v in config.items() if k != "preset"}}
    if len(merged["levels"]) < 2:
        raise Invalid(english("two_levels"), field="rating")
    return merged


def score(rating_scale: dict[str, Any], level: str) -> float:
    """1.0 for the best level, 0.0 for the worst: comparable across scales."""
    keys = [item["key"] for item in rating_scale["levels"]]
    if level not in keys:
        raise Invalid(english("rating_level", levels=", ".join(keys)), field="level")
    return (len(keys) - 1 - keys.index(level)) / (len(keys) - 1)


def check_reasons(rating_scale: dict[str, Any], reasons: list[str]) -> list[str]:
    known = {item["key"] for item in rating_scale["reasons"]}
    unknown = [reason for reason in reasons if reason not in known]
    if unknown:
        raise Invalid(english("unknown_reasons", reasons=", ".join(unknown)), field="reasons")
    return list(dict.fromkeys(reasons))
