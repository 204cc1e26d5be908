"""Second factor: TOTP enrolment and verification (django-otp)."""

import base64

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_log
from core.errors import DomainError


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device an enrolment page shows; made once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG drawn by the server (no outside service sees the secret)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff", border=2)


def manual_key(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean(token: str) -> str:
    token = (token or "").strip().replace(" ", "")
    # Full-width digits typed with a Japanese IME.
    return token.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


@transaction.atomic
def second_factor_enrol(*, request, user, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise DomainError(_("登録の手続きをやり直してください。"), field="token")
    if not device.verify_token(_clean(token)):
        audit_log(action="auth.otp.enrol_failed", actor=user, request=request)
        raise DomainError(_("確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"),
                          field="token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    otp_login(request, device)
    audit_log(action="auth.otp.enrolled", actor=user, request=request)
    return device


def second_factor_verify(*, request, user, token: str) -> TOTPDevice:
    device = confirmed_device(user)
    if device is None:
        raise DomainError(_("二要素認証が登録されていません。"), field="token")
    verify_allowed, _info = device.verify_is_allowed()
    if not verify_allowed:
        audit_log(action="auth.otp.throttled", actor=user, request=request)
        raise DomainError(_("確認コードの誤りが続いたため、しばらく待ってから入力してください。"), field="token")
    if not device.verify_token(_clean(token)):
        audit_log(action="auth.otp.failed", actor=user, request=request)
        raise DomainError(_("確認コードが正しくありません。"), field="token")
    otp_login(request, device)
    audit_log(action="auth.otp.verified", actor=user, request=request)
    return device
