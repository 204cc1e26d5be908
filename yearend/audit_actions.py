"""How the year's end's audit entries read (see audit/formatting.py).

The actions keep the names they were written under before the year's end had its own app (``contract.report.*``,
``contract.closed``, ``handover.copy.*``, ``handover.deletion.*``), and the objects are named under both their
old labels and their new ones, so that entries written before the move read as they did.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import choice, count, date_text, format_name, listing, text
from contracts.audit_actions import steps_text

from .models import ContractMeasure, ContractReport, CopyRecord, DeletionLine, DeletionReport

LABELS = {
    # The submission holds the contract's fields and the checklist plan, no one's personal information:
    # not a personal-data download.
    "contract.council_submission.exported": gettext_lazy("付議事項（個人情報保護管理運営会議）を出力"),
    "contract.report.submitted": gettext_lazy("報告書（個人情報なし）の提出を記録"),
    "contract.report.accepted": gettext_lazy("報告書を受理"),
    "contract.report.returned": gettext_lazy("報告書を差戻し"),
    # The report holds no personal information (the contractor confirms it, the ward checks it before
    # accepting): not a personal-data download.
    "contract.report.downloaded": gettext_lazy("報告書のPDFをダウンロード"),
    "contract.measure.recorded": gettext_lazy("対応策・改善策を記録"),
    "contract.closed": gettext_lazy("契約を完了（調査データを削除）"),
    "contract.reopened": gettext_lazy("完了した契約を再開"),
    "handover.copy.registered": gettext_lazy("複製等の記録に複製を記録"),
    "handover.copy.exported": gettext_lazy("複製等の記録をExcelで出力"),
    "handover.deletion.created": gettext_lazy("消去報告書を作成"),
    "handover.deletion.line_added": gettext_lazy("消去報告書に行を追加"),
    "handover.deletion.line_removed": gettext_lazy("消去報告書の行を削除"),
    "handover.deletion.line_saved": gettext_lazy("消去報告書の行を記入"),
    "handover.deletion.submitted": gettext_lazy("消去報告書を区に提出"),
    "handover.deletion.returned": gettext_lazy("消去報告書を差戻し"),
    "handover.deletion.accepted": gettext_lazy("消去報告書を受理"),
    "handover.deletion.exported": gettext_lazy("消去報告書をPDFで出力"),
}

GROUPS = {
    "contract.report.": gettext_lazy("報告書"),
    "contract.measure.": gettext_lazy("対応策・改善策"),
    "handover.copy.": gettext_lazy("複製等の記録"),
    "handover.deletion.": gettext_lazy("消去報告書"),
}

# The deletion report names the people who erased and verified each copy, as the ledger names handlers.
PERSONAL_DATA_DOWNLOADS = {"handover.deletion.exported", "handover.copy.exported"}


def _report(payload, context) -> str:
    sentence = _("「%(title)s」") % {"title": text(payload.get("title"), 60)}
    if payload.get("pages"):
        sentence += _("（%(n)sページ）") % {"n": payload["pages"]}
    if payload.get("submitted_at"):
        sentence += _("、提出日時 %(when)s") % {"when": date_text(payload["submitted_at"])}
    if payload.get("no_personal_data"):
        sentence += _("。個人情報を含まないことを委託先が確認")
    if payload.get("checked_no_personal_data"):
        sentence += _("。個人情報を含まないことを区が確認")
    if payload.get("pdf_sha256"):
        sentence += _("。PDF（SHA-256 %(hash)s…）") % {"hash": str(payload["pdf_sha256"])[:12]}
    if payload.get("reason"):
        sentence += _("。理由: %(reason)s") % {"reason": text(payload["reason"])}
    if payload.get("steps"):
        sentence += _("。工程 %(steps)s が記録に従って変わった") % {"steps": steps_text(payload["steps"])}
    return sentence


def _closed(payload, context) -> str:
    purged = payload.get("purged") or {}
    sentence = _("アプリに残っていた調査データを削除: アップロード%(uploads)s、暗号化パッケージのファイル%(packages)s、"
                 "年度をまたぐ仮名IDの鍵%(key)s（削除したファイル %(files)s）") % {
        "uploads": count(purged.get("uploads", 0)), "packages": count(purged.get("packages", 0)),
        "key": count(purged.get("pseudonym_keys", 0)), "files": count(purged.get("files", 0), _("個"))}
    if payload.get("pseudonym_keys_kept"):
        sentence += _("。年度をまたぐ仮名IDの鍵は翌年度のために残した（理由: %(reason)s）") % {
            "reason": text(payload.get("keep_reason"))}
    return sentence


def _reopened(payload, context) -> str:
    return _("理由: %(reason)s") % {"reason": text(payload.get("reason"))}


def _copy(payload, context) -> str:
    sentence = _("複製 No.%(n)s: %(source)sを%(place)s（%(where)s）へ") % {
        "n": payload.get("number", ""), "source": payload.get("source", ""),
        "place": choice(CopyRecord.Place)(payload.get("place")), "where": text(payload.get("location"), 60)}
    if payload.get("made_at"):
        sentence += _("。複製した日時 %(when)s") % {"when": date_text(payload["made_at"])}
    if payload.get("made_by"):
        sentence += _("、複製した者 %(name)s") % {"name": context.person(payload["made_by"])}
    if payload.get("purpose"):
        sentence += _("、目的 %(purpose)s") % {"purpose": text(payload["purpose"], 60)}
    sentence += _("、暗号化あり") if payload.get("encrypted") else _("、暗号化なし")
    return sentence


def _deletion(payload, context) -> str:
    sentence = _("消去報告書 No.%(n)s") % {"n": payload.get("number", "")}
    line = payload.get("line")
    if line:
        sentence += _("・%(line)s") % {"line": text(line, 60)}
    if payload.get("method_type"):
        sentence += _(": %(type)s（%(method)s、%(tool)s %(version)s）、実施日 %(day)s、実施者 %(performer)s、"
                      "確認者 %(verifier)s、確認の方法 %(how)s") % {
            "type": choice(DeletionLine.Method)(payload["method_type"]), "method": text(payload.get("method"), 40),
            "tool": text(payload.get("tool"), 30), "version": text(payload.get("tool_version"), 20),
            "day": date_text(payload.get("performed_on")), "performer": context.person(payload.get("performer")),
            "verifier": context.person(payload.get("verifier")), "how": text(payload.get("verification"), 40)}
        if payload.get("certificate"):
            sentence += _("、証明書 %(number)s") % {"number": text(payload["certificate"], 30)}
        sentence += _("、区の立会いあり") if payload.get("witnessed") else ""
    lines = payload.get("lines")
    if isinstance(lines, dict):
        sentence += _("。差戻し: %(lines)s") % {"lines": "、".join(
            _("%(line)s（%(reason)s）") % {"line": text(k, 40), "reason": text(v, 60)} for k, v in lines.items())}
    elif lines:
        sentence += _("。行: %(lines)s") % {"lines": listing(lines)}
    if payload.get("disposed"):
        sentence += _("。破壊・消去済みとした記録媒体等: %(items)s") % {"items": listing(payload["disposed"])}
    if payload.get("submission"):
        sentence += _("（%(n)s回目の提出）") % {"n": payload["submission"]}
    if payload.get("format"):
        sentence += _("。%(format)sで出力") % {"format": format_name(payload["format"])}
    if payload.get("out"):
        sentence += _("。出力先: %(out)s") % {"out": text(payload["out"], 120)}
    return sentence


def _copies_exported(payload, context) -> str:
    return _("%(format)sで出力（%(rows)s）") % {"format": format_name(payload.get("format")),
                                           "rows": count(payload.get("rows"))}


DETAILS = {
    "handover.copy.exported": _copies_exported,
    "contract.report.submitted": _report,
    "contract.report.accepted": _report,
    "contract.report.returned": _report,
    "contract.report.downloaded": _report,
    "contract.closed": _closed,
    "contract.reopened": _reopened,
    "handover.copy.registered": _copy,
    "handover.deletion.created": _deletion,
    "handover.deletion.line_added": _deletion,
    "handover.deletion.line_removed": _deletion,
    "handover.deletion.line_saved": _deletion,
    "handover.deletion.submitted": _deletion,
    "handover.deletion.returned": _deletion,
    "handover.deletion.accepted": _deletion,
    "handover.deletion.exported": _deletion,
}


def _reports(ids):

    return {str(r.pk): _("報告書「%(title)s」") % {"title": text(r.title, 40)}
            for r in ContractReport.objects.filter(pk__in=ids)}


def _measures(ids):

    return {str(m.pk): _("対応策・改善策（%(date)s）") % {"date": date_text(m.decided_on.isoformat())}
            for m in ContractMeasure.objects.filter(pk__in=ids)}


def _copy_records(ids):
    return {str(c.pk): _("複製 No.%(n)s") % {"n": c.number} for c in CopyRecord.objects.filter(pk__in=ids)}


def _deletion_reports(ids):
    return {str(r.pk): _("消去報告書 No.%(n)s") % {"n": r.number} for r in DeletionReport.objects.filter(pk__in=ids)}


OBJECTS = {
    "yearend.contractreport": _reports,
    "yearend.contractmeasure": _measures,
    "yearend.copyrecord": _copy_records,
    "yearend.deletionreport": _deletion_reports,
    # Entries written before the move name the objects under the apps they lived in.
    "contracts.contractreport": _reports,
    "contracts.contractmeasure": _measures,
    "handover.copyrecord": _copy_records,
    "handover.deletionreport": _deletion_reports,
}
