"""The ward's organisation tree (部 → 課 → 係): a unit created or changed by its 組織コード, by the administrator's
page and by the import. One audit entry per unit created or changed."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_log
from core import bounds
from core.errors import DomainError

from ..models import Organisation

Kind = Organisation.Kind
# The kind of parent each kind of unit must have (None: none, at the top of the ward).
PARENT_KIND = {Kind.DEPARTMENT: None, Kind.WARD_SECTION: Kind.DEPARTMENT, Kind.UNIT: Kind.WARD_SECTION}
_PARENT_ERRORS = {
    Kind.DEPARTMENT: gettext_lazy("部は最上位の組織です。上位組織は空欄にしてください。"),
    Kind.WARD_SECTION: gettext_lazy("課の上位組織には部を指定してください。"),
    Kind.UNIT: gettext_lazy("係の上位組織には課を指定してください。"),
}


def check_unit(*, unit: Organisation | None, kind: str, parent: Organisation | None) -> None:
    """部 has no parent, 課 is under a 部, 係 under a 課; a unit is never below itself; a unit with units below
    it keeps the kind they hang from."""
    if kind not in PARENT_KIND:
        raise DomainError(_("種別は部・課・係のいずれかにしてください。"), field="kind")
    wanted = PARENT_KIND[kind]
    if (parent is None and wanted is not None) or (parent is not None and parent.kind != wanted):
        raise DomainError(str(_PARENT_ERRORS[kind]), field="parent")
    if unit is not None and unit.pk is not None:
        above = parent
        while above is not None:
            if above.pk == unit.pk:
                raise DomainError(_("上位組織に、この組織自身又はその下位の組織は指定できません。"), field="parent")
            above = above.parent
        if unit.kind != kind:
            below = {Kind.DEPARTMENT: Kind.WARD_SECTION, Kind.WARD_SECTION: Kind.UNIT}.get(kind)
            if unit.children.exclude(kind=below).exists() if below else unit.children.exists():
                raise DomainError(_("下位の組織があるため、種別を変更できません。"), field="kind")
            # A role held on the unit was granted for what it was (担当課 on a 課 or 係; the privacy and audit
            # offices on a 部): a 課 turned 部 would hand its clerks every 課 later placed under it.
            from .scopes import ROLE_UNIT_KINDS

            held = set(unit.scope_grants.filter(revoked_at__isnull=True).values_list("role", flat=True))
            if any(kind not in ROLE_UNIT_KINDS.get(role, ()) for role in held):
                raise DomainError(_("この組織に付与されている役割はこの種別では持てないため、種別を変更できません。"
                                    "先に役割を取り消してください。"), field="kind")
            if kind == Kind.DEPARTMENT and unit.owned_contracts.exists():
                raise DomainError(_("この組織を担当課とする契約があるため、部には変更できません。"), field="kind")


def _payload(unit: Organisation, fields) -> dict:
    values = {"name": unit.name, "kind": unit.kind, "parent": unit.parent.code if unit.parent_id else ""}
    return {name: values[name] for name in fields}


@transaction.atomic
def unit_save(*, code: str, name: str, kind: str, parent: Organisation | None, actor, request=None) -> Organisation:
    """Create the unit with 組織コード ``code``, or change the one that has it. Refuses a blank code, a name
    another organisation has, a 課 under a 課, a 係 under a 部, a cycle (Japanese, at the field)."""
    code = (code or "").strip()
    name = (name or "").strip()
    if not code:
        raise DomainError(_("組織コードを入力してください。"), field="code")
    if not name:
        raise DomainError(_("名称を入力してください。"), field="name")
    bounds.check_values(Organisation, code=code, name=name)
    unit = Organisation.objects.select_for_update().filter(code=code).first()
    if unit is not None and unit.kind not in Organisation.WARD_KINDS:
        raise DomainError(_("この組織コードは区の組織以外に使われています。"), field="code")
    if Organisation.objects.filter(name=name).exclude(pk=getattr(unit, "pk", None)).exists():
        raise DomainError(_("同じ名称の組織がすでにあります。"), field="name")
    if parent is not None:
        parent = Organisation.objects.select_related("parent__parent").get(pk=parent.pk)
    check_unit(unit=unit, kind=kind, parent=parent)
    if unit is None:
        unit = Organisation.objects.create(code=code, name=name, kind=kind, parent=parent)
        audit_log(action="contract.unit.created", actor=actor, obj=unit, request=request,
                  payload={"code": code, **_payload(unit, ("name", "kind", "parent"))})
        return unit
    changed = [f for f, now, wanted in (("name", unit.name, name), ("kind", unit.kind, kind),
                                        ("parent", unit.parent_id, getattr(parent, "pk", None))) if now != wanted]
    if not changed:
        return unit
    before = _payload(unit, changed)
    unit.name, unit.kind, unit.parent = name, kind, parent
    unit.save(update_fields=changed)
    audit_log(action="contract.unit.changed", actor=actor, obj=unit, request=request,
              payload={"code": code, "before": before, "after": _payload(unit, changed)})
    return unit
