"""Site-wide groups. Per-contract rights are guardian permissions (see services); these groups only
say who may create contracts and who reads the security log that belongs to no contract."""

from django.contrib.auth.models import Group, Permission

HR_GROUP = "担当課"
AUDIT_GROUP = "監査"

GROUP_PERMISSIONS = {
    HR_GROUP: [("contracts", "add_contract")],
    AUDIT_GROUP: [("audit", "view_security_log")],
}


def ensure_groups(**kwargs) -> None:
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                group.permissions.add(perm)
