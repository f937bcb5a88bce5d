"""A province's configuration template applied at a centre, keeping the centre's own changes.

A three-way merge per value: the template as last applied here (the base), the office as it
is now, and the new template. A value the office still has as the base left it takes the
template's new value; a value changed here since is the centre's own and stays (reported
as kept). A value the template sets for the first time is taken. A field or priority class
the template no longer lists is switched off unless the centre changed it.

A template changes only what it names. Settings that are groups of values merge value by
value: `hours` day by day (a template naming Monday changes Monday, and `"sun": []` closes
Sunday), `rating`, `messages` and `targets` key by key; `closed_days` day by day (the days
the template adds are added, the days it no longer lists are removed, the centre's own
days stay). An office that keeps no hours is open all the time: a template that names only
some days is refused for it, rather than closing it on the others.

The merged configuration goes through `import_office`, so every rule (number blocks that
must not overlap, settings) is checked in one transaction, and the audit log records it.
"""

from __future__ import annotations

import logging
from typing import Any

from ..engine import Engine
from ..engine.catalog import PRIORITY_KEYS, SERVICE_KEYS
from ..engine.errors import EngineError, Invalid
from ..engine.rules.documents import TEMPLATE_SETTINGS
from ..engine.rules.hours import DAYS
from ..i18n import english

log = logging.getLogger(__name__)
AUDIT_ACTION = "province.template"
_MISSING = object()


def merge(
    current: dict[str, Any], base: dict[str, Any] | None, new: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The office's document with the template merged in, and what changed and was kept
    (as paths: "settings.hours", "services.A.prefix")."""
    base = base or {}
    document = {**current, "settings": dict(current.get("settings") or {})}
    report: dict[str, list[str]] = {"changed": [], "kept": []}

    if "settings" in new:
        base_settings = base.get("settings") or {}
        for key in TEMPLATE_SETTINGS:
            if key not in new["settings"]:
                continue
            here = document["settings"].get(key, _MISSING)
            was = base_settings.get(key, _MISSING)
            path = f"settings.{key}"
            if key == "closed_days":
                value = _merge_days(here, was, new["settings"][key], path, report)
            else:
                value = _merge_value(here, was, new["settings"][key], path, report)
            if key == "hours":
                _check_whole_week(current.get("code", ""), here, value)
            document["settings"][key] = value

    for section, keys in (("services", SERVICE_KEYS), ("priority_classes", PRIORITY_KEYS)):
        if section in new:
            document[section] = _merge_items(
                current.get(section, []), base.get(section), new[section], keys, section, report
            )
    return document, report


def _merge_items(
    current: list[dict[str, Any]],
    base: list[dict[str, Any]] | None,
    new: list[dict[str, Any]],
    keys: tuple[str, ...],
    section: str,
    report: dict[str, list[str]],
) -> list[dict[str, Any]]:
    here = {item["code"]: dict(item) for item in current}
    before = {item["code"]: item for item in base or []}
    listed = {item["code"]: item for item in new}
    # A field or class the template adds comes after the centre's own, which keep their
    # places (`sort_order`: the order of the kiosk's buttons).
    last = max((item.get("sort_order", 0) for item in current), default=-1)
    for code, wanted in listed.items():
        if code not in here:
            last += 1
            here[code] = {"sort_order": last, **wanted}
            report["changed"].append(f"{section}.{code}")
            continue
        item, was = here[code], before.get(code, {})
        for key in keys:
            if key == "code" or key not in wanted:
                continue
            item[key] = _pick(
                item.get(key, _MISSING),
                was.get(key, _MISSING),
                wanted[key],
                f"{section}.{code}.{key}",
                report,
            )
    for code, was in before.items():
        if code in listed or code not in here:
            continue
        item = here[code]
        if item.get("active", True) == was.get("active", True):
            if item.get("active", True):
                report["changed"].append(f"{section}.{code}.active")
            item["active"] = False
        else:
            report["kept"].append(f"{section}.{code}.active")
    return list(here.values())


def _merge_value(here: Any, base: Any, new: Any, path: str, report: dict[str, list[str]]) -> Any:
    """`new` merged into `here`: a group of values (a dict) key by key, the keys the
    template leaves out untouched; anything else as one value."""
    if not isinstance(new, dict) or (here is not _MISSING and not isinstance(here, dict)):
        return _pick(here, base, new, path, report)
    mine = here if isinstance(here, dict) else {}
    was = base if isinstance(base, dict) else {}
    merged = dict(mine)
    for key, value in new.items():
        merged[key] = _merge_value(
            mine.get(key, _MISSING), was.get(key, _MISSING), value, f"{path}.{key}", report
        )
    return merged


def _merge_days(here: Any, base: Any, new: list[str], path: str, report: dict) -> list[str]:
    """Closed days as a set: the template's new days are added, the days it listed last
    time and no longer does are removed, the centre's own days (and its own removals of
    the template's days) stay."""
    mine = list(here) if isinstance(here, list) else []
    was = set(base) if isinstance(base, list) else set()
    wanted = set(new)
    days = []
    for day in mine:
        if day in was and day not in wanted:
            report["changed"].append(f"{path}.{day}")
            continue
        days.append(day)
    for day in new:
        if day in days:
            continue
        if day in was:
            report["kept"].append(f"{path}.{day}")  # the centre reopened it
            continue
        days.append(day)
        report["changed"].append(f"{path}.{day}")
    return sorted(days)


def _check_whole_week(office: str, here: Any, merged: dict[str, Any]) -> None:
    """An office without hours is open every day; hours for some days would close it on
    the others, which the template does not say. Refused, naming what to do."""
    if here not in (_MISSING, None, {}) or not merged:
        return
    missing = [day for day in DAYS if day not in merged]
    if missing:
        raise Invalid(
            english("template_week", office=office, days=", ".join(d for d in merged)),
            field="hours",
        )


def _pick(here: Any, base: Any, new: Any, path: str, report: dict[str, list[str]]) -> Any:
    if base is not _MISSING and here is not _MISSING and here != base:
        if here != new:
            report["kept"].append(path)
        return here
    if here is _MISSING or here != new:
        report["changed"].append(path)
    return new


def apply(engine: Engine, version: int, body: dict[str, Any]) -> dict[str, Any]:
    """Apply `body` to every office of this box; the report the province is sent."""
    secret = engine.link_secret()
    bases = secret[2] if secret else {}
    report: dict[str, Any] = {"version": version, "offices": {}}
    applied: dict[str, Any] = {}
    for office in engine.offices():
        code = office["code"]
        current = engine.export_office(code)
        outcome: dict[str, list[str]] = {"changed": [], "kept": []}
        try:
            document, outcome = merge(current, bases.get(code), body)
            if outcome["changed"]:
                engine.import_office(code, document, action=AUDIT_ACTION)
        except EngineError as exc:
            log.warning("template %s refused for office %s: %s", version, code, exc.message)
            report["offices"][code] = {"error": exc.message, **outcome}
            continue
        applied[code] = body
        report["offices"][code] = outcome
    engine.template_applied(version, applied)
    return report
