from django.apps import AppConfig
from django.db.models.signals import post_migrate

# The ward's administrators: they import and publish the checklist's templates (other apps may add their own
# permissions to the same group).
ADMIN_GROUP = "管理者"


def ensure_admin_group(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    permission = Permission.objects.filter(content_type__app_label="checklist", codename="import_template").first()
    if permission is not None:
        Group.objects.get_or_create(name=ADMIN_GROUP)[0].permissions.add(permission)


class ChecklistConfig(AppConfig):
    name = "checklist"
    verbose_name = "個人情報保護対策チェックリスト"

    def ready(self):
        from attachments import registry
        from contracts import carry_over
        from core import dashboard

        from . import evidence, permissions, selectors, services
        from .models import ChecklistItem, Confirmation, EvidenceRequest, MeasureChange

        dashboard.register(selectors.waiting_checklists, order=40)
        dashboard.register(selectors.waiting_evidence_requests, order=40)
        registry.register(ChecklistItem, may_view=permissions.may_view_item_files,
                          may_attach=permissions.may_attach_to_item, contract_of=lambda item: item.checklist.contract)
        registry.register(Confirmation, may_view=permissions.may_view_record_files,
                          may_attach=permissions.may_attach_to_confirmation, contract_of=lambda row: row.contract)
        registry.register(MeasureChange, may_view=permissions.may_view_record_files,
                          may_attach=permissions.may_attach_to_change, contract_of=lambda row: row.contract)
        registry.register(EvidenceRequest, may_view=permissions.may_see_request,
                          may_attach=permissions.may_answer_request, contract_of=lambda row: row.contract)
        dashboard.register_contract_links(selectors.checklist_links, order=40)
        evidence.register_builtin()
        carry_over.register(preview=services.next_year_preview, carry=services.next_year_carry)
        post_migrate.connect(ensure_admin_group, sender=self, dispatch_uid="checklist_admin_group")
        from core import context_processors

        context_processors.register("checklist_templates", lambda user: bool(permissions.may_import_templates(user)),
                                    page="checklist:template_list")
