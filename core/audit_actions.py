"""How the admin's audit entries read (see audit/formatting.py): core/admin.py writes
``admin.<app_label>.<model>.<added|changed|deleted>`` for whichever model was edited there."""

from django.apps import apps
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.formatting import listing, text

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

GROUPS = {"admin.": gettext_lazy("管理画面")}


def model_name(label_lower: str):
    if label_lower in MODEL_NAMES:
        return MODEL_NAMES[label_lower]
    try:
        return apps.get_model(label_lower)._meta.verbose_name
    except (LookupError, ValueError):
        return label_lower


def more_labels() -> dict:
    """Every model may be edited in the admin (the admin decides which); each gets its three words."""
    return {
        f"admin.{model._meta.label_lower}.{verb}": format_lazy(words, model=model_name(model._meta.label_lower))
        for model in apps.get_models() for verb, words in VERBS.items()
    }


def _model_of(action: str):
    try:
        return apps.get_model(action.split(".")[1], action.split(".")[2])
    except (IndexError, LookupError, ValueError):
        return None


def _field_names(model, names) -> str:
    shown = []
    for name in names or []:
        try:
            shown.append(str(model._meta.get_field(name).verbose_name))
        except Exception:  # noqa: BLE001  (a form field that is not a model field, e.g. a password)
            shown.append(_("その他の項目"))
    return listing(dict.fromkeys(shown), 8)


def admin_detail(action: str):
    def _detail(payload, context) -> str:
        model = _model_of(action)
        if action.endswith(".deleted"):
            return _("削除したもの: %(object)s") % {"object": text(payload.get("object"))} if payload.get("object") else ""
        fields = _field_names(model, payload.get("fields")) if model else ""
        return _("変更した項目: %(fields)s") % {"fields": fields} if fields else _("変更した項目なし")
    return _detail


def more_details() -> dict:
    return {action: admin_detail(action) for action in more_labels()}
