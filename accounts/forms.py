from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import BoundedFormMixin


class LoginForm(BoundedFormMixin, forms.Form):
    username = forms.CharField(label=_("ユーザー名"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("パスワード"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TokenForm(BoundedFormMixin, forms.Form):
    token = forms.CharField(
        label=_("確認コード（6桁）"), max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class WelcomeForm(BoundedFormMixin, forms.Form):
    """A new person's first visit: the password they choose and the code of their authenticator app."""

    new_password1 = forms.CharField(
        label=_("パスワード"), strip=False, max_length=1024,
        help_text=_("12文字以上。長い文（パスフレーズ）も使えます。同じ文字の繰り返し、連続した文字、ユーザー名や氏名を含むものは使えません。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("パスワード（確認のためもう一度）"), strip=False, max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    token = forms.CharField(
        label=_("確認コード（6桁）"), max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("確認のために入力したパスワードが一致しません。"))
        return cleaned
