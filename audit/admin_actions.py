"""How the admin's audit entries read (see audit/formatting.py): audit/admin_mixins.py writes
``admin.<app_label>.<model>.<added|changed|deleted>`` for whichever model was edited there. Declared to the
registry through audit/audit_actions.py."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import listing, text

VERBS = {
    "added": gettext_lazy("管理画面で{model}を追加"),
    "changed": gettext_lazy("管理画面で{model}を変更"),
    "deleted": gettext_lazy("管理画面で{model}を削除"),
}

# Models of other packages whose names have no Japanese translation of their own.
MODEL_NAMES = {
    "otp_totp.totpdevice": gettext_lazy("二要素認証（TOTP）の端末"),
    "guardian.userobjectpermission": gettext_lazy("利用者の契約ごとの権限"),
    "guardian.groupobjectpermission": gettext_lazy("グループの契約ごとの権限"),
    "axes.accessfailurelog": gettext_lazy("ログイン失敗の記録"),
    "axes.accessattempt": gettext_lazy("ログイン試行・ロックアウトの記録"),
    "axes.accessattemptexpiration": gettext_lazy("ロックアウトの期限"),
    "axes.accesslog": gettext_lazy("ログインの記録"),
}

# Reads of people, their rights and second factors in the admin (audit.admin_mixins.AuditedReadsMixin writes them).
READ_VERBS = {
    "listed": gettext_lazy("管理画面で{model}の一覧を閲覧"),
    "viewed": gettext_lazy("管理画面で{model}を閲覧"),
    "history_viewed": gettext_lazy("管理画面で{model}の変更履歴を閲覧"),
    "delete_viewed": gettext_lazy("管理画面で{model}の削除の確認画面を閲覧"),
}
READ_AUDITED = ("auth.user", "auth.group", "otp_totp.totpdevice", "contracts.userprofile", "contracts.membership",
                "contracts.designation")

GROUPS = {"admin.": gettext_lazy("管理画面")}


def model_name(label_lower: str):
    if label_lower in MODEL_NAMES:
        return MODEL_NAMES[label_lower]
    try:
        return apps.get_model(label_lower)._meta.verbose_name
    except (LookupError, ValueError):
        return _("その他の対象")


def more_labels() -> dict:
    """Every model may be edited in the admin (the admin decides which); each gets its three words."""
    labels = {
        f"admin.{model._meta.label_lower}.{verb}": format_lazy(words, model=model_name(model._meta.label_lower))
        for model in apps.get_models() for verb, words in VERBS.items()
    }
    labels.update({f"admin.{label}.{verb}": format_lazy(words, model=model_name(label))
                   for label in READ_AUDITED for verb, words in READ_VERBS.items()})
    return labels


def _model_of(action: str):
    try:
        return apps.get_model(action.split(".")[1], action.split(".")[2])
    except (IndexError, LookupError, ValueError):
        return None


def _field_name(model, name) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a form field that is not a model field (a TOTP key)
        return _("パスワード") if name == "password" else _("その他の項目")


PERMISSION_VERBS = {"add": gettext_lazy("追加"), "change": gettext_lazy("変更"), "delete": gettext_lazy("削除"),
                    "view": gettext_lazy("閲覧")}


def _permission(dotted: str) -> str:
    """``contracts.add_contract`` → 「委託契約の追加」; a permission of the app's own, by its name."""
    from django.contrib.auth.models import Permission

    app_label, _dot, codename = dotted.partition(".")
    found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).select_related(
        "content_type").first()
    if found is None:
        return _("（削除された権限）")
    verb, _under, rest = codename.partition("_")
    model = found.content_type.model_class()
    if verb in PERMISSION_VERBS and model is not None and rest == model._meta.model_name:
        return _("%(model)sの%(verb)s") % {"model": model_name(model._meta.label_lower), "verb": PERMISSION_VERBS[verb]}
    return found.name


def _value(value) -> str:
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if value is None:
        return _("なし")
    return _("No.%(id)s") % {"id": value}


def _m2m(model, name, change) -> str:
    from django.contrib.auth.models import Permission

    try:
        target = model._meta.get_field(name).related_model
    except FieldDoesNotExist:
        target = None

    def shown(values):
        return [_permission(v) for v in values] if target is Permission else [str(v) for v in values]

    parts = [_("追加 %(items)s") % {"items": listing(shown(change.get("added")), 8)} if change.get("added") else "",
             _("削除 %(items)s") % {"items": listing(shown(change.get("removed")), 8)} if change.get("removed") else ""]
    return _("%(field)s（%(change)s）") % {"field": _field_name(model, name), "change": "、".join(p for p in parts if p)}


def _names_people(model) -> bool:
    """A model that is, or points at, a person may name them by username in its text."""
    from django.contrib.auth import get_user_model

    user = get_user_model()
    return model is user or any(getattr(f, "related_model", None) is user for f in model._meta.concrete_fields)


def admin_detail(action: str):
    def _detail(payload, context) -> str:
        model = _model_of(action)
        if model is None:
            return ""
        if action.endswith(".deleted"):
            sentence = ""
            if payload.get("object") and not _names_people(model):
                sentence = _("削除したもの: %(object)s") % {"object": text(payload["object"])}
            if payload.get("deleted_together"):
                sentence += _("（%(n)s件をまとめて削除）") % {"n": payload["deleted_together"]}
            return sentence
        m2m = payload.get("m2m") or {}
        values = payload.get("values") or {}
        parts = []
        order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
        for name in sorted(payload.get("fields") or [], key=lambda n: (order.get(n, len(order)), n)):
            if name in m2m:
                parts.append(_m2m(model, name, m2m[name]))
            elif name in values:
                parts.append(_("%(field)s: %(value)s") % {"field": _field_name(model, name),
                                                          "value": _value(values[name])})
            else:
                parts.append(_field_name(model, name))
        sentence = _("変更した項目: %(fields)s") % {"fields": "、".join(parts)} if parts else _("変更した項目なし")
        if payload.get("previous_address_notified"):
            sentence += _("（変更前のメールアドレスにお知らせを送信）")
        inlines = payload.get("inlines") or []
        if inlines:
            sentence += _("。あわせて変更: %(inlines)s") % {"inlines": "、".join(
                model_name(i.get("model", "")) for i in inlines if isinstance(i, dict))}
        return sentence
    return _detail


def _listed(payload, context) -> str:
    filters = payload.get("filters") or []
    return _("検索・絞り込みあり") if any(f not in ("o", "p") for f in filters) else ""


def more_details() -> dict:
    details = {action: admin_detail(action) for action in more_labels()}
    details.update({f"admin.{label}.listed": _listed for label in READ_AUDITED})
    details.update({f"admin.{label}.{verb}": lambda payload, context: ""
                    for label in READ_AUDITED for verb in READ_VERBS if verb != "listed"})
    return details
