from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .services import audit_log


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_log(action="auth.login", actor=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_log(action="auth.logout", actor=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_log(action="auth.login_failed", request=request, actor_label=username, payload={"username": username})


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, **kwargs):
    # Sent when a username and address reach the failure limit, and again for each attempt while locked.
    username = str(username or "")[:150]
    audit_log(action="auth.locked_out", request=request, actor_label=username, payload={"username": username})
