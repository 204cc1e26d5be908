from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import PasswordChangeView
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import faces
from core.errors import add_to_form
from core.posting import form_post, posted

from . import attempts, services
from .forms import LoginForm, TokenForm, WelcomeForm


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse_lazy(settings.LOGIN_REDIRECT_URL)


def _throttled(request):
    response = render(request, "accounts/throttled.html", status=429)
    response["Retry-After"] = "60"
    return response


def login_view(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_next_url(request))
    if request.method == "POST" and attempts.throttled(request):
        return _throttled(request)
    form = LoginForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        if user is not None and faces.refuses_sign_in(request, user):
            # A ward account on the contractor face reads and counts as a wrong password (the lockout included):
            # the face confirms no ward password.
            user_login_failed.send(sender=__name__, credentials={"username": form.cleaned_data["username"]},
                                   request=request)
            user = None
        if user is None:
            # A backend that could not decide (the ward's directory unreachable) says why on the request.
            form.add_error(None, getattr(request, "sign_in_refusal", None)
                           or _("ユーザー名またはパスワードが正しくありません。"))
        else:
            login(request, user)
            request.session["after_login"] = str(_next_url(request))
            if services.has_second_factor(user):
                return redirect("accounts:verify")
            if not settings.DEMO_SKIP_TWO_FACTOR_ENROLMENT:
                return redirect("accounts:enrol")
            return redirect(request.session.pop("after_login"))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify_view(request):
    if request.user.is_verified():
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not services.has_second_factor(request.user):
        return redirect("accounts:enrol")
    # A wrong code is sent back with 200, as it always was.
    return form_post(
        request, TokenForm, invalid_status=200,
        act=lambda form: services.second_factor_verify(request=request, user=request.user,
                                                       token=form.cleaned_data["token"]),
        done=lambda _: redirect(request.session.pop("after_login", None) or settings.LOGIN_REDIRECT_URL),
        page="accounts/verify.html")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol_view(request):
    if services.has_second_factor(request.user) and not request.user.is_verified():
        return redirect("accounts:verify")
    if services.has_second_factor(request.user):
        messages.info(request, _("二要素認証はすでに登録されています。"))
        return redirect(settings.LOGIN_REDIRECT_URL)
    device = services.pending_device(request.user)
    return form_post(
        request, TokenForm, invalid_status=200,
        act=lambda form: services.second_factor_enrol(request=request, user=request.user,
                                                      token=form.cleaned_data["token"]),
        message=_("二要素認証を登録しました。次回からログイン時に確認コードを入力します。"),
        done=lambda _: redirect(request.session.pop("after_login", None) or settings.LOGIN_REDIRECT_URL),
        page=lambda form, status: render(request, "accounts/enrol.html", {
            "form": form, "qr_svg": services.qr_svg(device), "manual_key": services.manual_key(device),
        }, status=status))


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("ログアウトしました。"))
    return redirect("accounts:login")


class PasswordChange(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        from audit.services import audit_log

        audit_log(action="auth.password.changed", actor=self.request.user, request=self.request)
        messages.success(self.request, gettext_lazy("パスワードを変更しました。"))
        return response


def _welcome_refused(request, error: services.LinkRefused):
    # 404 for a link that never existed, 403 for one another browser opened first, 410 for one that is spent.
    status = {"unknown": 404, "opened_elsewhere": 403}.get(error.code, 410)
    return render(request, "accounts/welcome_refused.html", {"message": error.message}, status=status)


def _signed_in_elsewhere(request):
    return render(request, "accounts/welcome_signed_in.html", status=403)


@require_safe
def welcome_link(request, token):
    """The link in the enrolment e-mail: checked, remembered in a fresh session, and left at once for an
    address without the token (so it stays out of the history of later pages and of Referer headers).
    Opening it claims nothing: mail scanners open links before the person does (see ``welcome``)."""
    if request.user.is_authenticated:
        return _signed_in_elsewhere(request)
    if attempts.throttled(request):
        return _throttled(request)
    try:
        invitation = services.invitation_for_token(token=token, request=request)
        services.enrolment_open(request=request, invitation=invitation)
    except services.LinkRefused as error:
        return _welcome_refused(request, error)
    return redirect("accounts:welcome")


@require_http_methods(["GET", "HEAD", "POST"])
def welcome(request):
    """A new person sets their password and their authenticator app, once.

    Until someone presses 「登録を始める」 (a POST) the page shows only that button: a GET, such as a mail
    scanner's, neither claims the link nor sees the secret. The POST makes the link this session's; from
    then on this session is shown the secret (again on a later GET) and another is told to ask for a new link.
    """
    if request.user.is_authenticated:
        return _signed_in_elsewhere(request)
    if request.method == "POST" and attempts.throttled(request):
        return _throttled(request)
    try:
        invitation, claimed = services.invitation_in_session(request)
        if not claimed:
            if request.method != "POST":
                return render(request, "accounts/welcome_start.html", {"expires_at": invitation.expires_at})
            services.enrolment_claim(request=request, invitation=invitation)
            return redirect("accounts:welcome")
    except services.LinkRefused as error:
        return _welcome_refused(request, error)
    user = invitation.user

    def refused(form, error):
        if isinstance(error, services.LinkRefused):
            return _welcome_refused(request, error)
        return add_to_form(form, error)

    def page(form, status):
        device = services.pending_device(user)
        return render(request, "accounts/welcome.html", {
            "form": form, "invited": user, "expires_at": invitation.expires_at,
            "qr_svg": services.qr_svg(device), "manual_key": services.manual_key(device),
        }, status=status)

    return form_post(
        request, WelcomeForm, on_error=refused, page=page,
        act=lambda form: services.enrolment_complete(request=request, invitation=invitation,
                                                     password=form.cleaned_data["new_password1"],
                                                     token=form.cleaned_data["token"]),
        message=_("利用の準備ができました。次回からはユーザー名・パスワードと確認コードでログインします。"),
        done=redirect(settings.LOGIN_REDIRECT_URL))
