from django.apps import AppConfig


class ChecklistConfig(AppConfig):
    name = "checklist"
    verbose_name = "個人情報保護対策チェックリスト"

    def ready(self):
        from contracts import carry_over
        from core import dashboard

        from . import evidence, selectors, services

        dashboard.register(selectors.waiting_checklists, order=40)
        dashboard.register_contract_links(selectors.checklist_links, order=40)
        evidence.register_builtin()
        carry_over.register(preview=services.next_year_preview, carry=services.next_year_carry)
