from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .services import audit_log

# Failed sign-ins and lockouts are audited by accounts.signals (counted per address and minute).


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_log(action="auth.login", actor=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_log(action="auth.logout", actor=user, request=request)
