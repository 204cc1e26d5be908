"""How the checklist app's audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import choice, count, fields_text, format_name, listing, text

from .models import (
    ChecklistItem,
    ChecklistSide,
    ChecklistTemplate,
    Confirmation,
    EvidenceRequest,
    Mark,
    MeasureChange,
    Section,
    Side,
)

LABELS = {
    "checklist.plan.saved": gettext_lazy("チェックリストの計画を保存"),
    "checklist.plan.finalised": gettext_lazy("チェックリストの計画を確定"),
    "checklist.plan.revised": gettext_lazy("チェックリストの計画を変更"),
    "checklist.item.attested": gettext_lazy("チェック項目の実施状況を記入"),
    "checklist.item.accepted": gettext_lazy("チェック項目を確認済みにした"),
    "checklist.item.returned": gettext_lazy("チェック項目を差し戻した"),
    "checklist.side.submitted": gettext_lazy("チェックリストの確認を依頼"),
    "checklist.side.locked": gettext_lazy("チェックリストを確定"),
    "checklist.template.versioned": gettext_lazy("チェックリストのひな形を改版"),
    "checklist.template.drafted": gettext_lazy("チェックリストのひな形を Excel から取り込み（下書き）"),
    "checklist.template.published": gettext_lazy("チェックリストのひな形を公開"),
    "checklist.exported": gettext_lazy("チェックリストを出力"),
    "checklist.items.attested": gettext_lazy("チェック項目の実施状況をまとめて記入"),
    "checklist.items.accepted": gettext_lazy("残りのチェック項目をまとめて確認済みにした"),
    "checklist.confirmation.recorded": gettext_lazy("チェック項目の裏付けとなる確認を記録"),
    "checklist.change.recorded": gettext_lazy("個人情報保護・情報セキュリティ対策の変更を記録"),
    "checklist.change.consulted": gettext_lazy("対策の変更についての協議を記録"),
    "checklist.evidence.requested": gettext_lazy("チェック項目の根拠資料を依頼"),
    "checklist.evidence.answered": gettext_lazy("依頼された根拠資料を提出"),
    "checklist.evidence.accepted": gettext_lazy("提出された根拠資料を受理"),
    "checklist.evidence.returned": gettext_lazy("提出された根拠資料を差し戻した"),
}

GROUPS = {"checklist.": gettext_lazy("チェックリスト")}

PERSONAL_DATA_DOWNLOADS = {"checklist.exported"}

# How a clerk names a side in a short line: 「委託先」, 「区」.
SIDE_SHORT = {Side.WARD: gettext_lazy("区"), Side.CONTRACTOR: gettext_lazy("委託先")}
EXPORT_SIDES = {"ward": gettext_lazy("区が行う対策"), "contractor": gettext_lazy("委託事業者に行わせる対策"),
                "both": gettext_lazy("区・委託先の両方")}

FIELDS = {
    "side": (gettext_lazy("区分"), choice(Side)),
    "comment": gettext_lazy("コメント"),
    "evidence": gettext_lazy("根拠資料"),
    "out": gettext_lazy("出力先"),
}


def item_label(key) -> str:
    """``contractor.operational.03`` → 「委託先 運用上の対策 3」 (the key is stable across versions)."""
    try:
        # An imported template's keys may carry a prefix (printing.ward.operational.01).
        side, section, number = str(key).split(".")[-3:]
        return _("%(side)s %(section)s %(number)s") % {
            "side": SIDE_SHORT[side], "section": dict(Section.choices)[section], "number": int(number)}
    except (KeyError, ValueError):
        return ""


def _items(keys) -> str:
    return listing([item_label(k) for k in keys or [] if item_label(k)], 3)


def _marks(changes) -> str:
    counts = {Mark.PLANNED: 0, Mark.NOT_NEEDED: 0, "": 0}
    for change in changes or []:
        after = change.get("after", "") if isinstance(change, dict) else ""
        counts[after if after in counts else ""] += 1
    parts = [_("○ %(n)s項目") % {"n": counts[Mark.PLANNED]} if counts[Mark.PLANNED] else "",
             _("ー %(n)s項目") % {"n": counts[Mark.NOT_NEEDED]} if counts[Mark.NOT_NEEDED] else "",
             _("未記入 %(n)s項目") % {"n": counts[""]} if counts[""] else ""]
    return "、".join(p for p in parts if p) or _("変更なし")


def _saved(payload, context) -> str:
    sentence = _("記入: %(marks)s") % {"marks": _marks(payload.get("changes"))}
    if payload.get("created"):
        sentence = _("計画を作成（ひな形 第%(version)s版）。") % {"version": payload.get("template_version", "")} + sentence
    return sentence


def _finalised(payload, context) -> str:
    sentence = _("○ %(planned)s項目、ー %(not_needed)s項目で確定") % {
        "planned": payload.get("planned", 0), "not_needed": len(payload.get("not_needed") or [])}
    if payload.get("not_needed"):
        sentence += _("（ー: %(items)s）") % {"items": _items(payload["not_needed"])}
    return sentence


def _revised(payload, context) -> str:
    return _("計画を第%(revision)s版に変更（%(marks)s）。理由: %(reason)s") % {
        "revision": payload.get("revision", ""), "marks": _marks(payload.get("changes")),
        "reason": text(payload.get("reason"))}


def _attested(payload, context) -> str:
    sentence = str(choice(ChecklistItem.Attestation)(payload.get("attestation")))
    if payload.get("note"):
        sentence += _("。内容: %(note)s") % {"note": text(payload["note"])}
    if payload.get("evidence"):
        sentence += _("。根拠資料: %(evidence)s") % {"evidence": text(payload["evidence"])}
    if payload.get("flagged"):
        sentence += _("。アプリの記録と一致しません")
    return sentence


def _reviewed(payload, context) -> str:
    sentence = str(choice(ChecklistItem.Review)(payload.get("decision")))
    if payload.get("comment"):
        sentence += _("。コメント: %(comment)s") % {"comment": text(payload["comment"])}
    if payload.get("flagged"):
        sentence += _("（アプリの記録と不一致の項目）")
    return sentence


def _submitted(payload, context) -> str:
    return _("%(side)sの確認を依頼（%(n)s回目、確認待ち %(waiting)s項目）") % {
        "side": choice(Side)(payload.get("side")), "n": payload.get("submission", ""),
        "waiting": payload.get("awaiting_review", 0)}


def _locked(payload, context) -> str:
    return _("%(side)sを確定") % {"side": choice(Side)(payload.get("side"))}


def _versioned(payload, context) -> str:
    return _("第%(from)s版から第%(version)s版を作成（文言を変えた項目: %(items)s）。理由: %(note)s") % {
        "from": payload.get("from", ""), "version": payload.get("version", ""),
        "items": _items(payload.get("changed")) or count(len(payload.get("changed") or []), _("項目")),
        "note": text(payload.get("note"))}


def _type_words(payload) -> str:
    return payload.get("contract_type") or _("既定")


def _drafted(payload, context) -> str:
    sentence = _("%(type)sのひな形 第%(version)s版を下書きとして取り込み（%(items)s、うち添付による証明 %(files)s）。") % {
        "type": _type_words(payload), "version": payload.get("version", ""),
        "items": count(payload.get("items") or 0, _("項目")), "files": payload.get("attestation_with_files", 0)}
    if payload.get("replaced_drafts"):
        sentence += _("公開前の下書き（第%(versions)s版）を置き換えた。") % {
            "versions": "・".join(str(v) for v in payload["replaced_drafts"])}
    return sentence


def _published(payload, context) -> str:
    return _("%(type)sのひな形 第%(version)s版を公開（%(items)s）。") % {
        "type": _type_words(payload), "version": payload.get("version", ""),
        "items": count(payload.get("items") or 0, _("項目"))}


def _exported(payload, context) -> str:
    sentence = _("%(side)sを%(format)sで出力") % {
        "side": EXPORT_SIDES.get(payload.get("side"), _("チェックリスト")), "format": format_name(payload.get("format"))}
    rest = fields_text(payload, context, skip={"side", "format"})
    return f"{sentence}。{rest}" if rest else sentence


def _attested_together(payload, context) -> str:
    entries = [e for e in payload.get("items") or [] if isinstance(e, dict)]
    states = choice(ChecklistItem.Attestation)
    tally = {}
    for entry in entries:
        tally[states(entry.get("attestation"))] = tally.get(states(entry.get("attestation")), 0) + 1
    sentence = _("%(side)s %(n)s項目（%(tally)s）") % {
        "side": choice(Side)(payload.get("side")), "n": payload.get("count", len(entries)),
        "tally": "、".join(f"{state} {n}" for state, n in tally.items())}
    flagged = sum(1 for e in entries if e.get("flagged"))
    if flagged:
        sentence += _("。アプリの記録と一致しない項目 %(n)s") % {"n": flagged}
    labels = _items([e.get("key") for e in entries])
    return sentence + (_("。項目: %(items)s") % {"items": labels} if labels else "")


def _accepted_together(payload, context) -> str:
    sentence = _("%(side)s %(n)s項目を確認済みにした") % {
        "side": choice(Side)(payload.get("side")), "n": payload.get("count", 0)}
    if payload.get("left_for_review"):
        sentence += _("（確認待ちが %(n)s項目残っています）") % {"n": payload["left_for_review"]}
    return sentence


def _confirmed(payload, context) -> str:
    sentence = _("%(kind)s（%(side)s、確認日 %(date)s）") % {
        "kind": choice(Confirmation.Kind)(payload.get("kind")), "side": SIDE_SHORT.get(payload.get("side"), ""),
        "date": text(payload.get("confirmed_on"))}
    if payload.get("reference"):
        sentence += _("。版・日付: %(reference)s") % {"reference": text(payload["reference"])}
    if payload.get("cloud_used") is not None:
        sentence += _("。クラウドサービスを利用する") if payload["cloud_used"] else _("。クラウドサービスは利用しない")
    return sentence


def _change(payload, context) -> str:
    sentence = _("変更日 %(date)s") % {"date": text(payload.get("changed_on"))}
    if payload.get("consulted_on"):
        sentence += _("。協議日 %(date)s") % {"date": text(payload["consulted_on"])}
    return sentence


def _evidence_request(payload, context) -> str:
    sentence = item_label(payload.get("key"))
    if payload.get("due_on"):
        sentence += _("。提出期限 %(date)s") % {"date": text(payload["due_on"])}
    if payload.get("submission"):
        sentence += _("（%(n)s回目の提出）") % {"n": payload["submission"]}
    if payload.get("late"):
        sentence += _("。期限後の提出")
    if payload.get("reason"):
        sentence += _("。差戻しの理由: %(reason)s") % {"reason": text(payload["reason"])}
    return sentence


DETAILS = {
    "checklist.confirmation.recorded": _confirmed,
    "checklist.change.recorded": _change,
    "checklist.change.consulted": _change,
    "checklist.evidence.requested": _evidence_request,
    "checklist.evidence.answered": _evidence_request,
    "checklist.evidence.accepted": _evidence_request,
    "checklist.evidence.returned": _evidence_request,
    "checklist.items.attested": _attested_together,
    "checklist.items.accepted": _accepted_together,
    "checklist.plan.saved": _saved,
    "checklist.plan.finalised": _finalised,
    "checklist.plan.revised": _revised,
    "checklist.item.attested": _attested,
    "checklist.item.accepted": _reviewed,
    "checklist.item.returned": _reviewed,
    "checklist.side.submitted": _submitted,
    "checklist.side.locked": _locked,
    "checklist.template.versioned": _versioned,
    "checklist.template.drafted": _drafted,
    "checklist.template.published": _published,
    "checklist.exported": _exported,
}


def _checklists(ids):
    return {pk: str(_("個人情報保護対策チェックリスト")) for pk in ids}


def _sides(ids):
    rows = ChecklistSide.objects.filter(pk__in=ids)
    return {str(s.pk): _("チェックリスト %(side)s") % {"side": SIDE_SHORT.get(s.side, s.get_side_display())}
            for s in rows}


def _checklist_items(ids):
    rows = ChecklistItem.objects.filter(pk__in=ids).select_related("template_item")
    return {str(i.pk): _("チェックリスト %(item)s") % {"item": item_label(i.template_item.key)} for i in rows}


def _templates(ids):
    rows = ChecklistTemplate.objects.filter(pk__in=ids)
    return {str(t.pk): (_("チェックリストのひな形 第%(version)s版") % {"version": t.version})
            + (f"（{t.contract_type.name}）" if t.contract_type_id else "") for t in rows.select_related("contract_type")}


def _confirmations(ids):
    rows = Confirmation.objects.filter(pk__in=ids)
    return {str(c.pk): _("確認の記録（%(kind)s）") % {"kind": c.get_kind_display()} for c in rows}


def _changes(ids):
    return {str(pk): _("対策の変更の記録") for pk in MeasureChange.objects.filter(pk__in=ids).values_list("pk", flat=True)}


def _requests(ids):
    rows = EvidenceRequest.objects.filter(pk__in=ids).select_related("item__template_item")
    return {str(r.pk): _("根拠資料の依頼（%(item)s）") % {"item": item_label(r.item.template_item.key)} for r in rows}


OBJECTS = {
    "checklist.confirmation": _confirmations,
    "checklist.measurechange": _changes,
    "checklist.evidencerequest": _requests,
    "checklist.checklist": _checklists,
    "checklist.checklistside": _sides,
    "checklist.checklistitem": _checklist_items,
    "checklist.checklisttemplate": _templates,
}
