"""Lockouts per user name and address, and per address across user names (issue 13, finding 9).

django-axes counts failures per (user name, address): five wrong passwords for one account from one
address lock that pair for 15 minutes. Trying one password on many accounts (spraying) never reached five
on any pair, so nothing was locked. This handler also locks an address out once failed sign-ins from it
name ``settings.LOGIN_ADDRESS_USERNAME_LIMIT`` different user names (10; names of no account count too)
within the same 15 minutes.

Different names, not failures: spraying is one address trying many accounts, while an office behind one
address (a NAT or a proxy) makes many failures on few names, each person mistyping their own. Counting
every failure locked the whole office after ten scattered typos; now it takes ten different people failing
within 15 minutes without signing in (a success clears that name's failures from the address).

Not axes' own ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]``: axes has one limit
for every parameter and counts failures, not names, and a success from the address would wipe the failures
of every account tried from it. Here a success resets only that account's failures from that address (as
before), which also takes the name out of the address's count.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings


def usernames_failed_from_address(request) -> int:
    """How many different user names failed to sign in from the request's address in the cool-off time."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address, failures_since_start__gt=0)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.values("username").distinct().count()


class AddressLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if usernames_failed_from_address(request) >= settings.LOGIN_ADDRESS_USERNAME_LIMIT:
            # Reported as the pair's limit reached, so axes refuses and signals the lockout as usual.
            return max(failures, get_failure_limit(request, credentials))
        return failures
