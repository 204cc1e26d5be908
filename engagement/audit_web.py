"""How the audit entries of the survey pages read (merged into engagement/audit_actions.py).

Every sentence is made of counts, codes and the package's file name and SHA-256: the payloads hold no
value from the survey file (engagement.services), so neither do the sentences.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import count, format_name

from .models import SurveyUpload

LABELS = {
    "engagement.upload.received": gettext_lazy("調査データをアップロード"),
    "engagement.mapping.saved": gettext_lazy("調査データの列の対応づけを保存"),
    "engagement.upload.validated": gettext_lazy("調査データを検証"),
    "engagement.risk.planned": gettext_lazy("再識別リスクの対策（一般化）を設定"),
    "engagement.free_text.reviewed": gettext_lazy("自由記述の個人情報を確認"),
    "engagement.pseudonyms.linkable": gettext_lazy("年度をまたぐ仮名IDの鍵を作成"),
    "engagement.upload.purged": gettext_lazy("アップロードした調査データを削除"),
    "engagement.upload.swapped": gettext_lazy("調査データの回答ファイルと職員属性マスタを入れ替え"),
    "engagement.package.downloaded": gettext_lazy("調査データの暗号化パッケージをダウンロード"),
    "engagement.package.file_purged": gettext_lazy("渡した記録媒体の暗号化ファイルを削除"),
    "engagement.data.purged": gettext_lazy("保存期間を過ぎた調査データを削除"),
}

PERSONAL_DATA_DOWNLOADS = {"engagement.package.downloaded"}

PROBLEMS = {
    "header_only": gettext_lazy("回答の行がない"),
    "no_staff_number": gettext_lazy("職員番号の列がない"),
    "master_no_staff_number": gettext_lazy("マスタに職員番号の列がない"),
    "duplicate_column": gettext_lazy("列の重複"),
    "no_output": gettext_lazy("出力する列がない"),
    "ragged_row": gettext_lazy("項目数の合わない行"),
    "empty_staff_number": gettext_lazy("職員番号の空欄"),
    "duplicate_staff_number": gettext_lazy("職員番号の重複"),
    "master_duplicate_staff_number": gettext_lazy("マスタの職員番号の重複"),
    "missing_in_master": gettext_lazy("マスタにない職員番号"),
    "out_of_range": gettext_lazy("選択肢にない回答"),
    "files_swapped": gettext_lazy("回答ファイルとマスタの入れ替わり"),
    "empty_required": gettext_lazy("必須の回答の空欄"),
}
# Problem codes and roles as engagement.services writes them ("key" would be masked as a secret).
ROLES = (("staff_number", gettext_lazy("職員番号")), ("drop", gettext_lazy("区外に出さない")), ("attribute", gettext_lazy("属性")),
         ("answer", gettext_lazy("回答")), ("ignore", gettext_lazy("使わない")))


def _number(value) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "?"


def _received(payload, context) -> str:
    text = _("%(rows)s行 × %(columns)s列（%(format)s）") % {
        "rows": _number(payload.get("rows")), "columns": _number(payload.get("columns")),
        "format": format_name(payload.get("format"))}
    if payload.get("master_rows") is not None:
        text += _("と職員属性マスタ %(rows)s行 × %(columns)s列") % {
            "rows": _number(payload.get("master_rows")), "columns": _number(payload.get("master_columns"))}
    text += _("を暗号化して保管（保存期間 %(days)s日）") % {"days": payload.get("retention_days", "")}
    if payload.get("replaced"):
        text += _("。作業中だった前のアップロードのデータを削除")
    return text


def _mapping(payload, context) -> str:
    roles = payload.get("roles") if isinstance(payload.get("roles"), dict) else {}
    parts = [f"{label} {_number(roles.get(code, 0))}" for code, label in ROLES if roles.get(code)]
    return _("%(columns)s列: %(roles)s") % {"columns": _number(payload.get("columns")), "roles": "・".join(parts)}


def _validated(payload, context) -> str:
    text = _("%(rows)s行 × %(columns)s列") % {"rows": _number(payload.get("rows")),
                                              "columns": _number(payload.get("columns"))}
    problems = payload.get("problems") if isinstance(payload.get("problems"), dict) else {}
    if payload.get("ok"):
        return text + _("。エラーなし")
    listed = "、".join(f"{PROBLEMS.get(code, _('その他'))} {_number(n)}件" for code, n in problems.items())
    text += _("。エラーあり（%(problems)s）") % {"problems": listed}
    if payload.get("kept"):
        text += _("。ファイルは暗号化したまま保管（対応づけを直すか、直したファイルに替えるまで）")
    else:
        text += _("。ファイルは保管せずに削除")
    return text


def _planned(payload, context) -> str:
    text = _("k=%(k)s、準識別子 %(quasi)s列、一般化 %(g)s列") % {
        "k": payload.get("k", ""), "quasi": _number(payload.get("quasi")), "g": _number(payload.get("generalisations"))}
    if payload.get("suppress"):
        text += _("、小さいグループは秘匿")
    if payload.get("departments_mapped"):
        text += _("、所属の対応表 %(n)s件") % {"n": _number(payload.get("departments_mapped"))}
    return text + (_("（提案を適用）") if payload.get("source") == "proposal" else _("（担当者が設定）"))


def _reviewed(payload, context) -> str:
    return _("見つかった%(findings)s箇所のうち%(masked)s箇所を■でマスク") % {
        "findings": _number(payload.get("findings")), "masked": _number(payload.get("masked"))}


def _linkable(payload, context) -> str:
    return _("鍵は区がアプリ内で暗号化して保管し、パッケージには含めない")


def _purged(payload, context) -> str:
    reason = dict(SurveyUpload.PurgeReason.choices).get(payload.get("reason"), "")
    return _("%(reason)s（ファイル %(files)s件）") % {"reason": reason, "files": _number(payload.get("files"))}


def _downloaded(payload, context) -> str:
    return _("%(file)s（%(rows)s、記録媒体 %(medium)s 用）SHA-256 %(sha)s…") % {
        "file": payload.get("file_name", ""), "rows": count(payload.get("rows")), "medium": payload.get("medium", ""),
        "sha": str(payload.get("sha256", ""))[:16]}


def _file_purged(payload, context) -> str:
    return _("記録媒体 %(medium)s を渡したため、アプリ内に保管していた暗号化ファイルを削除") % {
        "medium": payload.get("medium", "")}


def _data_purged(payload, context) -> str:
    return _("保存期間（%(days)s日）を過ぎたアップロード %(uploads)s件、渡した記録媒体の暗号化ファイル %(packages)s件、"
             "記録のないファイル %(orphans)s件を削除") % {
        "days": payload.get("retention_days", ""), "uploads": _number(payload.get("uploads")),
        "packages": _number(payload.get("packages")), "orphans": _number(payload.get("orphans"))}


def _swapped(payload, context) -> str:
    return _("入れ替えた後: 回答ファイル %(rows)s行 × %(columns)s列、職員属性マスタ %(master_rows)s行 × %(master_columns)s列") % {
        "rows": _number(payload.get("rows")), "columns": _number(payload.get("columns")),
        "master_rows": _number(payload.get("master_rows")), "master_columns": _number(payload.get("master_columns"))}


DETAILS = {
    "engagement.upload.received": _received,
    "engagement.upload.swapped": _swapped,
    "engagement.mapping.saved": _mapping,
    "engagement.upload.validated": _validated,
    "engagement.risk.planned": _planned,
    "engagement.free_text.reviewed": _reviewed,
    "engagement.pseudonyms.linkable": _linkable,
    "engagement.upload.purged": _purged,
    "engagement.package.downloaded": _downloaded,
    "engagement.package.file_purged": _file_purged,
    "engagement.data.purged": _data_purged,
}


def _uploads(ids) -> dict:
    return {str(pk): _("調査データのアップロード No.%(pk)s") % {"pk": pk}
            for pk in SurveyUpload.objects.filter(pk__in=[i for i in ids if str(i).isdigit()]).values_list("pk", flat=True)}


def _packages(ids) -> dict:
    from .models import SurveyPackage

    rows = SurveyPackage.objects.filter(pk__in=[i for i in ids if str(i).isdigit()]).values_list("pk", "file_name")
    return {str(pk): _("暗号化パッケージ（%(file)s）") % {"file": name} for pk, name in rows}


OBJECTS = {
    "engagement.surveyupload": _uploads,
    "engagement.surveypackage": _packages,
}
