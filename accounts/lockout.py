"""Lockouts per user name and address, and per address across user names (issue 13, finding 9).

django-axes counts failures per (user name, address): five wrong passwords for one account from one
address lock that pair for 15 minutes. Trying one password on many accounts (spraying) never reached five
on any pair, so nothing was locked. This handler also locks an address out once the failures from it,
on any user names, reach ``settings.LOGIN_ADDRESS_FAILURE_LIMIT`` within the same 15 minutes.

Not axes' own ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]``: axes has one limit
for every parameter, so the address would be locked after five failures shared by everyone behind an
office's address, and a success from the address would wipe the failures of every account tried from it.
Here a success resets only that account's failures from that address (as before), which also takes them
out of the address's count.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def failures_from_address(request) -> int:
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class AddressLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if failures_from_address(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            # Reported as the pair's limit reached, so axes refuses and signals the lockout as usual.
            return max(failures, get_failure_limit(request, credentials))
        return failures
