"""`luot office`: create, import, export and list offices from the box's shell, through the
engine's audited verbs and the configuration rules every other way in uses
(server/engine/rules/documents.py). A refusal is one line and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext

from .. import current
from ..engine import EngineError
from .cli_common import needs_schema, refused

# `--field` blocks: the first field numbers 1001–1999, the second 2001–2999, and so on, as
# the demo office does (four digits, no letter; a tenth field and later take five).
BLOCK = 1000


def field_entries(fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """`--field CODE:NAME` options as a document's fields, each with its own number block."""
    entries = []
    for order, item in enumerate(fields):
        code, colon, name = item.partition(":")
        if not colon or not code.strip() or not name.strip():
            raise click.ClickException(
                f"--field {item!r}: write CODE:NAME, e.g. --field 'HT:Hộ tịch'."
            )
        start = (order + 1) * BLOCK + 1
        end = start + BLOCK - 2
        entries.append(
            {
                "code": code.strip(),
                "name": name.strip(),
                "number_start": start,
                "number_end": end,
                "digits": len(str(end)),
            }
        )
    return entries


@click.group("office")
def office_group() -> None:
    """Create, import, export and list offices."""


@office_group.command("create")
@click.argument("code")
@click.option("--name", required=True, help="The office's name, as citizens read it.")
@click.option("--address", default=None)
@click.option("--district", default=None, help="District or province, for reports.")
@click.option("--timezone", default=None, help="IANA time zone  [default: Asia/Ho_Chi_Minh]")
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="CODE:NAME",
    help="A field (lĩnh vực) with its own number block: the first 1001–1999, the second "
    "2001–2999, ... (repeat; change blocks later in /admin).",
)
@click.option(
    "--counters",
    type=click.IntRange(0, 999),
    default=1,
    show_default=True,
    help="Counters 1..N, each serving every field.",
)
@with_appcontext
@needs_schema
def office_create(
    code: str,
    name: str,
    address: str | None,
    district: str | None,
    timezone: str | None,
    fields: tuple[str, ...],
    counters: int,
) -> None:
    """Create office CODE: its fields, counters, and the default priority classes.

    Only registered kiosks and staff issue its tickets (`luot device add`). For more (own
    number blocks, counters serving some fields, opening hours) write the office as one
    document and use `luot office import`; `luot office export` shows the format.
    """
    services = field_entries(fields)
    document: dict[str, Any] = {"code": code, "name": name, "services": services}
    for key, value in (("address", address), ("district", district), ("timezone", timezone)):
        if value is not None:
            document[key] = value
    codes = [service["code"] for service in services]
    document["counters"] = [
        {"number": n, "name": f"Quầy {n}", "services": codes} for n in range(1, counters + 1)
    ]
    try:
        office = current.engine().create_office(document)
    except EngineError as exc:
        raise refused(exc) from exc
    click.echo(f"Office {office['code']} ({office['name']}, {office['timezone']}) created.")
    _describe(office)
    if not services:
        click.echo(
            "It has no fields yet: add them in /admin (Lĩnh vực), or use `luot office import`."
        )


def _describe(office: dict[str, Any]) -> None:
    for service in office["services"]:
        first = f"{service['prefix'] or ''}{service['number_start']:0{service['digits']}d}"
        last = f"{service['prefix'] or ''}{service['number_end']:0{service['digits']}d}"
        state = "" if service["active"] else " (inactive)"
        click.echo(f"  field {service['code']}: {service['name']}, {first}–{last}{state}")
    for counter in office["counters"]:
        serves = ", ".join(counter["services"]) or "no field yet"
        click.echo(f"  counter {counter['number']} ({counter['name']}): {serves}")
    classes = [p["code"] for p in office["priority_classes"] if p["active"]]
    click.echo(f"  priority classes: {', '.join(classes) or 'none'}")


@office_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--replace",
    is_flag=True,
    help="If the office exists, apply the document to it (as PUT …/config does): fields, "
    "classes and counters are matched by code and number; fields and classes missing from "
    "the document are made inactive, never deleted.",
)
@with_appcontext
@needs_schema
def office_import(file: str, replace: bool) -> None:
    """Create an office from FILE, a JSON document ('-' for standard input).

    The format is what `luot office export` prints and the API's
    GET/PUT /api/v1/offices/CODE/config use: code, name, settings, services (fields and their
    number blocks), priority_classes and counters (number, name, the fields they serve).
    """
    document = _read_document(file)
    engine = current.engine()
    code = document.get("code")
    exists = isinstance(code, str) and code in {o["code"] for o in engine.offices()}
    if exists and not replace:
        raise click.ClickException(
            f"Office {code} exists already; add --replace to apply this document to it."
        )
    try:
        office = engine.import_office(code, document) if exists else engine.create_office(document)
    except EngineError as exc:
        raise refused(exc) from exc
    verb = "updated" if exists else "created"
    click.echo(f"Office {office['code']} ({office['name']}, {office['timezone']}) {verb}.")
    _describe(office)


def _read_document(file: str) -> dict[str, Any]:
    """The JSON object in FILE, or a one-line refusal saying what is wrong with it."""
    name = "standard input" if file == "-" else file
    try:
        with click.open_file(file, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise click.ClickException(f"Cannot read {file}: {exc.strerror}") from exc
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{name} is not UTF-8 text: {exc.reason}.") from exc
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{name} is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from exc
    if not isinstance(document, dict):
        raise click.ClickException(
            f'{name} holds no office: a JSON object ({{"code": …, "name": …, …}}) '
            "is expected, as `luot office export` prints."
        )
    return document


@office_group.command("export")
@click.argument("code")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="File to write (default: standard output).",
)
@with_appcontext
@needs_schema
def office_export(code: str, output: str) -> None:
    """Print office CODE's configuration as the JSON document `luot office import` takes."""
    try:
        document = current.engine().export_office(code)
    except EngineError as exc:
        raise refused(exc) from exc
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    try:
        with click.open_file(output, "w", encoding="utf-8") as handle:
            handle.write(body)
    except OSError as exc:
        raise click.ClickException(f"Cannot write {output}: {exc.strerror}") from exc


@office_group.command("list")
@with_appcontext
@needs_schema
def office_list() -> None:
    """List offices: code, name, time zone, active fields, counters."""
    engine = current.engine()
    offices = engine.offices()
    for office in offices:
        document = engine.export_office(office["code"])
        fields = sum(1 for service in document["services"] if service["active"])
        click.echo(
            f"{office['code']:<12}  {office['timezone']:<20}  {fields:>3} field(s)  "
            f"{len(document['counters']):>3} counter(s)  {office['name']}"
        )
    if not offices:
        click.echo("No offices (create one: luot office create CODE --name NAME --field ...).")
