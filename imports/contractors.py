"""委託事業者: made and kept up to date by the import (the contracts app has no service for a contractor's
particulars; the admin edits them). Each change one audit entry, without the contact's name or number."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log
from contracts.models import Organisation
from core import bounds
from core.errors import DomainError

from .permissions import may_run_import

CONTRACTOR_FIELDS = ("address", "emergency_contact_name", "emergency_contact_phone", "emergency_contact_email",
                     "emergency_procedure")


@transaction.atomic
def contractor_save(*, name: str, actor, request=None, **fields) -> tuple[Organisation, str]:
    """A contractor (委託事業者) by its name: created, or the particulars given (address, emergency contacts) updated;
    those not given (None) are left as they are. A name held by a section or a subcontractor is refused (names are
    unique across every organisation)."""
    may_run_import(actor).or_403().require()
    name = (name or "").strip()
    if not name:
        raise DomainError(_("名称を入力してください。"), field="name")
    unknown = set(fields) - set(CONTRACTOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    # Only the particulars given are set: an import without a column (or with a blank cell) keeps what is there.
    fields = {key: (value or "").strip() for key, value in fields.items() if value is not None}
    bounds.check_values(Organisation, name=name, **fields)
    if fields.get("emergency_contact_email"):
        try:
            validate_email(fields["emergency_contact_email"])
        except ValidationError:
            raise DomainError(_("メールアドレスの形式が正しくありません。"), field="emergency_contact_email") from None
    existing = Organisation.objects.select_for_update().filter(name=name).first()
    if existing is not None and existing.kind != Organisation.Kind.CONTRACTOR:
        raise DomainError(_("「%(name)s」は%(kind)sとして登録されています。委託事業者には別の名称を使ってください。")
                          % {"name": name, "kind": existing.get_kind_display()}, field="name")
    if existing is None:
        contractor = Organisation.objects.create(name=name, kind=Organisation.Kind.CONTRACTOR, **fields)
        audit_log(action="imports.contractor.created", actor=actor, obj=contractor, request=request,
                  payload={"name": name})
        return contractor, "created"
    changed = [key for key, value in fields.items() if getattr(existing, key) != value]
    if changed:
        for key in changed:
            setattr(existing, key, fields[key])
        existing.save(update_fields=changed)
        # Which particulars changed, never their values (a contact person's name and number are personal data).
        audit_log(action="imports.contractor.updated", actor=actor, obj=existing, request=request,
                  payload={"name": name, "changed": changed})
    return existing, "updated" if changed else "unchanged"
