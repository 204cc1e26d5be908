from django.conf import settings
from django.utils.functional import cached_property

from audit.selectors import may_read_log, may_read_security_log


class Menu:
    """What the main menu offers this person: only what they may open, answered by the same permission
    helpers the views use. Each answer is worked out only when a page's menu asks for it."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def audit_log(self) -> bool:
        return bool(self.user and self.user.is_authenticated and may_read_log(self.user))

    @cached_property
    def ward_staff(self) -> bool:
        """A person of the ward's section: the footer's 「庁内ネットワーク内でのみ」 is true for them only (the
        contractor uses the app from outside). Compared by value: core imports no app above it."""
        profile = getattr(self.user, "profile", None) if self.user and self.user.is_authenticated else None
        return getattr(getattr(profile, "organisation", None), "kind", None) == "ward_section"

    @cached_property
    def security_log(self) -> bool:
        """The auditors' own pages (verifying the chain, the monthly analysis, the anchor)."""
        return may_read_security_log(self.user)


def site(request):
    return {
        "demo_skip_two_factor": settings.DEMO_SKIP_TWO_FACTOR_ENROLMENT,
        "menu": Menu(getattr(request, "user", None)),
    }
