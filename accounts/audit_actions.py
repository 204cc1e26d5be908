"""How the accounts app's audit entries read (see audit/formatting.py)."""

from django.utils.translation import gettext_lazy

LABELS = {
    "auth.otp.enrolled": gettext_lazy("二要素認証（認証アプリ）を登録"),
    "auth.otp.enrol_failed": gettext_lazy("二要素認証の登録で確認コードを誤った"),
    "auth.otp.verified": gettext_lazy("二要素認証の確認コードを入力してログイン"),
    "auth.otp.failed": gettext_lazy("二要素認証の確認コードを誤った"),
    "auth.otp.throttled": gettext_lazy("確認コードの誤りが続き、入力を一時停止"),
    "auth.password.changed": gettext_lazy("パスワードを変更"),
}
