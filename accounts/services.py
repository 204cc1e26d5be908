"""Second factor: TOTP enrolment and verification (django-otp); a new person's one-time enrolment link."""

import base64
import datetime as dt
import hashlib
import re
import secrets
import smtplib

import segno
from django.conf import settings
from django.contrib.auth import get_user_model, login, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from audit.services import audit_log
from core.dates import wareki_datetime
from core.errors import DomainError

from .attempts import anonymous_failure
from .models import ENROLMENT_LINK_LIFETIME, EnrolmentInvitation

User = get_user_model()


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


def second_factor_enrol(*, request, user, token: str) -> TOTPDevice:
    # The failed attempt is audited outside the transaction: the refusal that follows must not roll it back.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise DomainError(_("登録の手続きをやり直してください。"), field="token")
    if not device.verify_token(_clean(token)):
        audit_log(action="auth.otp.enrol_failed", actor=user, request=request)
        raise DomainError(_("確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"),
                          field="token")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
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


# --- Enrolment of a new person (issue 7, B.17) ----------------------------------------------------------
# The ward approves a person the contractor reported; their account (made inactive, without a password,
# with the report) is opened and they get a link by e-mail to set a password and a second factor. The
# link is single-use, lasts 72 hours and carries 256 random bits; only its SHA-256 is stored, and it never
# reaches the audit trail or the application's logs (see accounts.logging).

ENROLMENT_SESSION_KEY = "enrolment_invitation"
# A random value the session that claims a link (presses 「登録を始める」) keeps; the link keeps its SHA-256 (``opened_by``).
ENROLMENT_BINDING_KEY = "enrolment_binding"
USERNAME_CHARS = re.compile(r"[^a-z0-9._-]+")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_username(email: str) -> str:
    """A free user name made from the e-mail address's name part (``m.yamada`` for m.yamada@…)."""
    base = USERNAME_CHARS.sub("", email.partition("@")[0].lower())[:30].strip("._-") or "user"
    if len(base) < 3:
        base = f"{base}user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def awaits_enrolment(user) -> bool:
    """An account made from a report that its person has not yet set up (no password chosen)."""
    return not user.has_usable_password()


def latest_invitation(user) -> EnrolmentInvitation | None:
    return EnrolmentInvitation.objects.filter(user=user).order_by("-created_at", "-pk").first()


def enrolment_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("accounts:welcome_link", kwargs={"token": token})


def enrolment_invite(*, user, actor, about: str = "") -> EnrolmentInvitation:
    """Issue a new link to ``user`` and e-mail it; earlier unused links stop working.

    Runs inside the caller's transaction and writes no audit entry of its own: the caller's one entry
    (the approval, or the re-sending) says that a link went out. If the mail cannot be handed to the relay
    the whole action is refused, so a person is never approved with a link nobody received.
    ``about`` is one sentence saying why the person gets it (the contract and role).
    """
    now = timezone.now()
    EnrolmentInvitation.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=now)
    token = secrets.token_urlsafe(32)
    invitation = EnrolmentInvitation.objects.create(
        user=user, token_hash=_token_hash(token), created_at=now, created_by=actor,
        expires_at=now + ENROLMENT_LINK_LIFETIME,
    )
    profile = getattr(user, "profile", None)
    body = render_to_string("accounts/enrolment_email.txt", {
        "name": profile.display_name if profile else user.get_username(), "about": about,
        "url": enrolment_url(token), "username": user.get_username(),
        "expires_at_text": wareki_datetime(invitation.expires_at),
        "hours": int(ENROLMENT_LINK_LIFETIME.total_seconds() // 3600),
    })
    try:
        send_mail(_("【委託個人情報管理】利用開始のご案内"), body, None, [user.email])
    except (OSError, smtplib.SMTPException) as error:
        raise DomainError(_("利用開始の案内メールを送信できませんでした。しばらくしてからもう一度操作してください。"
                            "続く場合はシステム管理者に連絡してください。")) from error
    return invitation


# --- An address changed in the admin (issue 13, finding 5) ---------------------------------------------
# The admin cannot set anyone's password or TOTP key; it sends an enrolment link to the address on file. Were
# it free to change that address first, it could send the link to itself and sign in as the person, silently.
# So an admin's change of another person's address is announced to the previous address at once (the change
# is refused when the notice cannot be handed to the relay), and for ADDRESS_CHANGE_HOLD after it no link goes
# to a person who has already set up their account: they have that long to answer the notice.

ADDRESS_CHANGE_HOLD = dt.timedelta(days=7)
ADMIN_CHANGE_ACTION = "admin.auth.user.changed"


def has_enrolled(user) -> bool:
    """The person has set up their account (a password of their own or a confirmed authenticator)."""
    return user.has_usable_password() or has_second_factor(user)


def address_change_notify(*, user, previous: str, actor) -> bool:
    """Tell ``previous`` (the address on file before the admin's change) that it was changed; True when a
    notice went out (False: there was no previous address, or the admin changed its own). Runs inside the
    caller's transaction and writes no audit entry of its own: the admin's change entry records the notice."""
    if not previous or user.pk == actor.pk:
        return False
    profile = getattr(user, "profile", None)
    body = render_to_string("accounts/address_changed_email.txt", {
        "name": profile.display_name if profile else user.get_username(), "username": user.get_username(),
        "when": wareki_datetime(timezone.now()), "days": ADDRESS_CHANGE_HOLD.days,
    })
    try:
        send_mail(_("【委託個人情報管理】メールアドレス変更のお知らせ"), body, None, [previous])
    except (OSError, smtplib.SMTPException) as error:
        raise DomainError(_("変更前のメールアドレスにお知らせを送信できなかったため、メールアドレスを変更していません。"
                            "しばらくしてからもう一度操作してください。")) from error
    return True


def address_changed_in_admin_at(user, *, since) -> dt.datetime | None:
    """When someone else last changed ``user``'s address in the admin, if after ``since`` (its audit entry)."""
    entries = (AuditEntry.objects.filter(action=ADMIN_CHANGE_ACTION, object_type=user._meta.label_lower,
                                         object_id=str(user.pk), created_at__gte=since)
               .exclude(actor=user).order_by("-seq").values_list("created_at", "payload"))
    for created_at, payload in entries:
        if "email" in ((payload or {}).get("fields") or []):
            return created_at
    return None


@transaction.atomic
def enrolment_link_issue(*, user, actor, request=None) -> EnrolmentInvitation:
    """The system administrator sends a person a new enrolment link (a forgotten password, a lost phone, an
    account made in the admin): the admin never sets another person's password or TOTP key, and the person
    sets both through the link, as a newly approved person does. One audit entry, without the link. Refused
    for a person who has set up their account within ADDRESS_CHANGE_HOLD of an admin's change of their address."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise DomainError(_("利用停止中のアカウントには利用開始の案内を送れません。先に利用停止を解除してください。"))
    if not user.email:
        raise DomainError(_("メールアドレスが登録されていないため、利用開始の案内を送れません。先にメールアドレスを登録してください。"))
    changed_at = address_changed_in_admin_at(user, since=timezone.now() - ADDRESS_CHANGE_HOLD)
    if changed_at is not None and has_enrolled(user):
        raise DomainError(_("%(when)sに管理画面でメールアドレスが変更されたため、%(until)sまでは利用開始の案内を送れません"
                            "（変更前のアドレスに変更をお知らせしています）。本人に確かめてから、その後に送ってください。") % {
            "when": wareki_datetime(changed_at), "until": wareki_datetime(changed_at + ADDRESS_CHANGE_HOLD)})
    invitation = enrolment_invite(user=user, actor=actor, about=_(
        "システム管理者から、パスワードと二要素認証（認証アプリ）を設定するための案内をお送りします。"))
    audit_log(action="admin.auth.user.enrolment_issued", actor=actor, obj=user, request=request,
              payload={"expires_at": invitation.expires_at.isoformat()})
    return invitation


def enrolment_withdraw(*, user) -> int:
    """Stop every unused link of ``user`` (their designation was revoked before they enrolled)."""
    return EnrolmentInvitation.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now())


class LinkRefused(DomainError):
    """The link cannot be used; ``code`` says why (unknown, used, expired, withdrawn)."""


def _refusal(invitation: EnrolmentInvitation | None) -> LinkRefused | None:
    if invitation is None:
        return LinkRefused(_("このリンクは正しくありません。メールに書かれたリンクをそのまま開いてください。"), code="unknown")
    if invitation.is_used:
        return LinkRefused(_("このリンクはすでに使われています。ユーザー名とパスワードでログインしてください。"), code="used")
    if invitation.withdrawn_at is not None:
        return LinkRefused(_("このリンクは新しい案内に置き換えられたため使えません。最新の案内メールのリンクを開いてください。"),
                           code="withdrawn")
    if invitation.is_expired:
        return LinkRefused(_("このリンクの有効期限（発行から72時間）が過ぎています。取扱責任者を通じて区に再送を依頼してください。"),
                           code="expired")
    if not invitation.user.is_active:
        return LinkRefused(_("このアカウントは利用が停止されています。区に問い合わせてください。"), code="inactive")
    return None


def _opened_elsewhere() -> LinkRefused:
    return LinkRefused(_("このリンクは、別のブラウザ（または時間切れで閉じた画面）で登録が始められています。"
                         "認証アプリの登録に使う情報は「登録を始める」を押した画面にしか表示しません。"
                         "取扱責任者を通じて区に新しいリンクの発行を依頼してください。"), code="opened_elsewhere")


def _refused(request, invitation: EnrolmentInvitation | None, refusal: LinkRefused) -> LinkRefused:
    # Anyone can send a link, so the entry is counted per address and minute (accounts.attempts).
    user = invitation.user if invitation else None
    anonymous_failure(request=request, action="auth.enrolment.link_refused",
                      subject=f"{refusal.code}:{user.pk if user else ''}", user=user, payload={"reason": refusal.code})
    return refusal


def invitation_for_token(*, token: str, request=None) -> EnrolmentInvitation:
    """The invitation a link names, or :class:`LinkRefused`. A refusal is audited (without the token)."""
    invitation = (EnrolmentInvitation.objects.select_related("user__profile")
                  .filter(token_hash=_token_hash(token or "")).first())
    refusal = _refusal(invitation)
    if refusal is not None:
        raise _refused(request, invitation, refusal)
    return invitation


def _binding(request) -> str:
    """The digest of this session's enrolment binding ("" if the session has none)."""
    value = request.session.get(ENROLMENT_BINDING_KEY)
    return _token_hash(value) if isinstance(value, str) and value else ""


def invitation_in_session(request) -> tuple[EnrolmentInvitation, bool]:
    """The invitation whose link was opened in this browser session, still usable, and whether this session
    has claimed it (pressed 「登録を始める」); or :class:`LinkRefused`, also when another session claimed it."""
    pk = request.session.get(ENROLMENT_SESSION_KEY)
    invitation = (EnrolmentInvitation.objects.select_related("user__profile").filter(pk=pk).first()
                  if isinstance(pk, int) else None)
    refusal = _refusal(invitation)
    if refusal is None and invitation.opened_by and invitation.opened_by != _binding(request):
        refusal = _opened_elsewhere()
    if refusal is not None:
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        raise refusal
    return invitation, bool(invitation.opened_by)


def enrolment_open(*, request, invitation: EnrolmentInvitation) -> None:
    """Remember the opened link in a fresh session, so the token leaves the address bar at once. Claims
    nothing: a mail scanner (Safe Links and the like) opens links before the person does, and the link must
    still be theirs. A link another session has claimed is refused (:class:`LinkRefused`, audited)."""
    if invitation.opened_by and invitation.opened_by != _binding(request):
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        raise _refused(request, invitation, _opened_elsewhere())
    request.session.cycle_key()
    request.session[ENROLMENT_SESSION_KEY] = invitation.pk


def enrolment_claim(*, request, invitation: EnrolmentInvitation) -> None:
    """The person pressed 「登録を始める」: the link becomes this session's (issue 13, finding 10). Only this
    session is shown the authenticator's secret and may finish; another browser with the same link, or this
    one after its session ended, is refused (:class:`LinkRefused`, audited) and told to ask for a new link.
    A GET never claims (see :func:`enrolment_open`)."""
    if not _binding(request):
        request.session[ENROLMENT_BINDING_KEY] = secrets.token_urlsafe(32)
    binding = _binding(request)
    EnrolmentInvitation.objects.filter(pk=invitation.pk, opened_by="").update(opened_by=binding)
    if not EnrolmentInvitation.objects.filter(pk=invitation.pk, opened_by=binding).exists():
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        raise _refused(request, invitation, _opened_elsewhere())
    request.session.cycle_key()
    invitation.opened_by = binding


def enrolment_complete(*, request, invitation: EnrolmentInvitation, password: str, token: str):
    """The new person sets a password and confirms their authenticator app; the link is used up and they
    are signed in with both factors. A wrong code is audited (once a minute per address, with a count) and
    changes nothing."""
    user = invitation.user
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="new_password1") from error
    device = pending_device(user)
    allowed, _info = device.verify_is_allowed()
    # Nobody is signed in yet: each try is counted per address and minute, one entry and then a count
    # (accounts.attempts), so a script posting codes cannot fill the trail.
    if not allowed:
        anonymous_failure(request=request, action="auth.otp.throttled", subject=str(user.pk), user=user)
        raise DomainError(_("確認コードの誤りが続いたため、しばらく待ってから入力してください。"), field="token")
    if not device.verify_token(_clean(token)):
        anonymous_failure(request=request, action="auth.enrolment.code_failed", subject=str(user.pk), user=user)
        raise DomainError(_("確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"),
                          field="token")
    with transaction.atomic():
        invitation = EnrolmentInvitation.objects.select_for_update(of=("self",)).select_related("user").get(pk=invitation.pk)
        refusal = _refusal(invitation)
        if refusal is not None:
            raise refusal
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # The authenticator set up here is the person's only one: a device from before (a lost phone) stops.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        request.session.pop(ENROLMENT_SESSION_KEY, None)
        request.session.pop(ENROLMENT_BINDING_KEY, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        otp_login(request, device)
        audit_log(action="auth.enrolment.completed", actor=user, obj=user, request=request)
    return user
