"""Failed sign-ins and lockouts in the audit trail: counted per address and minute (accounts.attempts),
and naming the account only when what was typed is one (issue 13, finding 12)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from .attempts import anonymous_failure

# Kept instead of a user name that names no account: what a stranger typed there may be a password. It
# cannot be a user name itself (Django's user names have no spaces or brackets).
UNKNOWN_USERNAME = "(unknown)"


def _account(username) -> tuple[str, object | None]:
    """The label to keep and the account, for what was typed as a user name."""
    typed = str(username or "")
    if not typed:
        return "", None
    user = get_user_model().objects.filter(username=typed[:150]).first()
    return (user.get_username(), user) if user is not None else (UNKNOWN_USERNAME, None)


def _failure(action, request, username):
    label, user = _account(username)
    anonymous_failure(request=request, action=action, subject=str(user.pk) if user else label,
                      actor_label=label, payload={"username": label} if user else {})


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    _failure("auth.login_failed", request, credentials.get("username"))


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, **kwargs):
    # Sent when a username and address reach the failure limit, and again for each attempt while locked.
    _failure("auth.locked_out", request, username)
