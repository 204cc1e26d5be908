"""What survey_check and survey_package share: reading the files and the mapping from the options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.errors import DomainError
from engagement.mapping import Mapping, guess_answer_rules, guess_mapping, parse_column_option
from engagement.reading import Table, read_table
from engagement.validation import ValidationReport, validate


@dataclass
class Checked:
    table: Table
    master: Table | None
    mapping: Mapping
    report: ValidationReport


def add_file_arguments(parser, *, positional: bool) -> None:
    if positional:
        parser.add_argument("file", help="the LoGo フォーム export (CSV or XLSX)")
    else:
        parser.add_argument("--file", required=True, help="the LoGo フォーム export (CSV or XLSX)")
    parser.add_argument("--master", help="the HR attribute master (CSV or XLSX), joined by staff number")
    parser.add_argument("--column", action="append", default=[], metavar="HEADER=ROLE",
                        help="a column's role: key, drop, attribute, answer, ignore "
                             "(answers may add :1-5, :text, :required, :optional); others are guessed")


def _read(path: str) -> Table:
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None
    return read_table(data, file.name)


def check(file: str, master: str | None, columns: list[str]) -> Checked:
    """Read, map and validate; :class:`DomainError` (Japanese) for a file that cannot be read."""
    table = _read(file)
    master_table = _read(master) if master else None
    mapping = guess_mapping(table.headers, master_table.headers if master_table else ())
    mapping = mapping.with_overrides(parse_column_option(text) for text in columns)
    mapping = guess_answer_rules(mapping, table)
    return Checked(table=table, master=master_table, mapping=mapping,
                   report=validate(table, mapping, master_table))


def print_check(stdout, checked: Checked) -> None:
    stdout.write(_("形式: %(format)s") % {"format": checked.table.format_label})
    stdout.write(_("列の対応づけ:"))
    for line in checked.mapping.describe():
        stdout.write(f"  {line}")
    stdout.write(_("検証:"))
    for line in checked.report.lines():
        stdout.write(f"  {line}")


__all__ = ["Checked", "DomainError", "add_file_arguments", "check", "print_check"]
