"""How the accounts app's audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.audit_actions import repeated
from audit.formatting import person_name

LABELS = {
    "auth.otp.enrolled": gettext_lazy("二要素認証（認証アプリ）を登録"),
    "auth.otp.enrol_failed": gettext_lazy("二要素認証の登録で確認コードを誤った"),
    "auth.otp.verified": gettext_lazy("二要素認証の確認コードを入力してログイン"),
    "auth.otp.failed": gettext_lazy("二要素認証の確認コードを誤った"),
    "auth.otp.throttled": gettext_lazy("確認コードの誤りが続き、入力を一時停止"),
    "auth.password.changed": gettext_lazy("パスワードを変更"),
    "auth.enrolment.link_refused": gettext_lazy("利用開始の案内リンクを受け付けなかった"),
    "auth.enrolment.code_failed": gettext_lazy("利用開始の手続きで確認コードを誤った"),
    "auth.enrolment.completed": gettext_lazy("利用開始の手続きを完了（パスワードと二要素認証を設定）"),
    "auth.requests.throttled": gettext_lazy("同じ接続元からの失敗が続いたため、ログインと案内リンクの受付を一時停止"),
    "admin.auth.user.enrolment_issued": gettext_lazy("管理画面で利用開始の案内を送信（本人がパスワードと二要素認証を設定）"),
}

GROUPS = {"auth.enrolment.": gettext_lazy("利用開始")}

REFUSALS = {
    "unknown": gettext_lazy("正しくないリンク"),
    "used": gettext_lazy("使用済みのリンク"),
    "withdrawn": gettext_lazy("無効にされたリンク"),
    "expired": gettext_lazy("有効期限切れのリンク"),
    "inactive": gettext_lazy("利用停止中のアカウント"),
    "opened_elsewhere": gettext_lazy("別のブラウザで開かれたリンク"),
}


def _refused(payload, context) -> str:
    reason = payload.get("reason")
    text = _("理由: %(reason)s") % {"reason": REFUSALS.get(reason, _("その他"))} if reason else ""
    return " ".join(filter(None, (text, repeated(payload))))


def _throttled(payload, context) -> str:
    return repeated(payload)


def _issued(payload, context) -> str:
    import datetime as dt

    from core.dates import wareki_datetime

    try:
        expires = dt.datetime.fromisoformat(str(payload.get("expires_at")))
    except ValueError:
        return ""
    return _("リンクの有効期限: %(when)s") % {"when": wareki_datetime(expires)}


DETAILS = {"auth.enrolment.link_refused": _refused, "auth.requests.throttled": _throttled,
           "auth.enrolment.code_failed": _throttled, "auth.otp.throttled": _throttled,
           "admin.auth.user.enrolment_issued": _issued}


def _users(ids):
    from django.contrib.auth import get_user_model

    rows = get_user_model().objects.filter(pk__in=ids).select_related("profile")
    return {str(u.pk): _("利用者 %(name)s") % {"name": person_name(u)} for u in rows}


def _groups(ids):
    from django.contrib.auth.models import Group

    return {str(g.pk): _("権限グループ %(name)s") % {"name": g.name} for g in Group.objects.filter(pk__in=ids)}


def _devices(ids):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    rows = TOTPDevice.objects.filter(pk__in=ids).select_related("user__profile")
    return {str(d.pk): _("二要素認証（TOTP）の端末（%(name)s）") % {"name": person_name(d.user)} for d in rows}


def _invitations(ids):
    from .models import EnrolmentInvitation

    rows = EnrolmentInvitation.objects.filter(pk__in=ids).select_related("user__profile")
    return {str(i.pk): _("利用開始の案内（%(name)s）") % {"name": person_name(i.user)} for i in rows}


OBJECTS = {
    "auth.user": _users,
    "auth.group": _groups,
    "otp_totp.totpdevice": _devices,
    "accounts.enrolmentinvitation": _invitations,
}
