"""A province's configuration template applied at a centre, keeping the centre's own changes.

A three-way merge per value: the template as last applied here (the base), the office as it
is now, and the new template. A value the office still has as the base left it takes the
template's new value; a value changed here since is the centre's own and stays (reported
as kept). A value the template sets for the first time is taken. A field or priority class
the template no longer lists is switched off unless the centre changed it.

The merged configuration goes through `import_office`, so every rule (number blocks that
must not overlap, settings) is checked in one transaction, and the audit log records it.
"""

from __future__ import annotations

import logging
from typing import Any

from ..engine import Engine
from ..engine.catalog import PRIORITY_KEYS, SERVICE_KEYS
from ..engine.documents import TEMPLATE_SETTINGS
from ..engine.errors import EngineError

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
            value = _pick(
                document["settings"].get(key, _MISSING),
                base_settings.get(key, _MISSING),
                new["settings"][key],
                f"settings.{key}",
                report,
            )
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
    for code, wanted in listed.items():
        if code not in here:
            here[code] = dict(wanted)
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
    # The template's order first, then the centre's own.
    order = [*listed, *(code for code in here if code not in listed)]
    return [here[code] for code in order]


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
        document, outcome = merge(current, bases.get(code), body)
        try:
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
