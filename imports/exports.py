"""The blank template of each kind: the header row the import reads, and a second sheet with an example row."""

import csv
import io

from django.utils.translation import gettext as _

from core.spreadsheet import (
    XLSX_CONTENT_TYPE,
    cell_text,
    new_a4_workbook,
    text_width,
    workbook_bytes,
    write_table,
)

from .kinds import Kind


def _width(header: str, example: str) -> float:
    return max(10, min(40, max(text_width(header), text_width(example)) + 2))


def template_xlsx(kind: Kind) -> tuple[str, str, bytes]:
    headers = [str(c.header) for c in kind.columns]
    examples = [c.example for c in kind.columns]
    widths = [_width(h, e) for h, e in zip(headers, examples, strict=True)]
    wb, ws = new_a4_workbook(kind.label)
    write_table(ws, start_row=1, headers=headers, rows=[], widths=widths)
    example = wb.create_sheet(_("記入例"))
    write_table(example, start_row=1, headers=headers, rows=[examples], widths=widths)
    notes = [_("取り込むのは1枚目のシートだけです。1行目の見出しはそのままにして、2行目から1行に1件ずつ入力してください。"),
             _("必須の列: %(columns)s") % {"columns": "、".join(str(c.header) for c in kind.columns if c.required)},
             str(kind.note)]
    for offset, note in enumerate(notes, start=4):
        example.cell(row=offset, column=1, value=cell_text(note)).data_type = "s"
    return f"import-{kind.key}.xlsx", XLSX_CONTENT_TYPE, workbook_bytes(wb)


def template_csv(kind: Kind) -> tuple[str, str, bytes]:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([str(c.header) for c in kind.columns])
    # With a BOM, Excel opens a UTF-8 CSV as UTF-8; the import reads it with or without.
    return f"import-{kind.key}.csv", "text/csv; charset=utf-8", b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
