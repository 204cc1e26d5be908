from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .services import has_second_factor

OPEN_PATHS = ("accounts:login", "accounts:logout", "accounts:verify", "accounts:enrol")


class RequireSecondFactorMiddleware:
    """A signed-in person who has not given their second factor reaches only the TOTP pages.

    That covers the admin too. The local demo setting lets accounts without a TOTP device through,
    and every page then carries a banner saying so.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            if self._open is None:
                self._open = {reverse(name) for name in OPEN_PATHS}
            if request.path not in self._open and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
                enrolled = has_second_factor(user)
                if enrolled:
                    return redirect(f"{reverse('accounts:verify')}")
                if not settings.DEMO_SKIP_TWO_FACTOR_ENROLMENT:
                    return redirect(reverse("accounts:enrol"))
        return self.get_response(request)
