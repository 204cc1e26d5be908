from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "委託契約"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from audit import scope
        from core import context_processors, dashboard, faces

        from . import evidence, permissions, roles, selectors
        from .models import Contract, Designation, Membership, Organisation, ScopeGrant

        dashboard.register(selectors.waiting_designations, order=10)
        dashboard.register(selectors.waiting_my_reports, order=10)
        dashboard.register(selectors.waiting_subcontracting, order=12)
        post_migrate.connect(roles.ensure_groups, sender=self)
        for model in (Membership, Designation, ScopeGrant, Organisation):
            post_save.connect(permissions.forget_remembered_roles, sender=model,
                              dispatch_uid=f"forget-roles-saved-{model.__name__}")
            post_delete.connect(permissions.forget_remembered_roles, sender=model,
                                dispatch_uid=f"forget-roles-deleted-{model.__name__}")
        # The audit trail, below the contracts, asks them who reads which contract's entries.
        scope.register(audited=lambda user: selectors.contracts_for(user, perm="contracts.audit_contract"),
                       audits_any=lambda user: permissions.has_contracts_where(user, "contracts.audit_contract"),
                       with_slug=lambda slug: Contract.objects.filter(slug=slug).first())
        context_processors.register("ward_staff", selectors.is_ward_staff)
        # The contractor face (core.faces) signs in none of the ward's own people.
        faces.register_ward_person(selectors.is_ward_staff)
        # チェックリスト 運用上の対策3, from the subcontracting records (the supervision adds the inspections).
        evidence.register_providers()
