"""What sign-in knows about ward system item 06, for one contract.

``ward.system.06`` ID・パスワードやアドレス情報による運用により、第三者による個人情報の盗用、改ざん、成りすましを
防止する: every active account of the contract's people (an active membership, the person's account active)
signs in with a password and a confirmed TOTP device (django-otp); met False naming how many have none.
Registered in ``AccountsConfig.ready``. The contract's memberships are read through the relation the contracts
app declares on the user (``memberships``), without importing the floor above.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.evidence import Evidence


def second_factor_evidence(contract) -> Evidence:
    users = (get_user_model().objects.filter(is_active=True, memberships__contract_id=contract.pk,
                                             memberships__revoked_at__isnull=True).distinct())
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    counts = {"total": users.count(), "without": users.exclude(Exists(confirmed)).count(),
              "unusable": users.filter(password__startswith="!").count()}
    url = reverse("contracts:detail", kwargs={"slug": contract.slug})
    if not counts["total"]:
        return Evidence(met=None, url=url, summary=_("この契約の利用者はまだいません。"))
    if counts["without"] or counts["unusable"]:
        return Evidence(met=False, url=url, summary=_(
            "この契約の利用者 %(total)s名のうち、ワンタイムパスワード（TOTP）を登録していない %(without)s名・"
            "パスワード未設定 %(unusable)s名") % counts)
    return Evidence(met=True, url=url, summary=_(
        "この契約の利用者 %(total)s名全員が、パスワードと登録済みのワンタイムパスワード（TOTP）でログイン") % counts)


def register_all() -> None:
    from core import evidence

    evidence.register("ward.system.06", second_factor_evidence)
