"""How the handover app's audit entries read (see audit/formatting.py)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import (
    choice,
    count,
    date_text,
    fields_text,
    format_name,
    listing,
    person,
    text,
)

from .models import (
    Handover,
    HandoverLine,
    Item,
    MediumKind,
    OnlineTransfer,
    StorageRecord,
)

LABELS = {
    "handover.item.registered": gettext_lazy("記録媒体等を登録"),
    "handover.recorded": gettext_lazy("受渡しを記録"),
    "handover.hash_mismatch": gettext_lazy("受渡しの受領時にSHA-256が不一致"),
    "handover.acknowledged": gettext_lazy("受渡しの受領を確認"),
    "handover.cancelled": gettext_lazy("受渡しを取消"),
    "handover.storage.recorded": gettext_lazy("保管場所を記録"),
    "handover.storage.checked": gettext_lazy("保管状況を定期確認"),
    "handover.ledger.exported": gettext_lazy("管理簿を出力"),
    "handover.reminders.sent": gettext_lazy("受領確認・定期確認の督促メールを送信"),
    "handover.transfer.sent": gettext_lazy("LGWAN等による送信を記録"),
    "handover.transfer.acknowledged": gettext_lazy("LGWAN等による送信の受信を確認"),
}

# Everything about the media, their handovers, storage and ledger is what a clerk calls 受渡し.
GROUPS = {
    "handover.": gettext_lazy("受渡し・記録媒体等・保管・管理簿"),
}

PERSONAL_DATA_DOWNLOADS = {"handover.ledger.exported"}

FIELDS = {
    "recipient": (gettext_lazy("受け取る者"), person),
    "direction": (gettext_lazy("方向"), choice(Handover.Direction)),
    "category": (gettext_lazy("区分"), choice(Item.Category)),
    "place": (gettext_lazy("保管設備"), choice(StorageRecord.Place)),
    "location": gettext_lazy("保管場所"),
    "label": gettext_lazy("管理番号"),
    "items": gettext_lazy("品目"),
    "item": gettext_lazy("品目"),
    "handed_at": (gettext_lazy("受渡し日時"), date_text),
    "reason": gettext_lazy("理由"),
    "late_reason": gettext_lazy("事後記録の理由"),
    "on_behalf_of": (gettext_lazy("代理で"), person),
    "sha256_not_computed": (gettext_lazy("SHA-256を計算できなかった品目"),
                            lambda value, context: _not_computed(value)),
    "format": (gettext_lazy("形式"), lambda value, context: format_name(value)),
    "rows": (gettext_lazy("件数"), lambda value, context: count(value)),
}

_LEDGER_FILTERS = {
    "contract_filter": gettext_lazy("契約"),
    "date_from": gettext_lazy("期間（から）"),
    "date_to": gettext_lazy("期間（まで）"),
    "category": gettext_lazy("区分"),
    "direction": gettext_lazy("方向"),
    "status": gettext_lazy("状態"),
}
_FILTER_VALUES = {
    "category": choice(Item.Category),
    "direction": choice(Handover.Direction),
    "status": choice(Handover.Status),
    "date_from": date_text,
    "date_to": date_text,
}


def _not_computed(value) -> str:
    if isinstance(value, dict):
        return "、".join(_("%(item)s（%(why)s）") % {"item": item, "why": text(why, 60)} for item, why in value.items())
    return listing(value)


def _registered(payload, context) -> str:
    sentence = f"{payload.get('kind') or choice(Item.Category)(payload.get('category'))} {payload.get('label', '')}"
    details = [count(payload.get("record_count")) if payload.get("record_count") is not None else "",
               count(payload.get("pieces"), _("点")) if payload.get("pieces") else ""]
    if payload.get("opens"):
        details.append(_("%(medium)sを開く") % {"medium": payload["opens"]})
    details = [d for d in details if d]
    if details:
        sentence += _("（%(details)s）") % {"details": "、".join(details)}
    if payload.get("sha256"):
        sentence += _("。SHA-256を登録")
    return sentence


def _recorded(payload, context) -> str:
    sentence = _("%(direction)s: %(items)sを%(recipient)sさんへ") % {
        "direction": choice(Handover.Direction)(payload.get("direction")), "items": listing(payload.get("items")),
        "recipient": context.person(payload.get("recipient")),
    }
    if payload.get("handed_at"):
        sentence += _("。受渡し日時 %(when)s") % {"when": date_text(payload["handed_at"])}
    method = [_("手渡し") if payload.get("by_hand") else _("手渡し以外"), text(payload.get("container"), 40)]
    sentence += _("（%(method)s）") % {"method": "・".join(m for m in method if m)}
    rest = fields_text(payload, context, skip={"number", "direction", "items", "recipient", "handed_at", "by_hand",
                                              "container"})
    return f"{sentence}。{rest}" if rest else sentence


def _mismatch(payload, context) -> str:
    return _("%(item)sのSHA-256が登録された値と一致しませんでした（入力された値の先頭: %(entered)s）") % {
        "item": payload.get("item", ""), "entered": str(payload.get("entered_sha256", ""))[:12]}


def _acknowledged(payload, context) -> str:
    sentence = _("%(items)sを受領") % {"items": listing(payload.get("items"))}
    verified = payload.get("sha256_verified") or []
    if verified:
        sentence += _("（SHA-256一致: %(items)s）") % {"items": listing(verified)}
    if payload.get("handed_at"):
        sentence += _("。受渡し日時 %(when)s を確認") % {"when": date_text(payload["handed_at"])}
    rest = fields_text(payload, context, skip={"number", "direction", "items", "sha256_verified", "handed_at"})
    return f"{sentence}。{rest}" if rest else sentence


def _cancelled(payload, context) -> str:
    return fields_text(payload, context, skip={"number"})


def _stored(payload, context) -> str:
    return _("%(label)sを%(place)s（%(location)s）に保管") % {
        "label": payload.get("label", ""), "place": choice(StorageRecord.Place)(payload.get("place")),
        "location": text(payload.get("location"), 60)}


def _checked(payload, context) -> str:
    sentence = _("%(label)sが%(location)sにあることを確認") % {
        "label": payload.get("label", ""), "location": text(payload.get("location"), 60)}
    if payload.get("note"):
        sentence += _("。備考: %(note)s") % {"note": text(payload["note"])}
    return sentence


def ledger_filters_text(filters: dict, context) -> str:
    parts = []
    for key, value in (filters or {}).items():
        if key == "contract_filter":
            shown = context.contract(value)
        else:
            shown = _FILTER_VALUES.get(key, lambda v, c=None: text(v, 40))(value)
        parts.append(_("%(label)s %(value)s") % {"label": _LEDGER_FILTERS.get(key, _("条件")), "value": shown})
    return "、".join(parts) if parts else _("なし")


def _exported(payload, context) -> str:
    sentence = _("%(format)sで出力（%(rows)s、絞り込み: %(filters)s）") % {
        "format": format_name(payload.get("format")), "rows": count(payload.get("rows")),
        "filters": ledger_filters_text(payload.get("filters"), context)}
    if payload.get("out"):
        sentence += _("。出力先: %(out)s") % {"out": text(payload["out"], 120)}
    return sentence


def _transfer_sent(payload, context) -> str:
    return _("%(channel)sで%(recipient)sさんへ送信（%(size)sバイト、SHA-256 %(sha)s…）。送信日時 %(when)s") % {
        "channel": choice(OnlineTransfer.Channel)(payload.get("channel")),
        "recipient": context.person(payload.get("recipient")), "size": payload.get("size", ""),
        "sha": str(payload.get("sha256", ""))[:12], "when": date_text(payload.get("sent_at"))}


def _transfer_acknowledged(payload, context) -> str:
    return _("送信 No.%(number)sの受信を確認（SHA-256 %(sha)s…）") % {
        "number": payload.get("number", ""), "sha": str(payload.get("sha256", ""))[:12]}


def _reminders(payload, context) -> str:
    return _("メール%(mails)s（受領確認待ち %(pending)s、定期確認の期限超過 %(overdue)s）") % {
        "mails": count(payload.get("mails"), _("通")), "pending": count(payload.get("pending_acknowledgements")),
        "overdue": count(payload.get("overdue_checks"))}


DETAILS = {
    "handover.item.registered": _registered,
    "handover.recorded": _recorded,
    "handover.hash_mismatch": _mismatch,
    "handover.acknowledged": _acknowledged,
    "handover.cancelled": _cancelled,
    "handover.storage.recorded": _stored,
    "handover.storage.checked": _checked,
    "handover.ledger.exported": _exported,
    "handover.reminders.sent": _reminders,
    "handover.transfer.sent": _transfer_sent,
    "handover.transfer.acknowledged": _transfer_acknowledged,
}


def _handovers(ids):
    """受渡し No.3（CD-2026-002）: the number and what travelled."""
    lines = Prefetch("lines", queryset=HandoverLine.objects.select_related("item").order_by("item__label"))
    rows = Handover.objects.filter(pk__in=ids).prefetch_related(lines)
    return {str(h.pk): _("受渡し No.%(number)s（%(items)s）") % {
        "number": h.number, "items": listing([line.item.label for line in h.lines.all()], 3)} for h in rows}


def _items(ids):
    rows = Item.objects.filter(pk__in=ids).select_related("medium_kind")
    return {str(i.pk): _("%(kind)s %(label)s") % {"kind": i.kind_label, "label": i.label} for i in rows}


def _storage_records(ids):
    rows = StorageRecord.objects.filter(pk__in=ids).select_related("item")
    return {str(r.pk): _("保管場所の記録 %(label)s") % {"label": r.item.label} for r in rows}


def _medium_kinds(ids):
    return {str(k.pk): _("記録媒体の種類 %(name)s") % {"name": k.name} for k in MediumKind.objects.filter(pk__in=ids)}


def _transfers(ids):
    return {str(t.pk): _("送信 No.%(number)s") % {"number": t.number} for t in OnlineTransfer.objects.filter(pk__in=ids)}


OBJECTS = {
    "handover.onlinetransfer": _transfers,
    "handover.mediumkind": _medium_kinds,
    "handover.handover": _handovers,
    "handover.item": _items,
    "handover.storagerecord": _storage_records,
}
