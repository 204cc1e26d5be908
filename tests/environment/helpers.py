"""Profiles filled in, submitted and accepted through the services, as the people would."""

import datetime as dt

from environment import services
from environment.models import SYSTEM_ITEMS

PLACE = {"country": "日本", "premises": "data_centre", "place": "東京都内のデータセンター", "cloud_guideline": "not_applicable",
         "ismap": "not_applicable"}


def answers(**overrides) -> dict:
    values = dict(PLACE)
    for number in SYSTEM_ITEMS:
        values[f"s{number}_status"] = "in_place"
        values[f"s{number}_text"] = f"s{number} の対策を実施（テスト）"
    values.update(overrides)
    return values


def filled(world, organisation=None, *, keeper=None, **overrides):
    """A profile of ``organisation`` (default: contract A's contractor) filled in by its manager, not submitted."""
    organisation = organisation or world.contractor
    keeper = keeper or world.manager
    profile = services.profile_start(organisation=organisation, actor=keeper)
    return services.profile_save(profile=profile, actor=keeper, **answers(**overrides))


def accepted(world, organisation=None, *, keeper=None, reviewer=None, **overrides):
    keeper = keeper or world.manager
    profile = filled(world, organisation, keeper=keeper, **overrides)
    services.profile_submit(profile=profile, actor=keeper)
    return services.profile_accept(profile=profile, actor=reviewer or world.hr)


def certificate(world, profile, *, kind="isms", valid_from=dt.date(2024, 4, 1), valid_until=dt.date(2027, 3, 31),
                actor=None, **more):
    return services.certificate_add(profile=profile, actor=actor or world.manager, kind=kind, number=more.pop("number", "IS 123456"),
                                    issuer="テスト認証機構", valid_from=valid_from, valid_until=valid_until, **more)


def report(world, profile, kind, done_on, *, actor=None):
    return services.report_record(profile=profile, actor=actor or world.manager, kind=kind,
                                  period_from=done_on - dt.timedelta(days=30), period_until=done_on, done_on=done_on,
                                  text="異常なし")


def ward_keeper(user):
    """Give ``user`` the IT section's permission to keep the ward's profile."""
    from django.contrib.auth.models import Permission

    from core import roles

    user.user_permissions.add(Permission.objects.get(codename="keep_ward_profile", content_type__app_label="environment"))
    roles.forget(user)
    return user
