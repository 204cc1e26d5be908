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
