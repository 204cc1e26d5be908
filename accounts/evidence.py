"""What sign-in knows about ward system item 06, for one contract.

``ward.system.06`` ID・パスワードやアドレス情報による運用により、第三者による個人情報の盗用、改ざん、成りすましを
防止する: every active account of the contract's people (an active membership, the person's account active)
signs in with a password (its own, or the ward directory's for a DirectoryAccount) and a confirmed TOTP device
(django-otp); met False naming how many have none.
The contract's people are its members and those holding a role on its section's part of the organisation
(ScopeGrant). Registered in ``AccountsConfig.ready``. Both are read through the relations the contracts app
declares on the user (``memberships``, ``scope_grants``), without importing the floor above.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.evidence import Evidence


def second_factor_evidence(contract) -> Evidence:
    User = get_user_model()
    section = contract.ward_section_id
    members = User.objects.filter(memberships__contract_id=contract.pk, memberships__revoked_at__isnull=True)
    # And the ward's people holding a role on the part of the organisation the contract's section lies in (the
    # section, the 課 or 部 above it, or the whole ward), through the relation the contracts app declares.
    scoped = User.objects.filter(Q(scope_grants__unit__isnull=True) | Q(scope_grants__unit_id=section)
                                 | Q(scope_grants__unit__children__pk=section)
                                 | Q(scope_grants__unit__children__children__pk=section),
                                 scope_grants__pk__isnull=False, scope_grants__revoked_at__isnull=True)
    people = User.objects.filter(Q(pk__in=members.values("pk")) | Q(pk__in=scoped.values("pk")))
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    # One query for the three counts (the checklist page asks every provider at once).
    # A directory account has no password here: the ward's directory checks it (directory sign-in), so it is
    # counted as signing in with a password, and named as such; any other account without one is missing it.
    directory = Q(directory_account__isnull=False)
    counts = User.objects.filter(is_active=True, pk__in=people.values("pk")).aggregate(
        total=Count("pk"), without=Count("pk", filter=~Exists(confirmed)),
        unusable=Count("pk", filter=Q(password__startswith="!") & ~directory),
        directory=Count("pk", filter=directory))
    url = reverse("contracts:detail", kwargs={"slug": contract.slug})
    if not counts["total"]:
        return Evidence(met=None, url=url, summary=_("この契約の利用者はまだいません。"))
    if counts["without"] or counts["unusable"]:
        return Evidence(met=False, url=url, summary=_(
            "この契約の利用者 %(total)s名のうち、ワンタイムパスワード（TOTP）を登録していない %(without)s名・"
            "パスワード未設定 %(unusable)s名") % counts)
    if counts["directory"]:
        return Evidence(met=True, url=url, summary=_(
            "この契約の利用者 %(total)s名全員が、パスワード（うち %(directory)s名は区のディレクトリで確認）と"
            "登録済みのワンタイムパスワード（TOTP）でログイン") % counts)
    return Evidence(met=True, url=url, summary=_(
        "この契約の利用者 %(total)s名全員が、パスワードと登録済みのワンタイムパスワード（TOTP）でログイン") % counts)


def register_all() -> None:
    from core import evidence

    evidence.register("ward.system.06", second_factor_evidence)
